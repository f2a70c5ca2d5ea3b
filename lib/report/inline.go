package report

// What the HTML page takes from outside its markdown: figure files, read
// only from the report directory or the repository's assets/, only when
// regular and bounded; and text, with bidirectional controls made visible.

import (
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/prefscope/prefscope/lib/layout"
	"github.com/prefscope/prefscope/lib/repo"
)

// MaxFigureBytes bounds one figure inlined into the HTML page: a figure
// the notebooks write is well under a megabyte, and a link to something
// endless (/dev/zero) or huge must not be read whole into memory.
const MaxFigureBytes = 16 << 20

// ResolveFigure returns the file an image link of a report in dir names.
// The link is relative to dir (percent-encoding allowed); the file, links
// resolved, must lie inside dir or the repository's assets/ directory: a
// section cannot inline /etc/passwd or /dev/zero.
func ResolveFigure(link, dir string) (string, error) {
	u, err := url.Parse(link)
	if err == nil && u.Scheme != "" && len(u.Scheme) > 1 { // not a Windows drive letter
		return "", fmt.Errorf("figure %q: only local files can be inlined, not %s: links", link, u.Scheme)
	}
	path := link
	if !filepath.IsAbs(path) {
		path = filepath.Join(dir, filepath.FromSlash(link))
	}
	if _, err := os.Lstat(path); err != nil {
		// Links may be percent-encoded (spaces as %20).
		if dec, derr := url.PathUnescape(link); derr == nil && dec != link {
			return ResolveFigure(dec, dir)
		}
		return "", fmt.Errorf("figure %q: %w", link, err)
	}
	if err := checkFigurePlace(link, path, dir); err != nil {
		return "", err
	}
	return path, nil
}

// checkFigurePlace checks that path, with every link in it resolved, lies
// inside the report directory or the repository's assets directory.
func checkFigurePlace(link, path, dir string) error {
	real, err := filepath.EvalSymlinks(path)
	if err != nil {
		return fmt.Errorf("figure %q: %w", link, err)
	}
	roots := []string{dir}
	if root, err := repo.Root(); err == nil {
		roots = append(roots, filepath.Join(root, "assets"))
	}
	for _, r := range roots {
		rr, err := filepath.EvalSymlinks(r)
		if err != nil {
			continue
		}
		if rel, err := filepath.Rel(rr, real); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return nil
		}
	}
	return fmt.Errorf("figure %q: %s is outside the report directory and the repository's assets (%s); only figures there are inlined", link, real, strings.Join(roots, ", "))
}

// inlineImage reads the image a link names and returns it as a data: URI.
func inlineImage(link, dir string) (string, error) {
	path, err := ResolveFigure(link, dir)
	if err != nil {
		return "", err
	}
	real, err := filepath.EvalSymlinks(path)
	if err != nil {
		return "", fmt.Errorf("figure %q: %w", link, err)
	}
	// Not a FIFO, device or directory (OpenNoFollow checks), and bounded.
	f, err := layout.OpenNoFollow(real, os.O_RDONLY, 0)
	if err != nil {
		return "", fmt.Errorf("figure %q: %w", link, err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxFigureBytes+1))
	if err != nil {
		return "", fmt.Errorf("figure %q: %w", link, err)
	}
	if len(data) > MaxFigureBytes {
		return "", fmt.Errorf("figure %q (%s): larger than the limit of %d bytes for an inlined figure", link, path, MaxFigureBytes)
	}
	mime := http.DetectContentType(data)
	switch mime {
	case "image/png", "image/jpeg", "image/gif", "image/webp":
	default:
		return "", fmt.Errorf("figure %q (%s): %s is not a PNG, JPEG, GIF or WebP image", link, path, mime)
	}
	return "data:" + mime + ";base64," + base64.StdEncoding.EncodeToString(data), nil
}

// bidiControls are the characters that reorder text when displayed: the
// embeddings and overrides (U+202A-U+202E), the isolates (U+2066-U+2069),
// the marks (U+200E, U+200F, U+061C). Task text is untrusted, so the page
// shows them instead of obeying them.
func isBidiControl(r rune) bool {
	return r >= 0x202A && r <= 0x202E || r >= 0x2066 && r <= 0x2069 || r == 0x200E || r == 0x200F || r == 0x061C
}

// escapeBidi replaces every bidirectional control character of s (HTML
// text or an attribute value) with its visible code, [U+202E].
func escapeBidi(s string) string {
	if !strings.ContainsFunc(s, isBidiControl) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if isBidiControl(r) {
			fmt.Fprintf(&b, "[U+%04X]", r)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
