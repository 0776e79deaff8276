package api

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"clearinghouse/activities"
	"clearinghouse/documents"
)

// MaxDocumentBody fits a 6 MiB PDF in base64 (4/3 larger) with the other
// fields of the request.
const MaxDocumentBody = 9 << 20

// uploadsKey holds, in a request's context, the keys of the documents it
// stored.
type uploadsKey struct{}

// dropRefusedUploads deletes the documents a request stored when the
// request is then refused (a 4xx: the draft changed status meanwhile, a
// racing registration won): nothing is kept for a refused request. After a
// 5xx the outcome may be unknown, so the documents stay.
func (s *Server) dropRefusedUploads(c *gin.Context) {
	var keys []string
	c.Request = c.Request.WithContext(context.WithValue(c.Request.Context(), uploadsKey{}, &keys))
	c.Next()
	if status := c.Writer.Status(); status < 400 || status >= 500 {
		return
	}
	for _, key := range keys {
		s.dropUpload(key)
	}
}

// dropUpload deletes a stored document unless a record refers to it.
func (s *Server) dropUpload(key string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	used, err := s.Store.DocumentInUse(ctx, key)
	if err == nil && !used {
		err = s.Documents.Delete(ctx, key)
	}
	if err != nil {
		s.log.Warn("document of a refused request not deleted", "key", key, "error", err)
	}
}

// storePDF checks an uploaded PDF (base64 in JSON) and stores it; the
// database and workflows get only its key, size and SHA-256.
func (s *Server) storePDF(ctx context.Context, kind, encoded string) (*activities.DocRef, error) {
	data, err := documents.DecodePDF(encoded)
	switch {
	case errors.Is(err, documents.ErrTooLarge):
		return nil, newError(http.StatusRequestEntityTooLarge, CodeDocumentTooLarge,
			fmt.Sprintf("the PDF must be at most %d bytes", documents.MaxSize))
	case err != nil:
		return nil, badRequest(CodeInvalidDocument, err.Error())
	}
	key := documents.NewKey(kind, s.Now())
	if err := s.Documents.Put(ctx, key, data); err != nil {
		return nil, fmt.Errorf("storing document: %w", err)
	}
	if keys, ok := ctx.Value(uploadsKey{}).(*[]string); ok {
		*keys = append(*keys, key)
	}
	sum := sha256.Sum256(data)
	return &activities.DocRef{Key: key, Size: int64(len(data)), SHA256: hex.EncodeToString(sum[:])}, nil
}

// servePDF sends a stored PDF as a download that a browser will not render
// on our origin.
func (s *Server) servePDF(c *gin.Context, key *string, filename string) {
	if key == nil {
		fail(c, newError(http.StatusNotFound, CodeNotFound, "no PDF is attached"))
		return
	}
	body, size, err := s.Documents.Get(c.Request.Context(), *key)
	if errors.Is(err, documents.ErrNotFound) {
		fail(c, newError(http.StatusNotFound, CodeNotFound, "the PDF is missing from storage"))
		return
	}
	if err != nil {
		fail(c, err)
		return
	}
	defer body.Close()
	h := c.Writer.Header()
	h.Set("Content-Type", "application/pdf")
	h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s"`, filename))
	h.Set("Content-Security-Policy", "sandbox; default-src 'none'")
	h.Set("Cache-Control", "private, no-store")
	h.Set("Content-Length", fmt.Sprint(size))
	c.Status(http.StatusOK)
	if _, err := io.Copy(c.Writer, body); err != nil {
		requestLogger(c).Warn("sending PDF", "error", err)
	}
}
