package documents

import (
	"context"
	"errors"
	"io"
	"strings"
)

// Store keeps document bytes under keys made by NewKey.
type Store interface {
	// Put stores data under key. Putting the same content under the same key
	// again changes nothing, so a retried upload is harmless.
	Put(ctx context.Context, key string, data []byte) error
	// Get opens the document stored under key and gives its size in bytes.
	// It returns ErrNotFound when there is none. The caller closes the reader.
	Get(ctx context.Context, key string) (io.ReadCloser, int64, error)
	// Delete removes the document under key: one stored for a request that
	// was then refused, which no record refers to. A missing key is no
	// error.
	Delete(ctx context.Context, key string) error
}

var (
	// ErrNotFound means no document is stored under the key.
	ErrNotFound = errors.New("document not found")
	// ErrInvalidKey means the key is not a relative slash-separated path of
	// plain names, such as "invoices/2026/12/0a1b.pdf".
	ErrInvalidKey = errors.New("invalid document key")
)

// maxKeyLen keeps keys well inside S3's limit of 1024 bytes.
const maxKeyLen = 512

// checkKey refuses keys that could escape a folder or name hidden files:
// absolute paths, empty, "." or ".." segments, names starting with a dot and
// characters outside a small safe set.
func checkKey(key string) error {
	if key == "" || len(key) > maxKeyLen {
		return ErrInvalidKey
	}
	for segment := range strings.SplitSeq(key, "/") {
		if segment == "" || segment[0] == '.' || strings.IndexFunc(segment, unsafeRune) >= 0 {
			return ErrInvalidKey
		}
	}
	return nil
}

// unsafeRune reports whether r may not appear in a key.
func unsafeRune(r rune) bool {
	switch {
	case 'a' <= r && r <= 'z', 'A' <= r && r <= 'Z', '0' <= r && r <= '9':
		return false
	case r == '-', r == '_', r == '.':
		return false
	}
	return true
}
