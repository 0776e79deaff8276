package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// AuditRecord is one change: who, when, what, before and after.
type AuditRecord struct {
	ID       int64           `json:"id"`
	Entity   string          `json:"entity"`
	EntityID string          `json:"entity_id"`
	Action   string          `json:"action"`
	Actor    string          `json:"actor"`
	At       time.Time       `json:"at"`
	Before   json.RawMessage `json:"before"`
	After    json.RawMessage `json:"after"`
}

// audit appends a change record inside the caller's transaction.
func audit(tx *gorm.DB, entity, id, action, actor string, at time.Time, before, after any) error {
	b, err := jsonOrNull(before)
	if err != nil {
		return err
	}
	a, err := jsonOrNull(after)
	if err != nil {
		return err
	}
	return tx.Exec(`INSERT INTO audit_log (entity, entity_id, action, actor, at, before, after)
		VALUES (?, ?, ?, ?, ?, ?::jsonb, ?::jsonb)`, entity, id, action, actor, at, b, a).Error
}

func jsonOrNull(v any) (*string, error) {
	if v == nil {
		return nil, nil
	}
	data, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encoding audit record: %w", err)
	}
	s := string(data)
	return &s, nil
}

// AuditTrail lists an entity's changes, oldest first.
func (s *Store) AuditTrail(ctx context.Context, entity, id string) ([]AuditRecord, error) {
	var rows []struct {
		ID       int64
		Entity   string
		EntityID string
		Action   string
		Actor    string
		At       time.Time
		Before   *string
		After    *string
	}
	err := s.db.WithContext(ctx).Raw(`SELECT id, entity, entity_id, action, actor, at,
		       before::text AS before, after::text AS after
		FROM audit_log WHERE entity = ? AND entity_id = ? ORDER BY id`, entity, id).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("reading audit trail: %w", err)
	}
	out := make([]AuditRecord, len(rows))
	for i, r := range rows {
		out[i] = AuditRecord{ID: r.ID, Entity: r.Entity, EntityID: r.EntityID, Action: r.Action,
			Actor: r.Actor, At: r.At}
		if r.Before != nil {
			out[i].Before = json.RawMessage(*r.Before)
		}
		if r.After != nil {
			out[i].After = json.RawMessage(*r.After)
		}
	}
	return out, nil
}
