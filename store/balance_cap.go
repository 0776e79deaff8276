package store

import (
	"fmt"

	"gorm.io/gorm"
)

// ErrExceedsBalance refuses billing or paying a broker more than its
// settlement balance calls for: an invoice bills a broker that owes, a
// payment pays a broker that is owed, and together the open ones never
// ask for more than the balance.
var ErrExceedsBalance = fmt.Errorf("more than the settlement balance calls for: %w", ErrConflict)

const (
	billInvoice = "invoice"
	billPayment = "payment"
)

// withinBalance checks, before an invoice is issued or a payment approved,
// that its amount and the broker's other open ones of its kind (issued or
// overdue invoices; approved payments) stay within what the settlement
// balance calls for. Bills of one broker are checked one at a time, so that
// two at once cannot both fit.
func withinBalance(tx *gorm.DB, kind, brokerID, id string, amount int64) error {
	if err := tx.Exec(`SELECT pg_advisory_xact_lock(hashtext('bills:' || ?))`, brokerID).Error; err != nil {
		return err
	}
	var balance, open int64
	err := tx.Raw(`SELECT coalesce(sum(amount), 0) FROM ledger_entries WHERE broker_id = ?`,
		brokerID).Scan(&balance).Error
	if err != nil {
		return err
	}
	query := `SELECT coalesce(sum(amount), 0) FROM invoices
		WHERE broker_id = ? AND id <> ? AND status IN ('issued', 'overdue')`
	due, verb := -balance, "billed"
	if kind == billPayment {
		query = `SELECT coalesce(sum(amount), 0) FROM payments
			WHERE broker_id = ? AND id <> ? AND status = 'approved'`
		due, verb = balance, "paid"
	}
	if err := tx.Raw(query, brokerID, id).Scan(&open).Error; err != nil {
		return err
	}
	if room := max(due, 0) - open; amount > room {
		return &BalanceError{Message: fmt.Sprintf("%s's settlement balance is %d yen and open %ss come "+
			"to %d yen, so at most %d yen can be %s", brokerID, balance, kind, open, max(room, 0), verb)}
	}
	return nil
}

// BalanceError is ErrExceedsBalance with the figures, in words a person can
// act on.
type BalanceError struct{ Message string }

func (e *BalanceError) Error() string { return e.Message }

func (e *BalanceError) Unwrap() error { return ErrExceedsBalance }
