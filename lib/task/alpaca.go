package task

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
)

type alpacaRecord struct {
	Instruction *string `json:"instruction"`
	Input       *string `json:"input"`
	Output      *string `json:"output"`
}

// LoadAlpaca reads the Alpaca data (Taori et al. 2023, alpaca_data.json): a
// JSON array of {"instruction", "input", "output"} objects. Element i
// becomes the task "alpaca_<i>" (0-based); its prompt is the instruction,
// followed by a blank line and the input when the input is not empty. The
// output, the reference answer, is not part of a task. An element without
// an instruction, or with an empty one, is an error naming its index.
func LoadAlpaca(path string) ([]Task, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("task: %w", err)
	}
	defer f.Close()
	return readAlpaca(f, path)
}

func readAlpaca(r io.Reader, name string) ([]Task, error) {
	dec := json.NewDecoder(r)
	tok, err := dec.Token()
	if err != nil {
		return nil, fileErr(name, fmt.Errorf("bad JSON: %w", err))
	}
	if d, ok := tok.(json.Delim); !ok || d != '[' {
		return nil, fileErr(name, errors.New("bad JSON: want an array of {instruction, input, output}"))
	}
	var tasks []Task
	for i := 0; dec.More(); i++ {
		at := where{file: name, unit: "index", n: i}
		var rec alpacaRecord
		if err := dec.Decode(&rec); err != nil {
			return nil, at.errf("bad JSON: %w", err)
		}
		if rec.Instruction == nil {
			return nil, at.err(missing("instruction"))
		}
		if err := checkPrompt(*rec.Instruction); err != nil {
			return nil, at.errf("instruction: %w", err)
		}
		prompt := *rec.Instruction
		if rec.Input != nil && *rec.Input != "" {
			prompt += "\n\n" + *rec.Input
		}
		tasks = append(tasks, Task{ID: "alpaca_" + strconv.Itoa(i), Origin: OriginAlpaca, Prompt: prompt})
	}
	if _, err := dec.Token(); err != nil {
		return nil, fileErr(name, fmt.Errorf("bad JSON: %w", err))
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fileErr(name, errors.New("bad JSON: trailing data after the array"))
	}
	return tasks, nil
}
