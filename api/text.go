package api

import (
	"unicode"

	"clearinghouse/models"
)

// plainText reports whether s is text a person typed: no control
// characters (line breaks allowed where multiline is true) and no
// invisible direction or zero-width marks that could disguise a name.
func plainText(s string, multiline bool) bool {
	for _, r := range s {
		switch {
		case multiline && (r == '\n' || r == '\r' || r == '\t'):
		case unicode.IsControl(r):
			return false
		case models.Invisible(r):
			return false
		}
	}
	return true
}

// badText names the first field of fields whose value is not plain text.
func badText(fields map[string]string, multiline ...string) string {
	for name, value := range fields {
		isMulti := false
		for _, m := range multiline {
			isMulti = isMulti || m == name
		}
		if !plainText(value, isMulti) {
			return name
		}
	}
	return ""
}

// textError refuses a field holding control or invisible characters.
func textError(code, field string) *apiError {
	return badRequest(code, field+" must not contain control or invisible characters")
}
