package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// Challenge is a pending one-time-code login.
type Challenge struct {
	TokenHash []byte
	UserID    int64
	CodeHash  []byte
	Attempts  int
	CreatedAt time.Time
	ExpiresAt time.Time
}

// CreateChallenge stores a one-time-code challenge.
func (s *Store) CreateChallenge(ctx context.Context, c Challenge) error {
	err := s.db.WithContext(ctx).Table("login_challenges").Create(map[string]any{
		"token_hash": c.TokenHash, "user_id": c.UserID, "code_hash": c.CodeHash,
		"created_at": c.CreatedAt, "expires_at": c.ExpiresAt,
	}).Error
	if err != nil {
		return fmt.Errorf("creating login challenge: %w", err)
	}
	return nil
}

// TryChallenge counts one attempt at a challenge and returns it as it was
// before the attempt, so that the caller checks the code and the count.
func (s *Store) TryChallenge(ctx context.Context, tokenHash []byte, now time.Time) (Challenge, error) {
	var out []Challenge
	err := s.db.WithContext(ctx).Raw(`UPDATE login_challenges SET attempts = attempts + 1
		WHERE token_hash = ? AND expires_at > ?
		RETURNING token_hash, user_id, code_hash, attempts - 1 AS attempts, created_at, expires_at`,
		tokenHash, now).Scan(&out).Error
	if err != nil {
		return Challenge{}, fmt.Errorf("reading login challenge: %w", err)
	}
	if len(out) == 0 {
		return Challenge{}, ErrNotFound
	}
	return out[0], nil
}

// CompleteChallenge removes a passed challenge and marks the user's address
// verified.
func (s *Store) CompleteChallenge(ctx context.Context, c Challenge) error {
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Exec(`DELETE FROM login_challenges WHERE token_hash = ?`, c.TokenHash)
		if res.Error != nil {
			return res.Error
		}
		// Two requests with the right code at once: only the one that
		// removed the challenge goes on.
		if res.RowsAffected == 0 {
			return ErrNotFound
		}
		return tx.Exec(`UPDATE users SET email_verified = true WHERE id = ?`, c.UserID).Error
	})
	if err != nil {
		return fmt.Errorf("completing login challenge: %w", err)
	}
	return nil
}

// RecentChallenges counts a user's challenges created since a moment.
func (s *Store) RecentChallenges(ctx context.Context, userID int64, since time.Time) (int64, error) {
	var n int64
	err := s.db.WithContext(ctx).Raw(`SELECT count(*) FROM login_challenges
		WHERE user_id = ? AND created_at > ?`, userID, since).Scan(&n).Error
	if err != nil {
		return 0, fmt.Errorf("counting login challenges: %w", err)
	}
	return n, nil
}

// UserByID returns one user.
func (s *Store) UserByID(ctx context.Context, id int64) (User, error) {
	var row userRow
	if err := s.db.WithContext(ctx).Where("id = ?", id).Take(&row).Error; err != nil {
		return User{}, notFound(err)
	}
	return row.toUser(), nil
}
