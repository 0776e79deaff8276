package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"unicode/utf8"

	"github.com/gin-gonic/gin"
)

// bindJSON decodes the body into v strictly: JSON content type, known fields
// only, one value, and errors a client can act on.
func bindJSON(c *gin.Context, v any) error {
	mediaType, _, _ := mime.ParseMediaType(c.GetHeader("Content-Type"))
	if mediaType != "application/json" {
		return newError(http.StatusUnsupportedMediaType, CodeUnsupportedMedia,
			"send the body as application/json")
	}
	body, err := io.ReadAll(c.Request.Body)
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return bodyTooLarge(tooLarge.Limit)
	}
	if err != nil {
		return badRequest(CodeInvalidBody, "the request body could not be read")
	}
	return decodeStrict(body, v)
}

func decodeStrict(body []byte, v any) error {
	// PostgreSQL text cannot hold NUL, and no field of ours needs it.
	if bytes.Contains(body, []byte(`\u0000`)) || bytes.IndexByte(body, 0) >= 0 {
		return badRequest(CodeInvalidBody, "text must not contain NUL characters")
	}
	// JSON decoding would quietly turn bad UTF-8 into U+FFFD.
	if !utf8.Valid(body) {
		return badRequest(CodeInvalidBody, "the body must be UTF-8")
	}
	if err := checkJSONKeys(body); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return describeJSONError(err)
	}
	if dec.More() {
		return badRequest(CodeMalformedJSON, "the body must hold exactly one JSON value")
	}
	var extra json.RawMessage
	if err := dec.Decode(&extra); err != io.EOF {
		return badRequest(CodeMalformedJSON, "the body must hold exactly one JSON value")
	}
	return nil
}

func describeJSONError(err error) error {
	var syntax *json.SyntaxError
	var typeErr *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		return badRequest(CodeMalformedJSON,
			fmt.Sprintf("the body is not valid JSON (at byte %d)", syntax.Offset))
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return badRequest(CodeMalformedJSON, "the body is empty or cut short")
	case errors.As(err, &typeErr):
		return badRequest(CodeInvalidBody,
			fmt.Sprintf("field %q must be of JSON type %s", typeErr.Field, typeErr.Type.Kind()))
	default:
		// json reports unknown fields as plain errors: `json: unknown field "x"`.
		return badRequest(CodeInvalidBody, "the body does not match the expected fields: "+
			trimJSONPrefix(err.Error()))
	}
}

func trimJSONPrefix(s string) string {
	if len(s) > 6 && s[:6] == "json: " {
		return s[6:]
	}
	return s
}
