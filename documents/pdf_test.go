package documents

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// buildPDF returns a small, well-formed one-page PDF of exactly size bytes,
// padded with a comment line after the header. Sizes below about 400 bytes
// cannot be met and give the smallest file instead.
func buildPDF(t *testing.T, size int) []byte {
	t.Helper()
	pad := 0
	data := assemblePDF(pad)
	for len(data) != size && pad+size-len(data) >= 0 {
		pad += size - len(data)
		data = assemblePDF(pad)
	}
	return data
}

// assemblePDF writes a one-page PDF whose cross-reference table and
// startxref offset are correct, with a comment of pad bytes after the header.
func assemblePDF(pad int) []byte {
	objects := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
	}
	var b bytes.Buffer
	// A binary comment line, as real PDFs have, also puts "+/" (standard) or
	// "-_" (URL-safe) into the base64 text.
	b.WriteString("%PDF-1.7\n%\xfb\xff\xfe\n")
	b.WriteString("%" + strings.Repeat("x", pad) + "\n")

	offsets := make([]int, len(objects))
	for i, obj := range objects {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, obj)
	}

	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objects)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\n", len(objects)+1)
	fmt.Fprintf(&b, "startxref\n%d\n%%%%EOF\n", xref)
	return b.Bytes()
}

func encode(data []byte) string {
	return base64.StdEncoding.EncodeToString(data)
}

func TestBuildPDF(t *testing.T) {
	for _, size := range []int{1000, 10_000, MaxSize, MaxSize + 1} {
		pdf := buildPDF(t, size)
		if len(pdf) != size {
			t.Errorf("buildPDF(%d) has %d bytes, want %d", size, len(pdf), size)
		}

		var xref int
		trailer := pdf[bytes.LastIndex(pdf, []byte("startxref")):]
		if _, err := fmt.Sscanf(string(trailer), "startxref\n%d\n", &xref); err != nil {
			t.Fatalf("buildPDF(%d) trailer %q: %v", size, trailer, err)
		}
		if at := pdf[xref:]; !bytes.HasPrefix(at, []byte("xref\n")) {
			t.Errorf("buildPDF(%d) startxref %d points at %.10q, want xref", size, xref, at)
		}
	}
}

func TestDecodePDF(t *testing.T) {
	pdf := buildPDF(t, 1000) // not a multiple of 3, so its base64 ends in "=="
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01")
	valid := encode(pdf)

	tests := []struct {
		name    string
		input   string
		wantErr error
	}{
		{"minimal PDF", valid, nil},
		{"white space after %%EOF", encode(append(bytes.Clone(pdf), "\r\n \t"...)), nil},
		{"PDF 2.0 header", encode(bytes.Replace(pdf, []byte("1.7"), []byte("2.0"), 1)), nil},
		{"exactly MaxSize", encode(buildPDF(t, MaxSize)), nil},
		{"one byte over MaxSize", encode(buildPDF(t, MaxSize+1)), ErrTooLarge},
		{"far too long, not base64", strings.Repeat("!", 3*MaxSize), ErrTooLarge},
		{"empty", "", ErrEmpty},
		{"PNG image", encode(png), ErrNotPDF},
		{"plain text", encode([]byte("hello, world")), ErrNotPDF},
		{"data URL prefix", "data:application/pdf;base64," + valid, ErrBadBase64},
		{"broken base64", "JVBERi0xLjcK*&^%", ErrBadBase64},
		{"padding missing", strings.TrimRight(valid, "="), ErrBadBase64},
		{"URL-safe alphabet", base64.URLEncoding.EncodeToString(pdf), ErrBadBase64},
		{"line breaks inside", wrapLines(valid, 76), ErrBadBase64},
		{"space inside", valid[:40] + " " + valid[40:], ErrBadBase64},
		{"trailing new line", valid + "\n", ErrBadBase64},
		{"truncated, no trailer", encode(pdf[:len(pdf)-40]), ErrNotPDF},
		{"no %%EOF", encode(bytes.TrimSuffix(pdf, []byte("%%EOF\n"))), ErrNotPDF},
		{"header without version", encode(replace(pdf, "%PDF-1.7", "%PDF-\n\n\n")), ErrNotPDF},
		{"offset not a number", encode(replace(pdf, "startxref\n", "startxref\nx")), ErrNotPDF},
		{"offset past the file", encode(setOffset(pdf, "99999999")), ErrNotPDF},
		{"offset without space", encode(replace(pdf, "startxref\n", "startxref")), ErrNotPDF},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := DecodePDF(tt.input)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("DecodePDF(%.40q...) error = %v, want %v", tt.input, err, tt.wantErr)
			}
			want, _ := base64.StdEncoding.DecodeString(tt.input)
			if err == nil && !bytes.Equal(got, want) {
				t.Errorf("DecodePDF(%.40q...) gave %d bytes, want the %d decoded bytes",
					tt.input, len(got), len(want))
			}
		})
	}
}

func TestDecodePDFRefusesLongInputWithoutAllocating(t *testing.T) {
	input := strings.Repeat("A", 100<<20)
	allocs := testing.AllocsPerRun(3, func() {
		if _, err := DecodePDF(input); !errors.Is(err, ErrTooLarge) {
			t.Fatalf("DecodePDF(100 MiB) error = %v, want %v", err, ErrTooLarge)
		}
	})
	if allocs != 0 {
		t.Errorf("DecodePDF(100 MiB) made %v allocations, want 0", allocs)
	}
}

func TestDecodeErrorsAreDistinct(t *testing.T) {
	errs := []error{ErrEmpty, ErrTooLarge, ErrBadBase64, ErrNotPDF}
	for i, a := range errs {
		for j, b := range errs {
			if i != j && errors.Is(a, b) {
				t.Errorf("errors.Is(%v, %v) = true, want false", a, b)
			}
		}
	}
}

// wrapLines breaks s into lines of n characters, as MIME encoders do.
func wrapLines(s string, n int) string {
	var b strings.Builder
	for len(s) > n {
		b.WriteString(s[:n] + "\r\n")
		s = s[n:]
	}
	b.WriteString(s)
	return b.String()
}

func replace(data []byte, old, new string) []byte {
	return bytes.Replace(data, []byte(old), []byte(new), 1)
}

// setOffset replaces the number after startxref.
func setOffset(data []byte, offset string) []byte {
	i := bytes.LastIndex(data, []byte("startxref\n")) + len("startxref\n")
	j := i + bytes.IndexByte(data[i:], '\n')
	return append(append(bytes.Clone(data[:i]), offset...), data[j:]...)
}
