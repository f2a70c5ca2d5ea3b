package safetensors_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/prefscope/prefscope/lib/safetensors"
)

func Example() {
	dir, _ := os.MkdirTemp("", "st")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "acts.safetensors")
	err := safetensors.WriteFile(path, []safetensors.Tensor{
		safetensors.F32Tensor("layer_16", []int{2, 3}, []float32{1, 2, 3, 4, 5, 6}),
	}, map[string]string{"model": "tiny"})
	if err != nil {
		fmt.Println(err)
		return
	}
	f, err := safetensors.Open(path)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer f.Close()
	v, shape, _ := safetensors.Float32(f, "layer_16")
	fmt.Println(f.Names(), shape, v, f.Metadata["model"])
	// Output: [layer_16] [2 3] [1 2 3 4 5 6] tiny
}
