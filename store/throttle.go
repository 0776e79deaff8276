package store

import (
	"context"
	"fmt"
	"time"
)

// ThrottleRule says how many failures within a window lock a key, and for
// how long.
type ThrottleRule struct {
	MaxFailures int
	Window      time.Duration
	LockFor     time.Duration
}

// LockedUntil returns when the key's lock ends, or the zero time if the key
// is not locked at now.
func (s *Store) LockedUntil(ctx context.Context, key string, now time.Time) (time.Time, error) {
	var until *time.Time
	err := s.db.WithContext(ctx).Raw(
		`SELECT locked_until FROM login_throttle WHERE key = ? AND locked_until > ?`,
		key, now).Scan(&until).Error
	if err != nil {
		return time.Time{}, fmt.Errorf("reading login throttle: %w", err)
	}
	if until == nil {
		return time.Time{}, nil
	}
	return *until, nil
}

// RecordFailure counts a failed login for key: failures in a window older
// than rule.Window start a new count, and reaching rule.MaxFailures locks the
// key for rule.LockFor. One statement, so concurrent failures all count.
func (s *Store) RecordFailure(ctx context.Context, key string, now time.Time, rule ThrottleRule) error {
	windowStart := now.Add(-rule.Window)
	err := s.db.WithContext(ctx).Exec(`
		INSERT INTO login_throttle AS t (key, failures, window_start)
		VALUES (@key, 1, @now)
		ON CONFLICT (key) DO UPDATE SET
		    failures = CASE WHEN t.window_start < @window_start THEN 1 ELSE t.failures + 1 END,
		    window_start = CASE WHEN t.window_start < @window_start THEN @now ELSE t.window_start END,
		    locked_until = CASE
		        WHEN t.window_start >= @window_start AND t.failures + 1 >= @max
		        THEN @locked_until ELSE t.locked_until END`,
		map[string]any{
			"key": key, "now": now, "window_start": windowStart,
			"max": rule.MaxFailures, "locked_until": now.Add(rule.LockFor),
		}).Error
	if err != nil {
		return fmt.Errorf("recording login failure: %w", err)
	}
	return nil
}

// ClearFailures forgets the failures of key after a successful login.
func (s *Store) ClearFailures(ctx context.Context, key string) error {
	err := s.db.WithContext(ctx).Exec(`DELETE FROM login_throttle WHERE key = ?`, key).Error
	if err != nil {
		return fmt.Errorf("clearing login failures: %w", err)
	}
	return nil
}
