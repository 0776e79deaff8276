package api

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"clearinghouse/auth"
)

const (
	ctxRequestID = "request_id"
	ctxLogger    = "logger"
	ctxSession   = "session"
)

// withRequestID names every request, echoes the name in X-Request-Id and
// gives handlers a logger that carries it.
func (s *Server) withRequestID(c *gin.Context) {
	id, err := auth.RandomToken(12)
	if err != nil {
		id = strconv.FormatInt(time.Now().UnixNano(), 36)
	}
	c.Set(ctxRequestID, id)
	c.Set(ctxLogger, s.log.With("request_id", id))
	c.Header("X-Request-Id", id)
	c.Next()
}

func requestID(c *gin.Context) string {
	return c.GetString(ctxRequestID)
}

func requestLogger(c *gin.Context) *slog.Logger {
	if l, ok := c.Get(ctxLogger); ok {
		return l.(*slog.Logger)
	}
	return slog.Default()
}

// accessLog logs each request once it is answered and counts it.
func (s *Server) accessLog(c *gin.Context) {
	start := time.Now()
	c.Next()
	took := time.Since(start)
	route := c.FullPath()
	if route == "" {
		route = "unmatched"
	}
	status := c.Writer.Status()
	s.metrics.httpRequests.WithLabelValues(c.Request.Method, route, strconv.Itoa(status)).Inc()
	s.metrics.httpDuration.WithLabelValues(c.Request.Method, route).Observe(took.Seconds())
	if route == "/healthz" || route == "/metrics" {
		return
	}
	requestLogger(c).Info("request", "method", c.Request.Method, "route", route,
		"status", status, "took_ms", took.Milliseconds())
}

// recoverPanics turns a panic into a logged 500, never a dropped connection.
func recoverPanics(c *gin.Context) {
	defer func() {
		if r := recover(); r != nil {
			fail(c, fmt.Errorf("panic: %v", r))
		}
	}()
	c.Next()
}

// securityHeaders stop browsers from sniffing, framing or running anything
// we did not mean them to.
func securityHeaders(c *gin.Context) {
	h := c.Writer.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Content-Security-Policy",
		"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "+
			"object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
	if len(c.Request.URL.Path) > 7 && c.Request.URL.Path[:8] == "/api/v1/" {
		h.Set("Cache-Control", "no-store")
	}
	c.Next()
}

// refuseBadAddress answers 400 to a path or query that is not UTF-8 text,
// before any handler looks it up in the database.
func refuseBadAddress(c *gin.Context) {
	u := c.Request.URL
	if !addressText(u.Path) {
		fail(c, badRequest(CodeInvalidParameter, "the path must be UTF-8 text without control characters"))
		return
	}
	query, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		fail(c, badRequest(CodeInvalidParameter, "the query string is malformed"))
		return
	}
	for name, values := range query {
		ok := addressText(name)
		for _, v := range values {
			ok = ok && addressText(v)
		}
		if !ok {
			fail(c, badRequest(CodeInvalidParameter,
				"query parameters must be UTF-8 text without control characters"))
			return
		}
	}
	c.Next()
}

// addressText reports whether s, a decoded path or query value, can reach
// a handler: PostgreSQL refuses invalid UTF-8 and NUL, and no id or filter
// of ours holds control characters.
func addressText(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return false
		}
	}
	return true
}

// limitBody caps a request body; reading past the cap fails with
// *http.MaxBytesError, which bindJSON answers with 413.
func limitBody(limit int64) gin.HandlerFunc {
	return func(c *gin.Context) {
		if c.Request.ContentLength > limit {
			fail(c, bodyTooLarge(limit))
			return
		}
		c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, limit)
		c.Next()
	}
}

func bodyTooLarge(limit int64) *apiError {
	return newError(http.StatusRequestEntityTooLarge, CodeBodyTooLarge,
		fmt.Sprintf("the request body must be at most %d bytes", limit))
}
