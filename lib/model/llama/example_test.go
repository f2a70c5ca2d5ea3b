package llama

import (
	"context"
	"fmt"
	"os"
	"testing"
)

// ExampleOpen writes a tiny random checkpoint (as the tests do), opens it on
// the go backend, decodes greedily, and reads the residual stream.
func ExampleOpen() {
	dir, _ := os.MkdirTemp("", "llama")
	defer os.RemoveAll(dir)
	writeCheckpoint(&testing.T{}, dir, tinyConfig("float32"), 7)

	m, err := Open(dir, &Options{Backend: "go"})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer m.Close()
	prompt := []int{1, 17, 300, 42}
	gens, err := m.Generate(context.Background(), [][]int{prompt}, nil, GenerateOptions{MaxNewTokens: 5, NoStop: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := m.Forward([][]int{prompt}, []int{0, m.NumLayers()}, false)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("layers:", m.NumLayers(), "hidden:", m.HiddenSize(), "dtype:", m.DType())
	fmt.Println("greedy tokens:", gens[0].Tokens, gens[0].Finish)
	fmt.Println("hidden states:", res.Layers, "positions:", len(res.Hidden[0][0]), "width:", len(res.Hidden[1][0][3]))
	// Output:
	// layers: 2 hidden: 64 dtype: Float32
	// greedy tokens: [483 294 47 356 356] length
	// hidden states: [0 2] positions: 4 width: 64
}
