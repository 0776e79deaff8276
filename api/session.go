package api

import (
	"crypto/subtle"
	"errors"
	"net/http"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"clearinghouse/auth"
	"clearinghouse/store"
)

// Names the portal and the API agree on.
const (
	SessionCookie = "ch_session"
	CSRFHeader    = "X-CSRF-Token"
)

// currentSession loads the session named by the cookie, if any.
func (s *Server) currentSession(c *gin.Context) (store.Session, error) {
	token, err := c.Cookie(SessionCookie)
	if err != nil {
		return store.Session{}, auth.ErrNoSession
	}
	return s.Auth.Session(c.Request.Context(), token)
}

// requireSession lets through any signed-in user.
func (s *Server) requireSession(c *gin.Context) {
	if s.authenticate(c) {
		c.Next()
	}
}

// authenticate loads the caller's session into the context, or answers the
// request with an error and reports false. State-changing requests must also
// carry the session's CSRF token: the cookie alone proves nothing about
// which page sent them.
func (s *Server) authenticate(c *gin.Context) bool {
	sess, err := s.currentSession(c)
	if errors.Is(err, auth.ErrNoSession) {
		fail(c, newError(http.StatusUnauthorized, CodeUnauthenticated, "sign in first"))
		return false
	}
	if err != nil {
		fail(c, err)
		return false
	}
	if !safeMethod(c.Request.Method) && !sameToken(c.GetHeader(CSRFHeader), sess.CSRFToken) {
		fail(c, newError(http.StatusForbidden, CodeCSRF,
			"missing or wrong "+CSRFHeader+" header; reload the page"))
		return false
	}
	c.Set(ctxSession, sess)
	return true
}

// requireRole lets through a signed-in user holding one of roles, and
// nobody else.
func (s *Server) requireRole(roles ...string) gin.HandlerFunc {
	return func(c *gin.Context) {
		if !s.authenticate(c) {
			return
		}
		if !slices.Contains(roles, session(c).Role) {
			fail(c, newError(http.StatusForbidden, CodeForbidden, "your role may not do this"))
			return
		}
		c.Next()
	}
}

// requireMarket lets through the trading market's credential.
func (s *Server) requireMarket(c *gin.Context) {
	if !s.isMarket(c) {
		fail(c, newError(http.StatusUnauthorized, CodeUnauthenticated,
			"a valid market credential is required (Authorization: Bearer <key>)"))
		return
	}
	c.Next()
}

// requireMarketOrOperator lets through the market or a signed-in operator.
func (s *Server) requireMarketOrOperator(c *gin.Context) {
	if s.isMarket(c) {
		c.Next()
		return
	}
	s.requireRole(store.RoleOperator)(c)
}

func (s *Server) isMarket(c *gin.Context) bool {
	header := c.GetHeader("Authorization")
	key, ok := strings.CutPrefix(header, "Bearer ")
	return ok && s.MarketAPIKey != "" && sameToken(key, s.MarketAPIKey)
}

func session(c *gin.Context) store.Session {
	v, _ := c.Get(ctxSession)
	sess, _ := v.(store.Session)
	return sess
}

func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

func sameToken(got, want string) bool {
	return got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}
