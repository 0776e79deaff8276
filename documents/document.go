package documents

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"time"
)

// Document describes a stored file. Databases and workflow histories keep
// this description, never the bytes.
type Document struct {
	Key         string
	Size        int64
	SHA256      string // hex encoded
	ContentType string
}

// tokyo is Japan's time zone. Japan has no daylight saving time, so a fixed
// offset is exact and needs no time zone database.
var tokyo = time.FixedZone("JST", 9*60*60)

// NewKey returns a fresh storage key for a document of the given kind, such
// as "invoices/2026/12/<random hex>.pdf". The key names no person or
// organisation; the month (in Japan's time zone) only spreads keys out.
// Kind must be a plain lower-case word such as "invoices".
func NewKey(kind string, now time.Time) string {
	var id [16]byte
	rand.Read(id[:]) // never fails: the runtime aborts when it cannot read

	month := now.In(tokyo).Format("2006/01")
	return fmt.Sprintf("%s/%s/%s.pdf", kind, month, hex.EncodeToString(id[:]))
}
