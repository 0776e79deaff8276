package api

import (
	"errors"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"clearinghouse/auth"
	"clearinghouse/store"
)

type loginRequest struct {
	LoginID  string `json:"login_id"`
	Password string `json:"password"`
}

// meResponse tells the portal who is signed in and what they may do.
type meResponse struct {
	LoginID          string   `json:"login_id"`
	Role             string   `json:"role"`
	OrganizationID   string   `json:"organization_id"`
	OrganizationName string   `json:"organization_name"`
	CSRFToken        string   `json:"csrf_token"`
	ExpiresAt        string   `json:"expires_at"`
	Permissions      []string `json:"permissions"`
}

// permissions lists what each role may do, for the portal's menu. The
// server enforces them on every request regardless.
var permissions = map[string][]string{
	store.RoleOperator: {"transactions:any", "settlements:any", "batches", "alerts",
		"organizations:manage"},
	store.RoleBroker: {"transactions:own", "settlements:own"},
	store.RoleAdmin:  {"users:manage"},
}

func (s *Server) login(c *gin.Context) {
	var req loginRequest
	if err := bindJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	if req.LoginID == "" || req.Password == "" || len(req.LoginID) > 128 || len(req.Password) > 1024 {
		fail(c, newError(http.StatusUnauthorized, CodeInvalidCredentials, auth.ErrInvalidCredentials.Error()))
		return
	}
	ctx := c.Request.Context()
	token, sess, err := s.Auth.Login(ctx, req.LoginID, req.Password, c.ClientIP())
	if err != nil {
		fail(c, loginError(err))
		return
	}
	s.setSessionCookie(c, token, sess.ExpiresAt.Sub(sess.CreatedAt))
	s.writeMe(c, sess)
}

func loginError(err error) error {
	switch {
	case errors.Is(err, auth.ErrInvalidCredentials):
		return newError(http.StatusUnauthorized, CodeInvalidCredentials, err.Error())
	case errors.Is(err, auth.ErrThrottled):
		return newError(http.StatusTooManyRequests, CodeTooManyAttempts, err.Error())
	case errors.Is(err, auth.ErrDisabled):
		return newError(http.StatusForbidden, CodeAccountDisabled, err.Error())
	default:
		return err
	}
}

// setSessionCookie sets the session cookie with a relative lifetime, so that
// the browser's clock, not ours, counts it down.
func (s *Server) setSessionCookie(c *gin.Context, token string, lifetime time.Duration) {
	http.SetCookie(c.Writer, &http.Cookie{
		Name: SessionCookie, Value: token, Path: "/", MaxAge: int(lifetime.Seconds()),
		HttpOnly: true, Secure: s.SecureCookies, SameSite: http.SameSiteLaxMode,
	})
}

// logout ends the session. It needs the CSRF token like any other change,
// so that another site cannot sign a user out; without a session it is a
// no-op.
func (s *Server) logout(c *gin.Context) {
	sess, err := s.currentSession(c)
	if err == nil && !sameToken(c.GetHeader(CSRFHeader), sess.CSRFToken) {
		fail(c, newError(http.StatusForbidden, CodeCSRF, "missing or wrong "+CSRFHeader+" header"))
		return
	}
	if err == nil {
		token, _ := c.Cookie(SessionCookie)
		if err := s.Auth.Logout(c.Request.Context(), token); err != nil {
			fail(c, err)
			return
		}
	}
	http.SetCookie(c.Writer, &http.Cookie{
		Name: SessionCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: s.SecureCookies, SameSite: http.SameSiteLaxMode,
	})
	c.Status(http.StatusNoContent)
}

func (s *Server) me(c *gin.Context) {
	s.writeMe(c, session(c))
}

func (s *Server) writeMe(c *gin.Context, sess store.Session) {
	org, err := s.Store.Organization(c.Request.Context(), sess.OrganizationID)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, meResponse{
		LoginID: sess.LoginID, Role: sess.Role, OrganizationID: org.ID,
		OrganizationName: org.Name, CSRFToken: sess.CSRFToken,
		ExpiresAt: sess.ExpiresAt.UTC().Format(time.RFC3339), Permissions: permissions[sess.Role],
	})
}
