package repo_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/prefscope/prefscope/lib/repo"
)

func ExampleStamp() {
	s, err := repo.Stamp("2026-03-09")
	fmt.Println(s, err)
	// Output: 030926 <nil>
}

func ExampleDate() {
	os.Setenv(repo.EnvDate, "2026-03-09")
	defer os.Unsetenv(repo.EnvDate)
	d, err := repo.Date()
	fmt.Println(d, err)
	os.Setenv(repo.EnvDate, "09/03/2026")
	_, err = repo.Date()
	fmt.Println(err)
	// Output:
	// 2026-03-09 <nil>
	// repo: PREFSCOPE_DATE: date "09/03/2026" is not YYYY-MM-DD
}

func ExampleStudyDir() {
	// A relative PREFSCOPE_STUDY is resolved against the repository root,
	// wherever the notebook runs from.
	os.Setenv(repo.EnvStudy, "data/studies/llama8b")
	defer os.Unsetenv(repo.EnvStudy)
	root, _ := repo.Root()
	dir, _ := repo.StudyDir()
	rel, _ := filepath.Rel(root, dir)
	fmt.Println(filepath.ToSlash(rel))
	// Output: data/studies/llama8b
}
