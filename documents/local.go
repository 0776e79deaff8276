package documents

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
)

// Local keeps documents as files in a folder on this machine, for the
// all-in-one development mode. Files are readable by the owner only.
type Local struct {
	dir string
}

// NewLocal returns a Local that keeps files under dir, creating dir if needed.
func NewLocal(dir string) (*Local, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("creating document folder: %w", err)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("opening document folder: %w", err)
	}
	root.Close()
	return &Local{dir: dir}, nil
}

// Put writes data to a temporary file and renames it into place, so a reader
// never sees a half-written document.
func (l *Local) Put(ctx context.Context, key string, data []byte) error {
	if err := checkKey(key); err != nil {
		return err
	}
	root, err := os.OpenRoot(l.dir)
	if err != nil {
		return fmt.Errorf("opening document folder: %w", err)
	}
	defer root.Close()

	if err := root.MkdirAll(path.Dir(key), 0o700); err != nil {
		return fmt.Errorf("creating document folder: %w", err)
	}
	tmp, err := writeTemp(root, key, data)
	if err != nil {
		return err
	}
	if err := root.Rename(tmp, key); err != nil {
		root.Remove(tmp)
		return fmt.Errorf("renaming document file: %w", err)
	}
	return nil
}

// writeTemp writes data to a new hidden file beside key and returns its name.
func writeTemp(root *os.Root, key string, data []byte) (string, error) {
	var id [8]byte
	rand.Read(id[:]) // never fails: the runtime aborts when it cannot read
	name := path.Join(path.Dir(key), "."+path.Base(key)+"."+hex.EncodeToString(id[:]))

	f, err := root.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return "", fmt.Errorf("creating document file: %w", err)
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if closeErr := f.Close(); err == nil {
		err = closeErr
	}
	if err != nil {
		root.Remove(name)
		return "", fmt.Errorf("writing document file: %w", err)
	}
	return name, nil
}

// Delete removes the document file under key.
func (l *Local) Delete(ctx context.Context, key string) error {
	if err := checkKey(key); err != nil {
		return err
	}
	root, err := os.OpenRoot(l.dir)
	if err != nil {
		return fmt.Errorf("opening document folder: %w", err)
	}
	defer root.Close()
	if err := root.Remove(key); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("removing document file: %w", err)
	}
	return nil
}

// Get opens the document file under key.
func (l *Local) Get(ctx context.Context, key string) (io.ReadCloser, int64, error) {
	if err := checkKey(key); err != nil {
		return nil, 0, err
	}
	root, err := os.OpenRoot(l.dir)
	if err != nil {
		return nil, 0, fmt.Errorf("opening document folder: %w", err)
	}
	defer root.Close()

	f, err := root.Open(key)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, 0, ErrNotFound
	}
	if err != nil {
		return nil, 0, fmt.Errorf("opening document file: %w", err)
	}
	info, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, fmt.Errorf("reading document file: %w", err)
	}
	if !info.Mode().IsRegular() {
		f.Close()
		return nil, 0, ErrNotFound
	}
	return f, info.Size(), nil
}
