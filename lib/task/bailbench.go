package task

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

// LoadBailBench reads BailBench (Ensign et al. 2025, "The LLM has left the
// chat"): a CSV file whose header names the columns content, subcategory
// and category, in any order and among any others (names are matched after
// trimming space and ignoring case). Data row i (0-based, header excluded)
// becomes the task "bailbench_<i>" with the content as prompt and Meta
// "category" and "subcategory". A missing column, a row with the wrong
// number of fields or an empty content is an error naming the line.
func LoadBailBench(path string) ([]Task, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("task: %w", err)
	}
	defer f.Close()
	return readBailBench(f, path)
}

func readBailBench(r io.Reader, name string) ([]Task, error) {
	cr := csv.NewReader(r)
	header, err := cr.Read()
	if err == io.EOF {
		return nil, fileErr(name, errors.New("empty file: want a header content,subcategory,category"))
	}
	if err != nil {
		return nil, csvErr(name, err)
	}
	col := map[string]int{}
	for i, h := range header {
		if i == 0 {
			h = strings.TrimPrefix(h, "\uFEFF")
		}
		h = strings.ToLower(strings.TrimSpace(h))
		if _, dup := col[h]; dup {
			return nil, where{file: name, unit: "line", n: 1}.errf("header: column %q appears twice", h)
		}
		col[h] = i
	}
	for _, want := range []string{"content", "subcategory", "category"} {
		if _, ok := col[want]; !ok {
			return nil, where{file: name, unit: "line", n: 1}.errf("header: %w %q (have %s)", ErrMissingField, want, strings.Join(header, ","))
		}
	}
	var tasks []Task
	for i := 0; ; i++ {
		rec, err := cr.Read()
		if err == io.EOF {
			return tasks, nil
		}
		if err != nil {
			return nil, csvErr(name, err)
		}
		line, _ := cr.FieldPos(0)
		at := where{file: name, unit: "line", n: line}
		content := rec[col["content"]]
		if err := checkPrompt(content); err != nil {
			return nil, at.errf("content: %w", err)
		}
		tasks = append(tasks, Task{
			ID:     "bailbench_" + strconv.Itoa(i),
			Origin: OriginBailBench,
			Prompt: content,
			Meta: map[string]string{
				"category":    rec[col["category"]],
				"subcategory": rec[col["subcategory"]],
			},
		})
	}
}

// csvErr names the line of a CSV parse error in the RecordError form.
func csvErr(name string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return where{file: name, unit: "line", n: pe.Line}.errf("bad CSV: %w", pe.Err)
	}
	return fileErr(name, err)
}
