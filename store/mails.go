package store

import (
	"context"
	"fmt"
	"time"
)

// Mail is a message sent (or to be sent) by an activity.
type Mail struct {
	ID             int64
	IdempotencyKey string
	ToAddress      string
	Subject        string
	Body           string
	Transport      string
	CreatedAt      time.Time
	SentAt         *time.Time
}

// RecordMail stores a mail once per idempotency key and returns the stored
// one: if its SentAt is set, it was sent before and must not be sent again.
func (s *Store) RecordMail(ctx context.Context, m Mail) (Mail, error) {
	err := s.db.WithContext(ctx).Exec(`INSERT INTO mails (idempotency_key, to_address, subject,
		    body, transport, created_at)
		VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (idempotency_key) DO NOTHING`,
		m.IdempotencyKey, m.ToAddress, m.Subject, m.Body, m.Transport, m.CreatedAt).Error
	if err != nil {
		return Mail{}, fmt.Errorf("recording mail: %w", err)
	}
	var out Mail
	err = s.db.WithContext(ctx).Raw(`SELECT * FROM mails WHERE idempotency_key = ?`,
		m.IdempotencyKey).Scan(&out).Error
	if err != nil {
		return Mail{}, fmt.Errorf("reading mail: %w", err)
	}
	return out, nil
}

// MarkMailSent records that a mail left, and how. A one-time code that left
// by real mail is not kept: nobody needs to read it here again.
func (s *Store) MarkMailSent(ctx context.Context, id int64, transport string, at time.Time) error {
	err := s.db.WithContext(ctx).Exec(`UPDATE mails SET sent_at = ?, transport = ?,
		    body = CASE WHEN ? <> 'outbox' AND idempotency_key LIKE 'otp:%'
		                THEN '(one-time code sent; not kept)' ELSE body END
		WHERE id = ? AND sent_at IS NULL`, at, transport, transport, id).Error
	if err != nil {
		return fmt.Errorf("marking mail sent: %w", err)
	}
	return nil
}

// Mails lists mails newest first: the dev outbox.
func (s *Store) Mails(ctx context.Context, limit, offset int) ([]Mail, error) {
	var out []Mail
	err := s.db.WithContext(ctx).Raw(`SELECT * FROM mails ORDER BY id DESC LIMIT ? OFFSET ?`,
		limit, offset).Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("listing mails: %w", err)
	}
	return out, nil
}
