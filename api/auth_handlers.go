package api

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"go.temporal.io/sdk/client"

	"clearinghouse/activities"
	"clearinghouse/auth"
	"clearinghouse/store"
	"clearinghouse/workflows"
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
		"organizations:manage", "closings", "invoices:manage", "payments:manage",
		"counterparties", "mails"},
	store.RoleBroker: {"transactions:own", "settlements:own", "invoices:own", "payments:own"},
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
	in, err := s.Auth.Login(ctx, req.LoginID, req.Password, c.ClientIP())
	if errors.Is(err, auth.ErrVerificationRequired) {
		s.sendCode(c, in.Challenge)
		return
	}
	if err != nil {
		fail(c, loginError(err))
		return
	}
	s.signedIn(c, in)
}

// The one-time code's mail.
const (
	otpSubject = "清算機関ポータル ワンタイムパスワード"
	otpBody    = "ログイン用のワンタイムパスワード: %s\n有効期限は10分です。"
)

// sendCode mails the one-time code and tells the portal to ask for it. The
// mail is queued in the outbox here and sent by a workflow that carries only
// its key, so that the code never appears in a workflow's history.
func (s *Server) sendCode(c *gin.Context, ch *auth.Challenge) {
	ctx := c.Request.Context()
	_, err := s.Store.RecordMail(ctx, store.Mail{
		IdempotencyKey: ch.Key, ToAddress: ch.Email, Subject: otpSubject,
		Body: fmt.Sprintf(otpBody, ch.Code), Transport: "outbox", CreatedAt: s.Now(),
	})
	if err != nil {
		fail(c, err)
		return
	}
	in := activities.SendMailInput{Key: ch.Key, Queued: true}
	opts := client.StartWorkflowOptions{ID: workflows.MailWorkflowID(ch.Key), TaskQueue: s.TaskQueue}
	if _, err := s.Temporal.ExecuteWorkflow(ctx, opts, workflows.SendMail, in); err != nil {
		fail(c, fmt.Errorf("sending one-time code: %w", err))
		return
	}
	c.JSON(http.StatusAccepted, gin.H{
		"verification_required": true, "challenge": ch.Token,
		"message": auth.ErrVerificationRequired.Error(),
	})
}

type verifyRequest struct {
	Challenge string `json:"challenge"`
	Code      string `json:"code"`
}

// verify checks the one-time code and signs the user in.
func (s *Server) verify(c *gin.Context) {
	var req verifyRequest
	if err := bindJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	if req.Challenge == "" || len(req.Challenge) > 100 || len(req.Code) != 6 {
		fail(c, newError(http.StatusUnauthorized, CodeInvalidCode, auth.ErrInvalidCode.Error()))
		return
	}
	in, err := s.Auth.Verify(c.Request.Context(), req.Challenge, req.Code)
	if errors.Is(err, auth.ErrInvalidCode) {
		fail(c, newError(http.StatusUnauthorized, CodeInvalidCode, err.Error()))
		return
	}
	if err != nil {
		fail(c, loginError(err))
		return
	}
	s.signedIn(c, in)
}

// signedIn sets the session cookie and answers who signed in.
func (s *Server) signedIn(c *gin.Context, in auth.SignIn) {
	s.setSessionCookie(c, in.Token, in.Session.ExpiresAt.Sub(in.Session.CreatedAt))
	s.writeMe(c, in.Session)
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
