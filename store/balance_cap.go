package store

import (
	"fmt"

	"gorm.io/gorm"
)

// ErrExceedsBalance refuses billing, paying or recording money beyond what
// a broker's settlement balance calls for: an invoice bills a broker that
// owes, a payment pays a broker that is owed, and one balance is never
// settled twice, by two bills or by a bill and a manual entry.
var ErrExceedsBalance = fmt.Errorf("more than the settlement balance calls for: %w", ErrConflict)

// BalanceError is ErrExceedsBalance with the figures, in words a person can
// act on.
type BalanceError struct{ Message string }

func (e *BalanceError) Error() string { return e.Message }

func (e *BalanceError) Unwrap() error { return ErrExceedsBalance }

func balanceError(format string, args ...any) error {
	return &BalanceError{Message: fmt.Sprintf(format, args...)}
}

// position is a broker's settlement balance and its open bills, leaving out
// the bill being changed.
type position struct {
	Balance          int64
	OpenInvoices     int64
	ApprovedPayments int64
}

// owed is what the broker owes the clearing house, 0 if nothing.
func (p position) owed() int64 { return max(-p.Balance, 0) }

// due is what the clearing house owes the broker, 0 if nothing.
func (p position) due() int64 { return max(p.Balance, 0) }

// lockedPosition reads a broker's position in one statement, after taking
// the broker's bill lock: every change that moves money or opens a bill for
// the broker takes it, so that two changes never both fit in the same room.
func lockedPosition(tx *gorm.DB, brokerID, exceptID string) (position, error) {
	if err := tx.Exec(`SELECT pg_advisory_xact_lock(hashtext('bills:' || ?))`, brokerID).Error; err != nil {
		return position{}, err
	}
	var p position
	err := tx.Raw(`
		SELECT (SELECT coalesce(sum(amount), 0) FROM ledger_entries WHERE broker_id = @broker) AS balance,
		       (SELECT coalesce(sum(amount), 0) FROM invoices
		        WHERE broker_id = @broker AND id <> @id AND status IN ('issued', 'overdue')) AS open_invoices,
		       (SELECT coalesce(sum(amount), 0) FROM payments
		        WHERE broker_id = @broker AND id <> @id AND status = 'approved') AS approved_payments`,
		map[string]any{"broker": brokerID, "id": exceptID}).Scan(&p).Error
	return p, err
}

// checkIssue: the invoice and the broker's other open invoices bill at most
// what it owes.
func checkIssue(tx *gorm.DB, brokerID, id string, amount int64) error {
	p, err := lockedPosition(tx, brokerID, id)
	if err != nil {
		return err
	}
	if room := p.owed() - p.OpenInvoices; amount > room {
		return balanceError("%s owes %d yen and its open invoices come to %d yen, so at most %d yen "+
			"can be billed", brokerID, p.owed(), p.OpenInvoices, max(room, 0))
	}
	return nil
}

// checkApprove: the payment and the broker's other approved payments pay at
// most what it is owed.
func checkApprove(tx *gorm.DB, brokerID, id string, amount int64) error {
	p, err := lockedPosition(tx, brokerID, id)
	if err != nil {
		return err
	}
	if room := p.due() - p.ApprovedPayments; amount > room {
		return balanceError("%s is owed %d yen and its approved payments come to %d yen, so at most %d "+
			"yen can be paid", brokerID, p.due(), p.ApprovedPayments, max(room, 0))
	}
	return nil
}

// checkSettle: an invoice's payment collects at most what the broker still
// owes, and a payment pays at most what it is still owed. A balance
// settled meanwhile by a manual entry leaves the bill to be voided.
func checkSettle(tx *gorm.DB, kind, brokerID, id string, amount int64) error {
	p, err := lockedPosition(tx, brokerID, id)
	if err != nil {
		return err
	}
	if kind == billInvoice && amount > p.owed() {
		return balanceError("%s now owes %d yen, less than this invoice's %d yen: the balance was settled "+
			"another way; void the invoice", brokerID, p.owed(), amount)
	}
	if kind == billPayment && amount > p.due() {
		return balanceError("%s is now owed %d yen, less than this payment's %d yen: the balance was "+
			"settled another way; void the payment", brokerID, p.due(), amount)
	}
	return nil
}

// checkManual: an entry recorded outside the bills (a collection, a
// payout, or the reversal of one) does not settle what an open bill is
// about to: money toward the clearing house not what open invoices bill,
// money toward the broker not what approved payments pay. With no open
// bill of its kind, any amount is recorded: money that moved is never
// refused.
func checkManual(tx *gorm.DB, e Entry) error {
	p, err := lockedPosition(tx, e.BrokerID, "")
	if err != nil {
		return err
	}
	switch {
	case e.Amount > 0 && p.OpenInvoices > 0 && e.Amount > p.owed()-p.OpenInvoices:
		return balanceError("%s owes %d yen, of which open invoices bill %d yen: record their payment "+
			"on them, or void them first; at most %d yen can be settled outside them", e.BrokerID,
			p.owed(), p.OpenInvoices, max(p.owed()-p.OpenInvoices, 0))
	case e.Amount < 0 && p.ApprovedPayments > 0 && -e.Amount > p.due()-p.ApprovedPayments:
		return balanceError("%s is owed %d yen, of which approved payments pay %d yen: record them as "+
			"paid, or void them first; at most %d yen can be settled outside them", e.BrokerID,
			p.due(), p.ApprovedPayments, max(p.due()-p.ApprovedPayments, 0))
	}
	return nil
}

const (
	billInvoice = "invoice"
	billPayment = "payment"
)
