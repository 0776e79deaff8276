package store

import (
	"context"
	"fmt"
	"time"
)

// Session is a signed-in user's server-side session.
type Session struct {
	TokenHash      []byte
	UserID         int64
	LoginID        string
	Role           string
	OrganizationID string
	CSRFToken      string
	CreatedAt      time.Time
	ExpiresAt      time.Time
}

type sessionRow struct {
	TokenHash      []byte `gorm:"primaryKey"`
	UserID         int64
	Role           string
	OrganizationID string
	CSRFToken      string `gorm:"column:csrf_token"`
	CreatedAt      time.Time
	ExpiresAt      time.Time
}

func (sessionRow) TableName() string { return "sessions" }

// CreateSession stores a new session. Token hashes are random, so a clash is
// a conflict rather than something to merge.
func (s *Store) CreateSession(ctx context.Context, sess Session) error {
	row := sessionRow{
		TokenHash: sess.TokenHash, UserID: sess.UserID, Role: sess.Role,
		OrganizationID: sess.OrganizationID, CSRFToken: sess.CSRFToken,
		CreatedAt: sess.CreatedAt, ExpiresAt: sess.ExpiresAt,
	}
	err := s.db.WithContext(ctx).Create(&row).Error
	if isUniqueViolation(err) {
		return ErrConflict
	}
	if err != nil {
		return fmt.Errorf("creating session: %w", err)
	}
	return nil
}

// ActiveSession finds an unexpired session of an enabled user.
func (s *Store) ActiveSession(ctx context.Context, tokenHash []byte, now time.Time) (Session, error) {
	var sess Session
	err := s.db.WithContext(ctx).Raw(`
		SELECT s.token_hash, s.user_id, u.login_id, s.role, s.organization_id,
		       s.csrf_token, s.created_at, s.expires_at
		FROM sessions s JOIN users u ON u.id = s.user_id
		WHERE s.token_hash = ? AND s.expires_at > ? AND NOT u.disabled`,
		tokenHash, now).Scan(&sess).Error
	if err != nil {
		return Session{}, fmt.Errorf("reading session: %w", err)
	}
	if sess.UserID == 0 {
		return Session{}, ErrNotFound
	}
	return sess, nil
}

// DeleteSession ends one session.
func (s *Store) DeleteSession(ctx context.Context, tokenHash []byte) error {
	err := s.db.WithContext(ctx).Where("token_hash = ?", tokenHash).Delete(&sessionRow{}).Error
	if err != nil {
		return fmt.Errorf("deleting session: %w", err)
	}
	return nil
}

// DeleteUserSessions ends every session of a user.
func (s *Store) DeleteUserSessions(ctx context.Context, userID int64) error {
	err := s.db.WithContext(ctx).Where("user_id = ?", userID).Delete(&sessionRow{}).Error
	if err != nil {
		return fmt.Errorf("deleting sessions: %w", err)
	}
	return nil
}

// DeleteExpiredSessions removes sessions that ended before now.
func (s *Store) DeleteExpiredSessions(ctx context.Context, now time.Time) error {
	err := s.db.WithContext(ctx).Where("expires_at <= ?", now).Delete(&sessionRow{}).Error
	if err != nil {
		return fmt.Errorf("deleting expired sessions: %w", err)
	}
	return nil
}
