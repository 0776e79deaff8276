package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"clearinghouse/models"
)

// Invoice statuses.
const (
	InvoiceDraft   = "draft"
	InvoiceIssued  = "issued"
	InvoiceOverdue = "overdue"
	InvoicePaid    = "paid"
	InvoiceVoid    = "void"
)

// ErrInvalidTransition refuses a change the record's status does not allow.
var ErrInvalidTransition = fmt.Errorf("not allowed in the record's current status: %w", ErrConflict)

// ErrDueDatePassed refuses issuing an invoice whose due date has passed.
var ErrDueDatePassed = fmt.Errorf("the due date has passed: %w", ErrConflict)

// ErrPaidTooEarly refuses a payment dated before the bill could be paid:
// before an invoice was issued or a payment approved.
var ErrPaidTooEarly = fmt.Errorf("paid before it was issued or approved: %w", ErrConflict)

// ErrNoDocument refuses issuing an invoice (or paying a payment) without
// its PDF.
var ErrNoDocument = fmt.Errorf("the PDF document is missing: %w", ErrConflict)

// Invoice is a bill to a broker that owes the clearing house.
type Invoice struct {
	ID             string     `json:"id"`
	BrokerID       string     `json:"broker_id"`
	BrokerName     string     `json:"broker_name" gorm:"->"`
	Amount         int64      `json:"amount"`
	PeriodFrom     *time.Time `json:"period_from"`
	PeriodTo       *time.Time `json:"period_to"`
	DueDate        time.Time  `json:"due_date"`
	Status         string     `json:"status"`
	Number         *string    `json:"number"`
	Note           string     `json:"note"`
	DocumentKey    *string    `json:"document_key"`
	DocumentSize   *int64     `json:"document_size"`
	DocumentSHA256 *string    `json:"document_sha256"`
	Replaces       *string    `json:"replaces"`
	CreatedBy      string     `json:"created_by"`
	CreatedAt      time.Time  `json:"created_at"`
	IssuedAt       *time.Time `json:"issued_at"`
	PaidOn         *time.Time `json:"paid_on"`
	PaidAt         *time.Time `json:"paid_at"`
	VoidedAt       *time.Time `json:"voided_at"`
	VoidReason     *string    `json:"void_reason"`
	LedgerEntryID  *int64     `json:"ledger_entry_id"`
	WorkflowID     string     `json:"workflow_id"`
}

// Doc is a stored document's reference, the only part of it that the
// database and workflow histories keep.
type Doc struct {
	Key    string
	Size   int64
	SHA256 string
}

const invoiceSelect = `SELECT i.*, o.name AS broker_name
	FROM invoices i JOIN organizations o ON o.id = i.broker_id`

// CreateInvoice stores a draft once per id; a second call returns the
// first draft.
func (s *Store) CreateInvoice(ctx context.Context, inv Invoice) (Invoice, error) {
	var out Invoice
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Exec(`INSERT INTO invoices (id, broker_id, amount, period_from, period_to,
			    due_date, status, note, document_key, document_size, document_sha256, replaces,
			    created_by, created_at, workflow_id)
			VALUES (?, ?, ?, ?, ?, ?, 'draft', ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (id) DO NOTHING`,
			inv.ID, inv.BrokerID, inv.Amount, inv.PeriodFrom, inv.PeriodTo, inv.DueDate, inv.Note,
			inv.DocumentKey, inv.DocumentSize, inv.DocumentSHA256, inv.Replaces, inv.CreatedBy,
			inv.CreatedAt, inv.WorkflowID)
		if res.Error != nil {
			return res.Error
		}
		var err error
		if out, err = invoiceByID(tx, inv.ID, false); err != nil || res.RowsAffected == 0 {
			return err
		}
		return audit(tx, "invoice", inv.ID, "create", inv.CreatedBy, inv.CreatedAt, nil, out)
	})
	if isUniqueViolation(err) {
		return Invoice{}, fmt.Errorf("a correction or a drafted invoice already exists: %w", ErrConflict)
	}
	if err != nil {
		return Invoice{}, fmt.Errorf("creating invoice: %w", err)
	}
	return out, nil
}

func invoiceByID(db *gorm.DB, id string, lock bool) (Invoice, error) {
	q := invoiceSelect + ` WHERE i.id = ?`
	if lock {
		q += ` FOR UPDATE OF i`
	}
	var out []Invoice
	if err := db.Raw(q, id).Scan(&out).Error; err != nil {
		return Invoice{}, fmt.Errorf("reading invoice: %w", err)
	}
	if len(out) == 0 {
		return Invoice{}, ErrNotFound
	}
	return out[0], nil
}

// InvoiceByID returns one invoice.
func (s *Store) InvoiceByID(ctx context.Context, id string) (Invoice, error) {
	return invoiceByID(s.db.WithContext(ctx), id, false)
}

// BillFilter selects invoices or payments, as Japanese electronic
// bookkeeping rules expect stored bills to be searchable: by broker,
// status, period, amount range and date range.
type BillFilter struct {
	BrokerID   string
	Status     string
	PeriodFrom *time.Time
	PeriodTo   *time.Time
	AmountMin  *int64
	AmountMax  *int64
	DateFrom   *time.Time // issue (invoice) or scheduled (payment) date, inclusive
	DateTo     *time.Time
	// ExcludeDraft leaves out drafts, which brokers do not see.
	ExcludeDraft bool
	Limit        int
	Offset       int
}

func (f BillFilter) where(alias, dateExpr string) (string, []any) {
	var conds []string
	var args []any
	add := func(cond string, arg any) {
		conds = append(conds, cond)
		args = append(args, arg)
	}
	if f.BrokerID != "" {
		add(alias+".broker_id = ?", f.BrokerID)
	}
	if f.Status != "" {
		add(alias+".status = ?", f.Status)
	}
	if f.ExcludeDraft {
		add(alias+".status <> ?", "draft")
	}
	if f.PeriodFrom != nil {
		add("coalesce("+alias+".period_to, "+alias+".period_from) >= ?", *f.PeriodFrom)
	}
	if f.PeriodTo != nil {
		add("coalesce("+alias+".period_from, "+alias+".period_to) <= ?", *f.PeriodTo)
	}
	if f.AmountMin != nil {
		add(alias+".amount >= ?", *f.AmountMin)
	}
	if f.AmountMax != nil {
		add(alias+".amount <= ?", *f.AmountMax)
	}
	if f.DateFrom != nil {
		add(dateExpr+" >= ?", *f.DateFrom)
	}
	if f.DateTo != nil {
		add(dateExpr+" <= ?", *f.DateTo)
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// Invoices searches invoices, newest first, with the total matching.
func (s *Store) Invoices(ctx context.Context, f BillFilter) ([]Invoice, int64, error) {
	where, args := f.where("i", "(i.issued_at AT TIME ZONE 'Asia/Tokyo')::date")
	var total int64
	db := s.db.WithContext(ctx)
	if err := db.Raw(`SELECT count(*) FROM invoices i`+where, args...).Scan(&total).Error; err != nil {
		return nil, 0, fmt.Errorf("counting invoices: %w", err)
	}
	var out []Invoice
	q := invoiceSelect + where + ` ORDER BY i.created_at DESC, i.id LIMIT ? OFFSET ?`
	if err := db.Raw(q, append(args, f.Limit, f.Offset)...).Scan(&out).Error; err != nil {
		return nil, 0, fmt.Errorf("searching invoices: %w", err)
	}
	return out, total, nil
}

// InvoiceChange is a transition of an invoice, applied by Transition.
type InvoiceChange struct {
	ID     string
	Action string // update, issue, overdue, pay, void
	Actor  string
	At     time.Time
	// For update: the new draft fields (nil leaves a field as it is).
	Amount  *int64
	DueDate *time.Time
	Note    *string
	Doc     *Doc
	// For pay: the day the money arrived. For void: why.
	PaidOn *time.Time
	Reason string
}

// invoiceFrom lists the statuses each action may start from; the status it
// leads to is the action's own.
var invoiceFrom = map[string][]string{
	"update":  {InvoiceDraft},
	"issue":   {InvoiceDraft},
	"overdue": {InvoiceIssued},
	"pay":     {InvoiceIssued, InvoiceOverdue},
	"void":    {InvoiceDraft, InvoiceIssued, InvoiceOverdue},
}

var invoiceTo = map[string]string{
	"update": InvoiceDraft, "issue": InvoiceIssued, "overdue": InvoiceOverdue,
	"pay": InvoicePaid, "void": InvoiceVoid,
}

var invoiceLifecycle = lifecycle[Invoice]{
	entity: "invoice", read: invoiceByID, from: invoiceFrom, to: invoiceTo,
	status: func(inv Invoice) string { return inv.Status },
}

// TransitionInvoice applies a change in one transaction, with its audit
// record. Applying the same change again (a retried activity) changes
// nothing; paying posts exactly one collection entry to the ledger.
func (s *Store) TransitionInvoice(ctx context.Context, ch InvoiceChange) (Invoice, error) {
	st := step{id: ch.ID, action: ch.Action, actor: ch.Actor, at: ch.At}
	return invoiceLifecycle.apply(ctx, s.db, st, func(tx *gorm.DB, inv Invoice) error {
		return applyInvoice(tx, inv, ch)
	})
}

func applyInvoice(tx *gorm.DB, inv Invoice, ch InvoiceChange) error {
	switch ch.Action {
	case "update":
		return updateDraftInvoice(tx, inv, ch)
	case "issue":
		return issueInvoice(tx, inv, ch)
	case "overdue":
		return tx.Exec(`UPDATE invoices SET status = 'overdue' WHERE id = ?`, inv.ID).Error
	case "pay":
		return payInvoice(tx, inv, ch)
	case "void":
		return tx.Exec(`UPDATE invoices SET status = 'void', voided_at = ?, void_reason = ?
			WHERE id = ?`, ch.At, ch.Reason, inv.ID).Error
	}
	return ErrInvalidTransition
}

func updateDraftInvoice(tx *gorm.DB, inv Invoice, ch InvoiceChange) error {
	if ch.Amount != nil {
		inv.Amount = *ch.Amount
	}
	if ch.DueDate != nil {
		inv.DueDate = *ch.DueDate
	}
	if ch.Note != nil {
		inv.Note = *ch.Note
	}
	if ch.Doc != nil {
		inv.DocumentKey, inv.DocumentSize, inv.DocumentSHA256 = &ch.Doc.Key, &ch.Doc.Size, &ch.Doc.SHA256
	}
	return tx.Exec(`UPDATE invoices SET amount = ?, due_date = ?, note = ?, document_key = ?,
		document_size = ?, document_sha256 = ? WHERE id = ?`, inv.Amount, inv.DueDate, inv.Note,
		inv.DocumentKey, inv.DocumentSize, inv.DocumentSHA256, inv.ID).Error
}

// issueInvoice gives the invoice the next number of the fiscal year it is
// issued in: INV-<year>-<sequence>, unique and without gaps.
func issueInvoice(tx *gorm.DB, inv Invoice, ch InvoiceChange) error {
	if inv.DocumentKey == nil {
		return ErrNoDocument
	}
	if inv.DueDate.Before(models.DayJST(ch.At)) {
		return ErrDueDatePassed
	}
	if err := checkIssue(tx, inv.BrokerID, inv.ID, inv.Amount); err != nil {
		return err
	}
	fy := models.MonthOf(ch.At).FiscalYear()
	var seq int
	err := tx.Raw(`INSERT INTO invoice_counters (fiscal_year, last_seq) VALUES (?, 1)
		ON CONFLICT (fiscal_year) DO UPDATE SET last_seq = invoice_counters.last_seq + 1
		RETURNING last_seq`, fy).Scan(&seq).Error
	if err != nil {
		return err
	}
	number := fmt.Sprintf("INV-%d-%06d", fy, seq)
	return tx.Exec(`UPDATE invoices SET status = 'issued', number = ?, fiscal_year = ?, seq = ?,
		issued_at = ? WHERE id = ?`, number, fy, seq, ch.At, inv.ID).Error
}

func payInvoice(tx *gorm.DB, inv Invoice, ch InvoiceChange) error {
	paidOn := models.DayJST(ch.At)
	if ch.PaidOn != nil {
		paidOn = *ch.PaidOn
	}
	if inv.IssuedAt != nil && paidOn.Before(models.DayJST(*inv.IssuedAt)) {
		return ErrPaidTooEarly
	}
	if err := checkSettle(tx, billInvoice, inv.BrokerID, inv.ID, inv.Amount); err != nil {
		return err
	}
	number := ""
	if inv.Number != nil {
		number = *inv.Number
	}
	entryID, err := postOnce(tx, Entry{
		BrokerID: inv.BrokerID, Kind: EntryCollection, Amount: inv.Amount, EntryDate: paidOn,
		Description: "清算 払い込み（請求 " + number + "）",
		Reason:      "請求書 " + number + " の入金記録",
		CreatedBy:   ch.Actor, IdempotencyKey: "invoice:" + inv.ID + ":paid", PostedAt: ch.At,
	})
	if err != nil {
		return err
	}
	return tx.Exec(`UPDATE invoices SET status = 'paid', paid_on = ?, paid_at = ?,
		ledger_entry_id = ? WHERE id = ?`, paidOn, ch.At, entryID, inv.ID).Error
}

// postOnce posts an entry inside a transaction, once per idempotency key,
// and returns its id.
func postOnce(tx *gorm.DB, e Entry) (int64, error) {
	err := tx.Exec(`INSERT INTO ledger_entries (broker_id, kind, amount, entry_date, description,
		    reason, created_by, idempotency_key, posted_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (idempotency_key) DO NOTHING`,
		e.BrokerID, e.Kind, e.Amount, e.EntryDate, e.Description, e.Reason, e.CreatedBy,
		e.IdempotencyKey, e.PostedAt).Error
	if err != nil {
		return 0, err
	}
	var id int64
	err = tx.Raw(`SELECT id FROM ledger_entries WHERE idempotency_key = ?`, e.IdempotencyKey).
		Scan(&id).Error
	return id, err
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// InvoiceCorrectedBy returns the id of the invoice correcting id, or "".
func (s *Store) InvoiceCorrectedBy(ctx context.Context, id string) (string, error) {
	var ids []string
	err := s.db.WithContext(ctx).Raw(`SELECT id FROM invoices WHERE replaces = ?`, id).Scan(&ids).Error
	if err != nil {
		return "", fmt.Errorf("finding correction: %w", err)
	}
	if len(ids) == 0 {
		return "", nil
	}
	return ids[0], nil
}

// DocumentInUse reports whether an invoice or a payment refers to the
// document stored under key.
func (s *Store) DocumentInUse(ctx context.Context, key string) (bool, error) {
	var used bool
	err := s.db.WithContext(ctx).Raw(`
		SELECT EXISTS (SELECT 1 FROM invoices WHERE document_key = ?)
		    OR EXISTS (SELECT 1 FROM payments WHERE document_key = ?)`, key, key).Scan(&used).Error
	if err != nil {
		return false, fmt.Errorf("checking document use: %w", err)
	}
	return used, nil
}
