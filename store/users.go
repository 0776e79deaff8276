package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// Roles a user can hold.
const (
	RoleOperator = "operator"
	RoleBroker   = "broker"
	RoleAdmin    = "admin"
)

// User is a portal account.
type User struct {
	ID             int64
	LoginID        string
	Subject        string
	Role           string
	OrganizationID string
	Email          string
	EmailVerified  bool
	PasswordHash   string
	Disabled       bool
	CreatedAt      time.Time
}

type userRow struct {
	ID             int64 `gorm:"primaryKey"`
	LoginID        string
	Subject        string
	Role           string
	OrganizationID string
	Email          *string
	EmailVerified  bool
	PasswordHash   *string
	Disabled       bool
	CreatedAt      time.Time
}

func (userRow) TableName() string { return "users" }

func (r userRow) toUser() User {
	u := User{
		ID: r.ID, LoginID: r.LoginID, Subject: r.Subject, Role: r.Role,
		OrganizationID: r.OrganizationID, EmailVerified: r.EmailVerified,
		Disabled: r.Disabled, CreatedAt: r.CreatedAt,
	}
	if r.Email != nil {
		u.Email = *r.Email
	}
	if r.PasswordHash != nil {
		u.PasswordHash = *r.PasswordHash
	}
	return u
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// CreateUser stores a new user and returns it with its id. A login id or
// subject already in use gives ErrConflict.
func (s *Store) CreateUser(ctx context.Context, u User) (User, error) {
	row := userRow{
		LoginID: u.LoginID, Subject: u.Subject, Role: u.Role,
		OrganizationID: u.OrganizationID, Email: optional(u.Email),
		EmailVerified: u.EmailVerified, PasswordHash: optional(u.PasswordHash),
		Disabled: u.Disabled, CreatedAt: u.CreatedAt,
	}
	err := s.db.WithContext(ctx).Create(&row).Error
	if isUniqueViolation(err) {
		return User{}, ErrConflict
	}
	if err != nil {
		return User{}, fmt.Errorf("creating user: %w", err)
	}
	return row.toUser(), nil
}

// UserByLogin finds a user by login id.
func (s *Store) UserByLogin(ctx context.Context, loginID string) (User, error) {
	var row userRow
	if err := s.db.WithContext(ctx).Where("login_id = ?", loginID).Take(&row).Error; err != nil {
		return User{}, notFound(err)
	}
	return row.toUser(), nil
}

// UserBySubject finds a user by the identity provider's subject.
func (s *Store) UserBySubject(ctx context.Context, subject string) (User, error) {
	var row userRow
	if err := s.db.WithContext(ctx).Where("subject = ?", subject).Take(&row).Error; err != nil {
		return User{}, notFound(err)
	}
	return row.toUser(), nil
}

// CountUsers counts every user, disabled ones included.
func (s *Store) CountUsers(ctx context.Context) (int64, error) {
	var n int64
	if err := s.db.WithContext(ctx).Model(&userRow{}).Count(&n).Error; err != nil {
		return 0, fmt.Errorf("counting users: %w", err)
	}
	return n, nil
}

// SetUserDisabled disables or re-enables a user and ends its sessions when
// disabling.
func (s *Store) SetUserDisabled(ctx context.Context, id int64, disabled bool) error {
	res := s.db.WithContext(ctx).Model(&userRow{}).Where("id = ?", id).
		Update("disabled", disabled)
	if res.Error != nil {
		return fmt.Errorf("updating user: %w", res.Error)
	}
	if res.RowsAffected == 0 {
		return ErrNotFound
	}
	if disabled {
		return s.DeleteUserSessions(ctx, id)
	}
	return nil
}

// Users lists every user by login id.
func (s *Store) Users(ctx context.Context) ([]User, error) {
	var rows []userRow
	if err := s.db.WithContext(ctx).Order("login_id").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("listing users: %w", err)
	}
	users := make([]User, len(rows))
	for i, r := range rows {
		users[i] = r.toUser()
	}
	return users, nil
}

// UserChange is an admin's change of an account; nil fields stay.
type UserChange struct {
	Role           *string
	OrganizationID *string
	Disabled       *bool
}

// UpdateUser applies an admin's change and ends the user's sessions, so
// that a new role or a disabled account takes effect at once.
func (s *Store) UpdateUser(ctx context.Context, id int64, ch UserChange) (User, error) {
	var out User
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var row userRow
		if err := tx.Where("id = ?", id).Take(&row).Error; err != nil {
			return notFound(err)
		}
		if ch.Role != nil {
			row.Role = *ch.Role
		}
		if ch.OrganizationID != nil {
			row.OrganizationID = *ch.OrganizationID
		}
		if ch.Disabled != nil {
			row.Disabled = *ch.Disabled
		}
		err := tx.Exec(`UPDATE users SET role = ?, organization_id = ?, disabled = ? WHERE id = ?`,
			row.Role, row.OrganizationID, row.Disabled, id).Error
		if err != nil {
			return err
		}
		if err := tx.Exec(`DELETE FROM sessions WHERE user_id = ?`, id).Error; err != nil {
			return err
		}
		out = row.toUser()
		return nil
	})
	if err != nil {
		return User{}, fmt.Errorf("updating user: %w", err)
	}
	return out, nil
}
