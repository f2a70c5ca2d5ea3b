package layout

import (
	"fmt"
	"io/fs"
	"os"
	"syscall"
)

// OpenNoFollow opens a file the study owns without following a symlink at
// its last element, and refuses anything but a regular file (a FIFO named as
// a shard would otherwise hang the reader). flag and perm are as for
// os.OpenFile.
func OpenNoFollow(path string, flag int, perm os.FileMode) (*os.File, error) {
	f, err := os.OpenFile(path, flag|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, perm)
	if err != nil {
		if isLoop(err) {
			return nil, fmt.Errorf("%s: is a symlink; a study's own files are never followed through links", path)
		}
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if !st.Mode().IsRegular() {
		f.Close()
		return nil, fmt.Errorf("%s: not a regular file (%s)", path, st.Mode().Type())
	}
	// Back to blocking reads and writes: O_NONBLOCK was only there so that
	// opening a FIFO does not wait for a writer.
	if err := syscall.SetNonblock(int(f.Fd()), false); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// CheckNotSymlink returns an error when path exists and is a symlink or not
// a regular file; a missing path is fine (it will be created).
func CheckNotSymlink(path string) error {
	st, err := os.Lstat(path)
	if err != nil {
		if os.IsNotExist(err) {
			return nil
		}
		return err
	}
	if st.Mode()&fs.ModeSymlink != 0 {
		return fmt.Errorf("%s: is a symlink; a study's own files are never followed through links", path)
	}
	if !st.Mode().IsRegular() {
		return fmt.Errorf("%s: not a regular file (%s)", path, st.Mode().Type())
	}
	return nil
}

func isLoop(err error) bool {
	var pe *fs.PathError
	if e, ok := err.(*fs.PathError); ok {
		pe = e
	}
	return pe != nil && pe.Err == syscall.ELOOP
}
