package api

import (
	"bytes"
	"encoding/json"
	"strings"
	"unicode/utf8"
)

// checkJSONKeys refuses what the JSON decoder would take quietly: an object
// naming a field twice (the decoder keeps the last value, and matches names
// regardless of case, so {"amount": 1, "Amount": 7} would post 7), and
// escapes of lone UTF-16 surrogates (the decoder turns them into U+FFFD).
// It reads the body once, byte by byte; malformed JSON is left to the
// decoder, which describes it better.
func checkJSONKeys(body []byte) *apiError {
	sc := keyScanner{body: body}
	sc.value()
	return sc.err
}

type keyScanner struct {
	body []byte
	pos  int
	err  *apiError
	// broken is set on malformed JSON: the scan stops quietly.
	broken bool
	depth  int
}

// maxJSONDepth bounds nesting; no request of ours nests more than a few
// levels.
const maxJSONDepth = 100

func (sc *keyScanner) stopped() bool { return sc.err != nil || sc.broken }

func (sc *keyScanner) skipSpace() {
	for sc.pos < len(sc.body) {
		switch sc.body[sc.pos] {
		case ' ', '\t', '\n', '\r':
			sc.pos++
		default:
			return
		}
	}
}

func (sc *keyScanner) peek() byte {
	sc.skipSpace()
	if sc.pos >= len(sc.body) {
		sc.broken = true
		return 0
	}
	return sc.body[sc.pos]
}

// value scans one JSON value.
func (sc *keyScanner) value() {
	switch sc.peek() {
	case '{', '[':
		sc.depth++
		if sc.depth > maxJSONDepth {
			sc.err = badRequest(CodeMalformedJSON, "the body nests objects and arrays too deeply")
			return
		}
		if sc.body[sc.pos] == '{' {
			sc.object()
		} else {
			sc.array()
		}
		sc.depth--
	case '"':
		sc.str()
	case 0:
	default:
		// A number, true, false or null: up to the next delimiter.
		for sc.pos < len(sc.body) && !delimiter(sc.body[sc.pos]) {
			sc.pos++
		}
	}
}

func delimiter(c byte) bool {
	switch c {
	case ',', ']', '}', ' ', '\t', '\n', '\r':
		return true
	}
	return false
}

func (sc *keyScanner) object() {
	sc.pos++ // {
	var buf [12][]byte
	seen := buf[:0]
	var index map[string]bool
	if sc.peek() == '}' {
		sc.pos++
		return
	}
	for !sc.stopped() {
		if sc.peek() != '"' {
			sc.broken = true
			return
		}
		raw := sc.str()
		if sc.stopped() {
			return
		}
		folded := foldKey(raw)
		dup := false
		if index != nil {
			dup = index[string(folded)]
			index[string(folded)] = true
		} else {
			for _, s := range seen {
				dup = dup || bytes.Equal(s, folded)
			}
			seen = append(seen, folded)
			if len(seen) > 16 {
				index = make(map[string]bool, 2*len(seen))
				for _, s := range seen {
					index[string(s)] = true
				}
			}
		}
		if dup {
			sc.err = badRequest(CodeDuplicateField, "the field "+quoteName(fieldName(raw))+
				" appears more than once in one object (names are compared regardless of case)")
			return
		}
		if sc.peek() != ':' {
			sc.broken = true
			return
		}
		sc.pos++
		sc.value()
		if sc.stopped() {
			return
		}
		switch sc.peek() {
		case ',':
			sc.pos++
		case '}':
			sc.pos++
			return
		default:
			sc.broken = true
			return
		}
	}
}

func (sc *keyScanner) array() {
	sc.pos++ // [
	if sc.peek() == ']' {
		sc.pos++
		return
	}
	for !sc.stopped() {
		sc.value()
		if sc.stopped() {
			return
		}
		switch sc.peek() {
		case ',':
			sc.pos++
		case ']':
			sc.pos++
			return
		default:
			sc.broken = true
			return
		}
	}
}

// str scans a string from its opening quote and returns its raw bytes,
// quotes included. It refuses \u escapes of lone surrogates.
func (sc *keyScanner) str() []byte {
	start := sc.pos
	sc.pos++ // "
	for sc.pos < len(sc.body) {
		switch sc.body[sc.pos] {
		case '"':
			sc.pos++
			return sc.body[start:sc.pos]
		case '\\':
			if sc.pos+1 < len(sc.body) && sc.body[sc.pos+1] == 'u' {
				sc.escape()
				if sc.stopped() {
					return nil
				}
				continue
			}
			sc.pos += 2
		default:
			sc.pos++
		}
	}
	sc.broken = true
	return nil
}

// escape checks the \uXXXX escape at pos: a high surrogate must be followed
// by an escaped low one, and a low one must not stand alone.
func (sc *keyScanner) escape() {
	r, ok := hex4(sc.body, sc.pos+2)
	if !ok {
		sc.broken = true
		return
	}
	sc.pos += 6
	switch {
	case r >= 0xD800 && r < 0xDC00:
		next, ok := hex4(sc.body, sc.pos+2)
		if sc.pos+1 < len(sc.body) && sc.body[sc.pos] == '\\' && sc.body[sc.pos+1] == 'u' &&
			ok && next >= 0xDC00 && next < 0xE000 {
			sc.pos += 6
			return
		}
		sc.err = badRequest(CodeInvalidBody, "text must not contain unpaired UTF-16 surrogate escapes")
	case r >= 0xDC00 && r < 0xE000:
		sc.err = badRequest(CodeInvalidBody, "text must not contain unpaired UTF-16 surrogate escapes")
	}
}

func hex4(b []byte, at int) (rune, bool) {
	if at+4 > len(b) {
		return 0, false
	}
	var r rune
	for _, c := range b[at : at+4] {
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return r, true
}

// fieldName decodes a raw key; most keys have no escapes to decode.
func fieldName(raw []byte) string {
	inner := raw[1 : len(raw)-1]
	for _, c := range inner {
		if c == '\\' {
			var s string
			if json.Unmarshal(raw, &s) == nil {
				return s
			}
			break
		}
	}
	return string(inner)
}

// foldKey maps raw keys the decoder would treat as one field to the same
// bytes. A plain lower-case ASCII key, the usual case, is its own folding
// and costs nothing.
func foldKey(raw []byte) []byte {
	inner := raw[1 : len(raw)-1]
	for _, c := range inner {
		if c == '\\' || c >= utf8.RuneSelf || c >= 'A' && c <= 'Z' {
			return []byte(strings.ToLower(strings.ToUpper(fieldName(raw))))
		}
	}
	return inner
}

// quoteName shows a field name in a message, cut to a readable length.
func quoteName(name string) string {
	if utf8.RuneCountInString(name) > 40 {
		name = string([]rune(name)[:40]) + "…"
	}
	return `"` + name + `"`
}
