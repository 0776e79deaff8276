package documents

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestLocal(t *testing.T) {
	store, err := NewLocal(filepath.Join(t.TempDir(), "documents"))
	if err != nil {
		t.Fatalf("NewLocal: %v", err)
	}
	testStore(t, store)
}

func TestLocalFilesArePrivate(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "documents")
	store, err := NewLocal(dir)
	if err != nil {
		t.Fatalf("NewLocal: %v", err)
	}
	key := NewKey("invoices", time.Now())
	putAndCheck(t, store, key, buildPDF(t, 1000))
	putAndCheck(t, store, key, buildPDF(t, 1000))

	want := map[string]os.FileMode{filepath.Join(dir, key): 0o600}
	for folder := filepath.Dir(key); folder != "."; folder = filepath.Dir(folder) {
		want[filepath.Join(dir, folder)] = 0o700
	}
	want[dir] = 0o700
	for path, mode := range want {
		info, err := os.Stat(path)
		if err != nil {
			t.Fatalf("Stat: %v", err)
		}
		if got := info.Mode().Perm(); got != mode {
			t.Errorf("mode of %s = %v, want %v", path, got, mode)
		}
	}
	checkNoTempFiles(t, dir)
}

// checkNoTempFiles fails if a temporary file was left behind under dir.
func checkNoTempFiles(t *testing.T, dir string) {
	t.Helper()
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err == nil && strings.HasPrefix(d.Name(), ".") {
			t.Errorf("found %s, want no hidden temporary files", path)
		}
		return err
	})
	if err != nil {
		t.Fatalf("walking %s: %v", dir, err)
	}
}

func TestLocalStaysInsideFolder(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "documents")
	outside := filepath.Join(parent, "outside")
	if err := os.MkdirAll(outside, 0o700); err != nil {
		t.Fatal(err)
	}
	store, err := NewLocal(dir)
	if err != nil {
		t.Fatalf("NewLocal: %v", err)
	}
	if err := os.Symlink(outside, filepath.Join(dir, "invoices")); err != nil {
		t.Fatal(err)
	}

	key := "invoices/x.pdf"
	if err := store.Put(t.Context(), key, []byte("x")); err == nil {
		t.Errorf("Put(%q) through a symbolic link out of the folder succeeded, want an error", key)
	}
	if entries, _ := os.ReadDir(outside); len(entries) > 0 {
		t.Errorf("found %d files outside the folder, want none", len(entries))
	}
	if _, _, err := store.Get(t.Context(), key); err == nil {
		t.Errorf("Get(%q) through a symbolic link out of the folder succeeded, want an error", key)
	}
}

func TestLocalGetOfFolderIsNotFound(t *testing.T) {
	store, err := NewLocal(t.TempDir())
	if err != nil {
		t.Fatalf("NewLocal: %v", err)
	}
	key := NewKey("invoices", time.Now())
	putAndCheck(t, store, key, []byte("x"))

	folder := filepath.ToSlash(filepath.Dir(key))
	if _, _, err := store.Get(t.Context(), folder); !errors.Is(err, ErrNotFound) {
		t.Errorf("Get(%q) error = %v, want %v", folder, err, ErrNotFound)
	}
}
