// Package documents checks and keeps the PDF files attached to invoices and
// payments. Only a key, size and checksum of a document travel through the
// database and workflow histories; the bytes live in a Store.
package documents

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// MaxSize is the largest decoded document we accept, in bytes (6 MiB).
const MaxSize = 6 << 20

// ContentType is the media type of every document we keep.
const ContentType = "application/pdf"

// Errors returned by DecodePDF. Their messages are written for the API client
// that sent the document.
var (
	// ErrEmpty means no document was sent.
	ErrEmpty = errors.New("the PDF is empty")
	// ErrTooLarge means the decoded document would exceed MaxSize.
	ErrTooLarge = fmt.Errorf("the PDF is larger than %d MiB (%d bytes)", MaxSize>>20, MaxSize)
	// ErrBadBase64 means the text is not standard, padded base64.
	ErrBadBase64 = errors.New("the PDF is not valid base64: send standard base64 " +
		"with padding, without a data: prefix, spaces or line breaks")
	// ErrNotPDF means the decoded bytes are not a complete PDF file.
	ErrNotPDF = errors.New("the file is not a PDF: it must start with %PDF- " +
		"and end with a startxref trailer and %%EOF")
)

// pdfWhitespace holds the bytes PDF treats as white space (ISO 32000, 7.2.2).
const pdfWhitespace = "\x00\t\n\f\r "

// DecodePDF decodes a document sent as standard base64 (RFC 4648, padded)
// and checks by content that it is a PDF of at most MaxSize bytes. The size
// is checked before decoding, so a hostile input cannot make us allocate
// much more than MaxSize.
func DecodePDF(encoded string) ([]byte, error) {
	if encoded == "" {
		return nil, ErrEmpty
	}
	if len(encoded) > base64.StdEncoding.EncodedLen(MaxSize) {
		return nil, ErrTooLarge
	}

	// The decoder skips line breaks; we refuse them so that one document has
	// one encoding.
	if strings.ContainsAny(encoded, "\r\n") {
		return nil, ErrBadBase64
	}
	data, err := base64.StdEncoding.Strict().DecodeString(encoded)
	if err != nil {
		return nil, ErrBadBase64
	}

	// The length check above is exact only while MaxSize is a multiple of 3.
	if len(data) > MaxSize {
		return nil, ErrTooLarge
	}
	if !hasHeader(data) || !hasTrailer(data) {
		return nil, ErrNotPDF
	}
	return data, nil
}

// hasHeader reports whether data starts with a PDF header such as "%PDF-1.7".
func hasHeader(data []byte) bool {
	rest, ok := bytes.CutPrefix(data, []byte("%PDF-"))
	if !ok {
		return false
	}
	major, rest := cutDigits(rest)
	if len(major) == 0 || len(rest) == 0 || rest[0] != '.' {
		return false
	}
	minor, _ := cutDigits(rest[1:])
	return len(minor) > 0
}

// hasTrailer reports whether data ends with "startxref", the decimal offset
// of a cross-reference section inside the file, and "%%EOF", optionally
// followed by white space.
func hasTrailer(data []byte) bool {
	tail := bytes.TrimRight(data, pdfWhitespace)
	tail, ok := bytes.CutSuffix(tail, []byte("%%EOF"))
	if !ok {
		return false
	}
	if tail, ok = cutSpace(tail); !ok {
		return false
	}

	end := len(tail)
	for end > 0 && isDigit(tail[end-1]) {
		end--
	}
	offset, err := strconv.ParseInt(string(tail[end:]), 10, 64)
	if err != nil {
		return false
	}

	if tail, ok = cutSpace(tail[:end]); !ok {
		return false
	}
	tail, ok = bytes.CutSuffix(tail, []byte("startxref"))
	return ok && offset < int64(len(tail))
}

// cutSpace removes the white space that ends b and reports whether there was
// any.
func cutSpace(b []byte) ([]byte, bool) {
	rest := bytes.TrimRight(b, pdfWhitespace)
	return rest, len(rest) < len(b)
}

// cutDigits splits b after its leading decimal digits.
func cutDigits(b []byte) (digits, rest []byte) {
	i := 0
	for i < len(b) && isDigit(b[i]) {
		i++
	}
	return b[:i], b[i:]
}

func isDigit(c byte) bool {
	return '0' <= c && c <= '9'
}
