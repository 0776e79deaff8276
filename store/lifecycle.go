package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// lifecycle is the status machine shared by invoices and payments: which
// statuses each action may start from, where it leads, and how to read a
// record.
type lifecycle[T any] struct {
	entity string
	read   func(tx *gorm.DB, id string, lock bool) (T, error)
	status func(T) string
	from   map[string][]string
	to     map[string]string
}

// step is one action on one record, by someone, at a time.
type step struct {
	id, action, actor string
	at                time.Time
}

// apply runs an action in one transaction with its audit record. The same
// action again (a retried activity) finds the record already in the target
// status and changes nothing; "update" is the one action that may repeat.
func (l lifecycle[T]) apply(ctx context.Context, db *gorm.DB, st step, change func(*gorm.DB, T) error) (
	T, error) {
	var out T
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		before, err := l.read(tx, st.id, true)
		if err != nil {
			return err
		}
		if l.status(before) == l.to[st.action] && st.action != "update" {
			out = before
			return nil
		}
		if !contains(l.from[st.action], l.status(before)) {
			return ErrInvalidTransition
		}
		if err := change(tx, before); err != nil {
			return err
		}
		if out, err = l.read(tx, st.id, false); err != nil {
			return err
		}
		return audit(tx, l.entity, st.id, st.action, st.actor, st.at, before, out)
	})
	if err != nil {
		var zero T
		return zero, fmt.Errorf("%s %s %s: %w", l.entity, st.id, st.action, err)
	}
	return out, nil
}
