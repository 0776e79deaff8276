package documents

import (
	"bytes"
	"crypto/rand"
	"errors"
	"io"
	"regexp"
	"testing"
	"time"
)

// testStore checks the behaviour every Store promises.
func testStore(t *testing.T, store Store) {
	ctx := t.Context()
	now := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)

	t.Run("round trip", func(t *testing.T) {
		key := NewKey("invoices", now)
		putAndCheck(t, store, key, buildPDF(t, 1000))
	})
	t.Run("round trip of 5.9 MB", func(t *testing.T) {
		key := NewKey("payments", now)
		putAndCheck(t, store, key, randomBytes(5_900_000))
	})
	t.Run("same content again", func(t *testing.T) {
		key := NewKey("invoices", now)
		data := buildPDF(t, 2000)
		putAndCheck(t, store, key, data)
		putAndCheck(t, store, key, data)
	})
	t.Run("delete", func(t *testing.T) {
		key := NewKey("invoices", now)
		putAndCheck(t, store, key, buildPDF(t, 500))
		if err := store.Delete(ctx, key); err != nil {
			t.Fatalf("Delete(%q) = %v", key, err)
		}
		if _, _, err := store.Get(ctx, key); !errors.Is(err, ErrNotFound) {
			t.Errorf("Get after Delete error = %v, want %v", err, ErrNotFound)
		}
		if err := store.Delete(ctx, key); err != nil {
			t.Errorf("Delete of a missing key = %v, want nil", err)
		}
	})
	t.Run("missing key", func(t *testing.T) {
		key := NewKey("invoices", now)
		if _, _, err := store.Get(ctx, key); !errors.Is(err, ErrNotFound) {
			t.Errorf("Get(%q) error = %v, want %v", key, err, ErrNotFound)
		}
	})
	t.Run("invalid keys", func(t *testing.T) {
		testInvalidKeys(t, store)
	})
}

var badKeys = []string{
	"",
	"../outside.pdf",
	"invoices/../../outside.pdf",
	"invoices/2026/../../../outside.pdf",
	"/etc/passwd",
	"invoices//x.pdf",
	"invoices/./x.pdf",
	"invoices/x.pdf/",
	"invoices\\..\\x.pdf",
	".hidden.pdf",
	"invoices/.x.pdf",
	"invoices/x y.pdf",
	"invoices/x\x00.pdf",
	"請求/x.pdf",
	string(bytes.Repeat([]byte("a"), maxKeyLen+1)),
}

func testInvalidKeys(t *testing.T, store Store) {
	ctx := t.Context()
	for _, key := range badKeys {
		if err := store.Put(ctx, key, []byte("x")); !errors.Is(err, ErrInvalidKey) {
			t.Errorf("Put(%.60q) error = %v, want %v", key, err, ErrInvalidKey)
		}
		if _, _, err := store.Get(ctx, key); !errors.Is(err, ErrInvalidKey) {
			t.Errorf("Get(%.60q) error = %v, want %v", key, err, ErrInvalidKey)
		}
	}
}

// putAndCheck stores data under key and reads it back.
func putAndCheck(t *testing.T, store Store, key string, data []byte) {
	t.Helper()
	if err := store.Put(t.Context(), key, data); err != nil {
		t.Fatalf("Put(%q, %d bytes): %v", key, len(data), err)
	}

	body, size, err := store.Get(t.Context(), key)
	if err != nil {
		t.Fatalf("Get(%q): %v", key, err)
	}
	defer body.Close()
	got, err := io.ReadAll(body)
	if err != nil {
		t.Fatalf("reading %q: %v", key, err)
	}
	if size != int64(len(data)) || !bytes.Equal(got, data) {
		t.Errorf("Get(%q) = %d bytes (size %d), want the %d bytes put",
			key, len(got), size, len(data))
	}
}

func randomBytes(n int) []byte {
	data := make([]byte, n)
	rand.Read(data)
	return data
}

func TestNewKey(t *testing.T) {
	// 15:30 UTC on 30 November is 00:30 on 1 December in Tokyo.
	now := time.Date(2026, 11, 30, 15, 30, 0, 0, time.UTC)
	pattern := regexp.MustCompile(`^invoices/2026/12/[0-9a-f]{32}\.pdf$`)

	first, second := NewKey("invoices", now), NewKey("invoices", now)
	for _, key := range []string{first, second} {
		if !pattern.MatchString(key) {
			t.Errorf("NewKey(invoices, %v) = %q, want a match for %s", now, key, pattern)
		}
		if err := checkKey(key); err != nil {
			t.Errorf("checkKey(%q) = %v, want nil", key, err)
		}
	}
	if first == second {
		t.Errorf("NewKey gave %q twice, want distinct keys", first)
	}
}
