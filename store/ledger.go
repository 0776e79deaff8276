package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// Entry is one settlement ledger entry. Amount is its signed effect on the
// broker's settlement balance; Balance the running balance after it.
type Entry struct {
	ID             int64
	BrokerID       string
	Kind           string
	Amount         int64
	EntryDate      time.Time
	Description    string
	Month          *time.Time
	Reverses       *int64
	Reason         string
	CreatedBy      string
	IdempotencyKey string
	PostedAt       time.Time
	Balance        int64
}

// ErrAlreadyReversed refuses a second reversal of an entry.
var ErrAlreadyReversed = fmt.Errorf("entry already reversed: %w", ErrConflict)

// ErrNotReversible refuses reversing a reversal.
var ErrNotReversible = fmt.Errorf("a reversal cannot be reversed; post a new entry: %w", ErrConflict)

// PostEntry appends an entry once per idempotency key: posting the same key
// again returns the entry posted first, with created false. The entry is
// checked against the broker's open bills first (see checkManual).
func (s *Store) PostEntry(ctx context.Context, e Entry) (Entry, bool, error) {
	posted, err := s.entryWhere(ctx, "idempotency_key = ?", e.IdempotencyKey)
	if !errors.Is(err, ErrNotFound) {
		return posted, false, err
	}
	var created bool
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := checkManual(tx, e); err != nil {
			return err
		}
		res := tx.Exec(`
			INSERT INTO ledger_entries (broker_id, kind, amount, entry_date, description, month,
			                            reverses, reason, created_by, idempotency_key, posted_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (idempotency_key) DO NOTHING`,
			e.BrokerID, e.Kind, e.Amount, e.EntryDate, e.Description, e.Month, e.Reverses,
			optional(e.Reason), e.CreatedBy, e.IdempotencyKey, e.PostedAt)
		created = res.RowsAffected == 1
		return res.Error
	})
	if isUniqueViolation(err) && e.Reverses != nil {
		return Entry{}, false, ErrAlreadyReversed
	}
	if err != nil {
		return Entry{}, false, fmt.Errorf("posting ledger entry: %w", err)
	}
	posted, err = s.entryWhere(ctx, "idempotency_key = ?", e.IdempotencyKey)
	return posted, created, err
}

// EntryByID returns one entry.
func (s *Store) EntryByID(ctx context.Context, id int64) (Entry, error) {
	return s.entryWhere(ctx, "id = ?", id)
}

func (s *Store) entryWhere(ctx context.Context, cond string, arg any) (Entry, error) {
	var rows []Entry
	err := s.db.WithContext(ctx).Raw(`SELECT id, broker_id, kind, amount, entry_date, description,
		       month, reverses, coalesce(reason, '') AS reason, created_by, idempotency_key,
		       posted_at
		FROM ledger_entries WHERE `+cond, arg).Scan(&rows).Error
	if err != nil {
		return Entry{}, fmt.Errorf("reading ledger entry: %w", err)
	}
	if len(rows) == 0 {
		return Entry{}, ErrNotFound
	}
	return rows[0], nil
}

// ReversalOf prepares the entry that cancels orig.
func ReversalOf(orig Entry) (Entry, error) {
	if orig.Kind == EntryReversal {
		return Entry{}, ErrNotReversible
	}
	id := orig.ID
	return Entry{
		BrokerID: orig.BrokerID, Kind: EntryReversal, Amount: -orig.Amount,
		Description: "取消: " + orig.Description, Reverses: &id,
	}, nil
}

// Ledger lists a broker's entries oldest first (by date, then posting
// order) with the running balance, and returns the settlement balance.
func (s *Store) Ledger(ctx context.Context, brokerID string) ([]Entry, int64, error) {
	var rows []Entry
	err := s.db.WithContext(ctx).Raw(`
		SELECT id, broker_id, kind, amount, entry_date, description, month, reverses,
		       coalesce(reason, '') AS reason, created_by, idempotency_key, posted_at,
		       (sum(amount) OVER (ORDER BY entry_date, id))::bigint AS balance
		FROM ledger_entries WHERE broker_id = ?
		ORDER BY entry_date, id`, brokerID).Scan(&rows).Error
	if err != nil {
		return nil, 0, fmt.Errorf("reading ledger: %w", err)
	}
	var balance int64
	if len(rows) > 0 {
		balance = rows[len(rows)-1].Balance
	}
	return rows, balance, nil
}

// SettlementBalance sums a broker's entries.
func (s *Store) SettlementBalance(ctx context.Context, brokerID string) (int64, error) {
	var balance int64
	err := s.db.WithContext(ctx).Raw(`SELECT coalesce(sum(amount), 0)::bigint
		FROM ledger_entries WHERE broker_id = ?`, brokerID).Scan(&balance).Error
	if err != nil {
		return 0, fmt.Errorf("summing ledger: %w", err)
	}
	return balance, nil
}

// Position is a broker's settlement balance and whether an invoice or a
// payment is already open for it.
type Position struct {
	BrokerID    string
	Balance     int64
	OpenInvoice bool
	OpenPayment bool
}

// Positions lists the brokers whose settlement balance is not zero, by id.
func (s *Store) Positions(ctx context.Context) ([]Position, error) {
	var out []Position
	err := s.db.WithContext(ctx).Raw(`
		SELECT l.broker_id, l.balance,
		       EXISTS (SELECT 1 FROM invoices i WHERE i.broker_id = l.broker_id
		               AND i.status IN ('draft', 'issued', 'overdue')) AS open_invoice,
		       EXISTS (SELECT 1 FROM payments p WHERE p.broker_id = l.broker_id
		               AND p.status IN ('draft', 'approved')) AS open_payment
		FROM (SELECT broker_id, sum(amount)::bigint AS balance FROM ledger_entries
		      GROUP BY broker_id HAVING sum(amount) <> 0) l
		ORDER BY l.broker_id`).Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("reading positions: %w", err)
	}
	return out, nil
}

// RunningBalance is the broker's balance right after e, in ledger order.
func (s *Store) RunningBalance(ctx context.Context, e Entry) (int64, error) {
	var balance int64
	err := s.db.WithContext(ctx).Raw(`SELECT coalesce(sum(amount), 0)::bigint FROM ledger_entries
		WHERE broker_id = ? AND (entry_date, id) <= (?, ?)`, e.BrokerID, e.EntryDate, e.ID).
		Scan(&balance).Error
	if err != nil {
		return 0, fmt.Errorf("computing running balance: %w", err)
	}
	return balance, nil
}
