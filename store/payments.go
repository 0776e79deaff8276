package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"clearinghouse/models"
)

// Payment statuses.
const (
	PaymentDraft    = "draft"
	PaymentApproved = "approved"
	PaymentPaid     = "paid"
	PaymentVoid     = "void"
)

// ErrSameOperator refuses an approval by an operator who registered or
// prepared the payment: paying out needs two people.
var ErrSameOperator = fmt.Errorf("a payment must be approved by another operator: %w", ErrConflict)

// ErrAmountChanged refuses an approval of an amount the payment no longer
// has: the approver approves the figure they checked, not a later one.
var ErrAmountChanged = fmt.Errorf("the payment's amount changed since it was checked: %w", ErrConflict)

// Payment pays a broker the clearing house owes.
type Payment struct {
	ID             string     `json:"id"`
	BrokerID       string     `json:"broker_id"`
	BrokerName     string     `json:"broker_name"`
	Amount         int64      `json:"amount"`
	PeriodFrom     *time.Time `json:"period_from"`
	PeriodTo       *time.Time `json:"period_to"`
	ScheduledOn    time.Time  `json:"scheduled_on"`
	Status         string     `json:"status"`
	Note           string     `json:"note"`
	DocumentKey    *string    `json:"document_key"`
	DocumentSize   *int64     `json:"document_size"`
	DocumentSHA256 *string    `json:"document_sha256"`
	CreatedBy      string     `json:"created_by"`
	CreatedAt      time.Time  `json:"created_at"`
	ApprovedBy     *string    `json:"approved_by"`
	ApprovedAt     *time.Time `json:"approved_at"`
	PaidOn         *time.Time `json:"paid_on"`
	PaidAt         *time.Time `json:"paid_at"`
	VoidedAt       *time.Time `json:"voided_at"`
	VoidReason     *string    `json:"void_reason"`
	LedgerEntryID  *int64     `json:"ledger_entry_id"`
	WorkflowID     string     `json:"workflow_id"`
	// Preparers registered, changed or documented the payment, one per
	// line; none of them may approve it.
	Preparers string `json:"-" gorm:"column:preparers_list"`
}

// PreparedBy reports whether actor took part in preparing the payment.
func (p Payment) PreparedBy(actor string) bool {
	return actor == p.CreatedBy || contains(strings.Split(p.Preparers, "\n"), actor)
}

const paymentSelect = `SELECT p.*, array_to_string(p.preparers, E'\n') AS preparers_list,
	       o.name AS broker_name
	FROM payments p JOIN organizations o ON o.id = p.broker_id`

// CreatePayment stores a draft once per id.
func (s *Store) CreatePayment(ctx context.Context, p Payment) (Payment, error) {
	var out Payment
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Exec(`INSERT INTO payments (id, broker_id, amount, period_from, period_to,
			    scheduled_on, status, note, document_key, document_size, document_sha256,
			    created_by, created_at, workflow_id, preparers)
			VALUES (?, ?, ?, ?, ?, ?, 'draft', ?, ?, ?, ?, ?, ?, ?, ARRAY[?])
			ON CONFLICT (id) DO NOTHING`,
			p.ID, p.BrokerID, p.Amount, p.PeriodFrom, p.PeriodTo, p.ScheduledOn, p.Note,
			p.DocumentKey, p.DocumentSize, p.DocumentSHA256, p.CreatedBy, p.CreatedAt, p.WorkflowID,
			p.CreatedBy)
		if res.Error != nil {
			return res.Error
		}
		var err error
		if out, err = paymentByID(tx, p.ID, false); err != nil || res.RowsAffected == 0 {
			return err
		}
		return audit(tx, "payment", p.ID, "create", p.CreatedBy, p.CreatedAt, nil, out)
	})
	if isUniqueViolation(err) {
		return Payment{}, fmt.Errorf("a drafted payment is already open: %w", ErrConflict)
	}
	if err != nil {
		return Payment{}, fmt.Errorf("creating payment: %w", err)
	}
	return out, nil
}

func paymentByID(db *gorm.DB, id string, lock bool) (Payment, error) {
	q := paymentSelect + ` WHERE p.id = ?`
	if lock {
		q += ` FOR UPDATE OF p`
	}
	var out []Payment
	if err := db.Raw(q, id).Scan(&out).Error; err != nil {
		return Payment{}, fmt.Errorf("reading payment: %w", err)
	}
	if len(out) == 0 {
		return Payment{}, ErrNotFound
	}
	return out[0], nil
}

// PaymentByID returns one payment.
func (s *Store) PaymentByID(ctx context.Context, id string) (Payment, error) {
	return paymentByID(s.db.WithContext(ctx), id, false)
}

// Payments searches payments, newest first, with the total matching.
func (s *Store) Payments(ctx context.Context, f BillFilter) ([]Payment, int64, error) {
	where, args := f.where("p", "p.scheduled_on")
	var total int64
	db := s.db.WithContext(ctx)
	if err := db.Raw(`SELECT count(*) FROM payments p`+where, args...).Scan(&total).Error; err != nil {
		return nil, 0, fmt.Errorf("counting payments: %w", err)
	}
	var out []Payment
	q := paymentSelect + where + ` ORDER BY p.created_at DESC, p.id LIMIT ? OFFSET ?`
	if err := db.Raw(q, append(args, f.Limit, f.Offset)...).Scan(&out).Error; err != nil {
		return nil, 0, fmt.Errorf("searching payments: %w", err)
	}
	return out, total, nil
}

// PaymentChange is a transition of a payment, applied by TransitionPayment.
type PaymentChange struct {
	ID     string
	Action string // update, statement, approve, pay, void
	Actor  string
	At     time.Time
	// For update: the new amount; for approve: the amount approved.
	Amount      *int64
	ScheduledOn *time.Time
	Note        *string
	// For update and statement.
	Doc *Doc
	// For pay: the day the money left. For void: why.
	PaidOn *time.Time
	Reason string
}

var paymentFrom = map[string][]string{
	"update":    {PaymentDraft},
	"statement": {PaymentDraft},
	"approve":   {PaymentDraft},
	"pay":       {PaymentApproved},
	"void":      {PaymentDraft, PaymentApproved},
}

var paymentTo = map[string]string{
	"update": PaymentDraft, "statement": "", "approve": PaymentApproved,
	"pay": PaymentPaid, "void": PaymentVoid,
}

var paymentLifecycle = lifecycle[Payment]{
	entity: "payment", read: paymentByID, from: paymentFrom, to: paymentTo,
	status: func(p Payment) string { return p.Status },
}

// TransitionPayment applies a change in one transaction with its audit
// record; a repeated change changes nothing, and paying posts exactly one
// payout entry.
func (s *Store) TransitionPayment(ctx context.Context, ch PaymentChange) (Payment, error) {
	st := step{id: ch.ID, action: ch.Action, actor: ch.Actor, at: ch.At}
	return paymentLifecycle.apply(ctx, s.db, st, func(tx *gorm.DB, p Payment) error {
		return applyPayment(tx, p, ch)
	})
}

func applyPayment(tx *gorm.DB, p Payment, ch PaymentChange) error {
	switch ch.Action {
	case "update":
		return updateDraftPayment(tx, p, ch)
	case "statement":
		return tx.Exec(`UPDATE payments SET document_key = ?, document_size = ?,
			document_sha256 = ?, preparers = array_append(preparers, ?) WHERE id = ?`,
			ch.Doc.Key, ch.Doc.Size, ch.Doc.SHA256, ch.Actor, p.ID).Error
	case "approve":
		if p.PreparedBy(ch.Actor) {
			return ErrSameOperator
		}
		if ch.Amount == nil || *ch.Amount != p.Amount {
			return ErrAmountChanged
		}
		if p.DocumentKey == nil {
			return ErrNoDocument
		}
		if err := checkApprove(tx, p.BrokerID, p.ID, p.Amount); err != nil {
			return err
		}
		return tx.Exec(`UPDATE payments SET status = 'approved', approved_by = ?, approved_at = ?
			WHERE id = ?`, ch.Actor, ch.At, p.ID).Error
	case "pay":
		return payPayment(tx, p, ch)
	case "void":
		return tx.Exec(`UPDATE payments SET status = 'void', voided_at = ?, void_reason = ?
			WHERE id = ?`, ch.At, ch.Reason, p.ID).Error
	}
	return ErrInvalidTransition
}

func updateDraftPayment(tx *gorm.DB, p Payment, ch PaymentChange) error {
	if ch.Amount != nil {
		p.Amount = *ch.Amount
	}
	if ch.ScheduledOn != nil {
		p.ScheduledOn = *ch.ScheduledOn
	}
	if ch.Note != nil {
		p.Note = *ch.Note
	}
	if ch.Doc != nil {
		p.DocumentKey, p.DocumentSize, p.DocumentSHA256 = &ch.Doc.Key, &ch.Doc.Size, &ch.Doc.SHA256
	}
	return tx.Exec(`UPDATE payments SET amount = ?, scheduled_on = ?, note = ?, document_key = ?,
		document_size = ?, document_sha256 = ?, preparers = array_append(preparers, ?)
		WHERE id = ?`, p.Amount, p.ScheduledOn, p.Note,
		p.DocumentKey, p.DocumentSize, p.DocumentSHA256, ch.Actor, p.ID).Error
}

// payPayment requires the statement (支払明細書) and posts the payout.
func payPayment(tx *gorm.DB, p Payment, ch PaymentChange) error {
	if p.DocumentKey == nil {
		return ErrNoDocument
	}
	paidOn := models.DayJST(ch.At)
	if ch.PaidOn != nil {
		paidOn = *ch.PaidOn
	}
	if p.ApprovedAt != nil && paidOn.Before(models.DayJST(*p.ApprovedAt)) {
		return ErrPaidTooEarly
	}
	if err := checkSettle(tx, billPayment, p.BrokerID, p.ID, p.Amount); err != nil {
		return err
	}
	entryID, err := postOnce(tx, Entry{
		BrokerID: p.BrokerID, Kind: EntryPayout, Amount: -p.Amount, EntryDate: paidOn,
		Description: "清算 引き出し（支払 " + p.ID + "）", Reason: "支払 " + p.ID + " の支払記録",
		CreatedBy: ch.Actor, IdempotencyKey: "payment:" + p.ID + ":paid", PostedAt: ch.At,
	})
	if err != nil {
		return err
	}
	return tx.Exec(`UPDATE payments SET status = 'paid', paid_on = ?, paid_at = ?,
		ledger_entry_id = ? WHERE id = ?`, paidOn, ch.At, entryID, p.ID).Error
}
