package store

import (
	"context"
	"fmt"
	"time"
)

// Alert is something an operator must look at.
type Alert struct {
	ID         int64
	DedupeKey  string
	Kind       string
	Subject    string
	Message    string
	CreatedAt  time.Time
	ResolvedAt *time.Time
}

// RaiseAlert stores an alert once per dedupe key, so that a retried activity
// does not raise the same alert twice. It reports whether the alert is new.
func (s *Store) RaiseAlert(ctx context.Context, a Alert) (bool, error) {
	res := s.db.WithContext(ctx).Exec(`
		INSERT INTO alerts (dedupe_key, kind, subject, message, created_at)
		VALUES (?, ?, ?, ?, ?) ON CONFLICT (dedupe_key) DO NOTHING`,
		a.DedupeKey, a.Kind, a.Subject, a.Message, a.CreatedAt)
	if res.Error != nil {
		return false, fmt.Errorf("raising alert: %w", res.Error)
	}
	return res.RowsAffected == 1, nil
}

// ResolveAlerts marks the open alerts of a subject resolved.
func (s *Store) ResolveAlerts(ctx context.Context, kind, subject string, at time.Time) error {
	err := s.db.WithContext(ctx).Exec(`
		UPDATE alerts SET resolved_at = ?
		WHERE kind = ? AND subject = ? AND resolved_at IS NULL`, at, kind, subject).Error
	if err != nil {
		return fmt.Errorf("resolving alerts: %w", err)
	}
	return nil
}

// Alerts lists alerts newest first; openOnly leaves out resolved ones.
func (s *Store) Alerts(ctx context.Context, openOnly bool, limit, offset int) ([]Alert, error) {
	q := s.db.WithContext(ctx).Table("alerts")
	if openOnly {
		q = q.Where("resolved_at IS NULL")
	}
	var alerts []Alert
	err := q.Order("created_at DESC, id DESC").Limit(limit).Offset(offset).Scan(&alerts).Error
	if err != nil {
		return nil, fmt.Errorf("listing alerts: %w", err)
	}
	return alerts, nil
}

// OpenAlertCounts counts unresolved alerts by kind.
func (s *Store) OpenAlertCounts(ctx context.Context) (map[string]int64, error) {
	var rows []struct {
		Kind  string
		Count int64
	}
	err := s.db.WithContext(ctx).Raw(`SELECT kind, count(*) AS count FROM alerts
		WHERE resolved_at IS NULL GROUP BY kind`).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("counting open alerts: %w", err)
	}
	counts := make(map[string]int64, len(rows))
	for _, r := range rows {
		counts[r.Kind] = r.Count
	}
	return counts, nil
}
