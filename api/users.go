package api

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"time"

	"github.com/gin-gonic/gin"

	"clearinghouse/auth"
	"clearinghouse/models"
	"clearinghouse/store"
)

type createUserRequest struct {
	LoginID        string `json:"login_id"`
	Password       string `json:"password"`
	Role           string `json:"role"`
	OrganizationID string `json:"organization_id"`
	Email          string `json:"email"`
}

type userItem struct {
	ID             int64  `json:"id"`
	LoginID        string `json:"login_id"`
	Role           string `json:"role"`
	OrganizationID string `json:"organization_id"`
	Email          string `json:"email,omitempty"`
	Disabled       bool   `json:"disabled"`
	CreatedAt      string `json:"created_at"`
}

// createUser makes a portal account (admins only).
func (s *Server) createUser(c *gin.Context) {
	var req createUserRequest
	if err := bindJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	ctx := c.Request.Context()
	if err := s.checkNewUser(ctx, req); err != nil {
		fail(c, err)
		return
	}
	u, err := NewLocalUser(req.LoginID, req.Password, req.Role, req.OrganizationID, s.Now())
	if err != nil {
		fail(c, err)
		return
	}
	// A user with an address proves it with a one-time code at first login.
	u.Email, u.EmailVerified = req.Email, req.Email == ""
	created, err := s.Store.CreateUser(ctx, u)
	if errors.Is(err, store.ErrConflict) {
		fail(c, newError(http.StatusConflict, CodeAlreadyExists, "login_id is already in use"))
		return
	}
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, toUserItem(created))
}

func (s *Server) checkNewUser(ctx context.Context, req createUserRequest) error {
	roles := []string{store.RoleOperator, store.RoleBroker, store.RoleAdmin}
	switch {
	case !organizationIDPattern.MatchString(req.LoginID):
		return badRequest(CodeInvalidParameter, "login_id must be 1 to 64 letters, digits, '_' or '-'")
	case len(req.Password) < 12 || len(req.Password) > 1024:
		return badRequest(CodeInvalidParameter, "password must be 12 to 1024 characters")
	case !slices.Contains(roles, req.Role):
		return badRequest(CodeInvalidParameter, "role must be operator, broker or admin")
	case req.Email != "" && !models.ValidEmail(req.Email):
		return badRequest(CodeInvalidParameter, "email must be an e-mail address")
	}
	org, err := s.Store.Organization(ctx, req.OrganizationID)
	if errors.Is(err, store.ErrNotFound) {
		return badRequest(CodeInvalidOrganization, "no organisation has id "+req.OrganizationID)
	}
	if err != nil {
		return err
	}
	wantKind := store.KindClearingHouse
	if req.Role == store.RoleBroker {
		wantKind = store.KindBroker
	}
	if org.Kind != wantKind {
		return badRequest(CodeInvalidOrganization,
			"brokers belong to a data broker; operators and admins to the clearing house")
	}
	return nil
}

// NewLocalUser prepares a user of the local identity provider with a hashed
// password.
func NewLocalUser(loginID, password, role, orgID string, now time.Time) (store.User, error) {
	hash, err := auth.HashPassword(password, auth.DefaultHashParams)
	if err != nil {
		return store.User{}, err
	}
	subject, err := auth.RandomToken(16)
	if err != nil {
		return store.User{}, err
	}
	return store.User{
		LoginID: loginID, Subject: "local:" + subject, Role: role, OrganizationID: orgID,
		EmailVerified: true, PasswordHash: hash, CreatedAt: now,
	}, nil
}

func (s *Server) listUsers(c *gin.Context) {
	users, err := s.Store.Users(c.Request.Context())
	if err != nil {
		fail(c, err)
		return
	}
	items := make([]userItem, 0, len(users))
	for _, u := range users {
		items = append(items, toUserItem(u))
	}
	c.JSON(http.StatusOK, gin.H{"items": items})
}

func toUserItem(u store.User) userItem {
	return userItem{
		ID: u.ID, LoginID: u.LoginID, Role: u.Role, OrganizationID: u.OrganizationID,
		Email: u.Email, Disabled: u.Disabled, CreatedAt: u.CreatedAt.UTC().Format(time.RFC3339),
	}
}
