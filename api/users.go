package api

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"

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
	case utf8.RuneCountInString(req.Password) < 12 || utf8.RuneCountInString(req.Password) > 1024:
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

type updateUserRequest struct {
	Role           *string `json:"role"`
	OrganizationID *string `json:"organization_id"`
	Disabled       *bool   `json:"disabled"`
}

// updateUser changes an account's role, organisation or disabled flag
// (admins only). Its sessions end, so the change takes effect at once; an
// admin cannot disable or demote their own account.
func (s *Server) updateUser(c *gin.Context) {
	var req updateUserRequest
	if err := bindJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		fail(c, newError(http.StatusNotFound, CodeNotFound, "no such user"))
		return
	}
	ctx := c.Request.Context()
	current, err := s.Store.UserByID(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		fail(c, newError(http.StatusNotFound, CodeNotFound, "no such user"))
		return
	}
	if err != nil {
		fail(c, err)
		return
	}
	if err := s.checkUserChange(c, current, req); err != nil {
		fail(c, err)
		return
	}
	u, err := s.Store.UpdateUser(ctx, id, store.UserChange{
		Role: req.Role, OrganizationID: req.OrganizationID, Disabled: req.Disabled,
	})
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, toUserItem(u))
}

func (s *Server) checkUserChange(c *gin.Context, current store.User, req updateUserRequest) error {
	if current.ID == session(c).UserID && (req.Disabled != nil && *req.Disabled ||
		req.Role != nil && *req.Role != current.Role) {
		return badRequest(CodeInvalidParameter, "you cannot disable or change the role of your own account")
	}
	next := createUserRequest{
		LoginID: current.LoginID, Password: "unchanged-password", Role: current.Role,
		OrganizationID: current.OrganizationID,
	}
	if req.Role != nil {
		next.Role = *req.Role
	}
	if req.OrganizationID != nil {
		next.OrganizationID = *req.OrganizationID
	}
	return s.checkNewUser(c.Request.Context(), next)
}
