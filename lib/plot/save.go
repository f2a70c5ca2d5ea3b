package plot

import (
	"fmt"
	"path/filepath"

	"github.com/prefscope/prefscope/lib/repo"
)

// FileName returns the figure file name for a date (YYYY-MM-DD) and a
// snake_case slug: plot_MMDDYY_<slug>.png.
func FileName(date, slug string) (string, error) {
	if err := repo.ValidateName(slug); err != nil {
		return "", fmt.Errorf("plot: slug: %w", err)
	}
	stamp, err := repo.Stamp(date)
	if err != nil {
		return "", fmt.Errorf("plot: %w", err)
	}
	return "plot_" + stamp + "_" + slug + ".png", nil
}

// AssetPath returns where Save puts a figure of section and slug:
// <root>/assets/<section>/plot_MMDDYY_<slug>.png, with the date from
// repo.Date (PREFSCOPE_DATE or today, UTC).
func AssetPath(section, slug string) (string, error) {
	date, err := repo.Date()
	if err != nil {
		return "", fmt.Errorf("plot: %w", err)
	}
	name, err := FileName(date, slug)
	if err != nil {
		return "", err
	}
	dir, err := repo.AssetsDir(section)
	if err != nil {
		return "", fmt.Errorf("plot: %w", err)
	}
	return filepath.Join(dir, name), nil
}

// Save renders f as PNG to AssetPath(section, slug), creating the directory,
// and returns the path. The write is atomic (repo.WriteFileAtomic), so a
// reader never sees half a figure.
func Save(f *Figure, section, slug string) (string, error) {
	path, err := AssetPath(section, slug)
	if err != nil {
		return "", err
	}
	data, err := f.PNG()
	if err != nil {
		return "", fmt.Errorf("plot: %s: %w", path, err)
	}
	if err := repo.WriteFileAtomic(path, data, 0o644); err != nil {
		return "", fmt.Errorf("plot: %w", err)
	}
	return path, nil
}

// Show displays f inline when running inside a GoNB cell, and does nothing
// (returning nil) elsewhere.
func Show(f *Figure) error {
	if !InNotebook() {
		return nil
	}
	data, err := f.PNG()
	if err != nil {
		return err
	}
	w := int(float64(f.Width)/72*96 + 0.5) // CSS pixels, 96 per inch
	return displayPNG(data, w)
}

// Publish saves f (see Save), shows it (see Show) and returns the saved
// path: the one call a notebook cell needs per figure.
func Publish(f *Figure, section, slug string) (string, error) {
	path, err := Save(f, section, slug)
	if err != nil {
		return "", err
	}
	if err := Show(f); err != nil {
		return path, err
	}
	return path, nil
}
