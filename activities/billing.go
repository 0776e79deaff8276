package activities

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"go.temporal.io/sdk/temporal"

	"clearinghouse/models"
	"clearinghouse/store"
)

// Error types of billing transitions the API maps to 409.
const (
	ErrTypeInvalidTransition = "InvalidTransition"
	ErrTypeSameOperator      = "SameOperator"
	ErrTypeNoDocument        = "NoDocument"
	ErrTypeAmountChanged     = "AmountChanged"
	ErrTypeExceedsBalance    = "ExceedsBalance"
	ErrTypePaidTooEarly      = "PaidTooEarly"
	ErrTypeDueDatePassed     = "DueDatePassed"
)

// classifyBilling marks the billing errors retrying cannot fix.
func classifyBilling(err error) error {
	if be, ok := errors.AsType[*store.BalanceError](err); ok {
		return temporal.NewNonRetryableApplicationError(be.Message, ErrTypeExceedsBalance, err)
	}
	for target, kind := range map[error]string{
		store.ErrInvalidTransition: ErrTypeInvalidTransition,
		store.ErrSameOperator:      ErrTypeSameOperator,
		store.ErrNoDocument:        ErrTypeNoDocument,
		store.ErrAmountChanged:     ErrTypeAmountChanged,
		store.ErrExceedsBalance:    ErrTypeExceedsBalance,
		store.ErrPaidTooEarly:      ErrTypePaidTooEarly,
		store.ErrDueDatePassed:     ErrTypeDueDatePassed,
	} {
		if errors.Is(err, target) {
			return temporal.NewNonRetryableApplicationError(err.Error(), kind, err)
		}
	}
	return classify(err)
}

// DocRef names a stored PDF; the bytes never travel through Temporal.
type DocRef struct {
	Key    string
	Size   int64
	SHA256 string
}

func (d *DocRef) toStore() *store.Doc {
	if d == nil {
		return nil
	}
	return &store.Doc{Key: d.Key, Size: d.Size, SHA256: d.SHA256}
}

// NewBill is a draft invoice or payment as registered.
type NewBill struct {
	ID         string
	BrokerID   string
	Amount     int64
	PeriodFrom string // YYYY-MM-DD or ""
	PeriodTo   string
	Date       string // due date (invoice) or scheduled date (payment), YYYY-MM-DD
	Note       string
	Doc        *DocRef
	Replaces   string
	CreatedBy  string
}

// BillState is what a lifecycle workflow needs to know of its record.
type BillState struct {
	Status    string
	Number    string
	Date      string // due or scheduled date
	CreatedBy string
	BrokerID  string
	Amount    int64
	HasDoc    bool
	// Preparers registered or changed the bill; for a payment none of them
	// may approve it.
	Preparers []string
}

// BillChange is a transition of an invoice or payment.
type BillChange struct {
	ID     string
	Action string
	Actor  string
	Amount *int64
	Date   string // new due/scheduled date for update
	Note   *string
	Doc    *DocRef
	PaidOn string
	Reason string
}

func parseDate(s string) (*time.Time, error) {
	if s == "" {
		return nil, nil
	}
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return nil, temporal.NewNonRetryableApplicationError("bad date "+s, ErrTypeInvalidTransition, err)
	}
	return &d, nil
}

// dates reads the change's new due or scheduled date and its payment date.
func (ch BillChange) dates() (date, paidOn *time.Time, err error) {
	if date, err = parseDate(ch.Date); err != nil {
		return nil, nil, err
	}
	paidOn, err = parseDate(ch.PaidOn)
	return date, paidOn, err
}

// CreateInvoice stores a draft invoice (once per id).
func (a *Activities) CreateInvoice(ctx context.Context, in NewBill) (BillState, error) {
	due, err := parseDate(in.Date)
	if err != nil || due == nil {
		return BillState{}, fmt.Errorf("due date: %w", err)
	}
	from, _ := parseDate(in.PeriodFrom)
	to, _ := parseDate(in.PeriodTo)
	inv := store.Invoice{
		ID: in.ID, BrokerID: in.BrokerID, Amount: in.Amount, PeriodFrom: from, PeriodTo: to,
		DueDate: *due, Note: in.Note, CreatedBy: in.CreatedBy, CreatedAt: a.Now(),
		WorkflowID: "invoice-" + in.ID,
	}
	if d := in.Doc.toStore(); d != nil {
		inv.DocumentKey, inv.DocumentSize, inv.DocumentSHA256 = &d.Key, &d.Size, &d.SHA256
	}
	if in.Replaces != "" {
		inv.Replaces = &in.Replaces
	}
	out, err := a.Store.CreateInvoice(ctx, inv)
	if err != nil {
		return BillState{}, classifyBilling(err)
	}
	return invoiceState(out), nil
}

func invoiceState(inv store.Invoice) BillState {
	s := BillState{Status: inv.Status, Date: inv.DueDate.Format(time.DateOnly),
		CreatedBy: inv.CreatedBy, BrokerID: inv.BrokerID, Amount: inv.Amount,
		HasDoc: inv.DocumentKey != nil}
	if inv.Number != nil {
		s.Number = *inv.Number
	}
	return s
}

// TransitionInvoice applies one change to an invoice.
func (a *Activities) TransitionInvoice(ctx context.Context, in BillChange) (BillState, error) {
	date, paidOn, err := in.dates()
	if err != nil {
		return BillState{}, err
	}
	out, err := a.Store.TransitionInvoice(ctx, store.InvoiceChange{
		ID: in.ID, Action: in.Action, Actor: in.Actor, At: a.Now(), Amount: in.Amount,
		DueDate: date, Note: in.Note, Doc: in.Doc.toStore(), PaidOn: paidOn, Reason: in.Reason,
	})
	if err != nil {
		return BillState{}, classifyBilling(err)
	}
	return invoiceState(out), nil
}

// CreatePayment stores a draft payment (once per id).
func (a *Activities) CreatePayment(ctx context.Context, in NewBill) (BillState, error) {
	on, err := parseDate(in.Date)
	if err != nil || on == nil {
		return BillState{}, fmt.Errorf("scheduled date: %w", err)
	}
	from, _ := parseDate(in.PeriodFrom)
	to, _ := parseDate(in.PeriodTo)
	p := store.Payment{
		ID: in.ID, BrokerID: in.BrokerID, Amount: in.Amount, PeriodFrom: from, PeriodTo: to,
		ScheduledOn: *on, Note: in.Note, CreatedBy: in.CreatedBy, CreatedAt: a.Now(),
		WorkflowID: "payment-" + in.ID,
	}
	if d := in.Doc.toStore(); d != nil {
		p.DocumentKey, p.DocumentSize, p.DocumentSHA256 = &d.Key, &d.Size, &d.SHA256
	}
	out, err := a.Store.CreatePayment(ctx, p)
	if err != nil {
		return BillState{}, classifyBilling(err)
	}
	return paymentState(out), nil
}

func paymentState(p store.Payment) BillState {
	return BillState{Status: p.Status, Date: p.ScheduledOn.Format(time.DateOnly),
		CreatedBy: p.CreatedBy, BrokerID: p.BrokerID, Amount: p.Amount,
		HasDoc: p.DocumentKey != nil, Preparers: strings.Split(p.Preparers, "\n")}
}

// TransitionPayment applies one change to a payment.
func (a *Activities) TransitionPayment(ctx context.Context, in BillChange) (BillState, error) {
	date, paidOn, err := in.dates()
	if err != nil {
		return BillState{}, err
	}
	out, err := a.Store.TransitionPayment(ctx, store.PaymentChange{
		ID: in.ID, Action: in.Action, Actor: in.Actor, At: a.Now(), Amount: in.Amount,
		ScheduledOn: date, Note: in.Note, Doc: in.Doc.toStore(), PaidOn: paidOn, Reason: in.Reason,
	})
	if err != nil {
		return BillState{}, classifyBilling(err)
	}
	return paymentState(out), nil
}

// DraftBillsInput names the closed month whose closing drafts bills.
type DraftBillsInput struct {
	Month string
}

// DraftBills proposes, after a closing, an invoice for each broker that
// owes (negative settlement balance) and a payment for each broker owed
// (positive), unless one is already open. The ids derive from the month and
// the broker, so a repeated closing proposes the same drafts.
func (a *Activities) DraftBills(ctx context.Context, in DraftBillsInput) ([]BillInputDraft, error) {
	m, err := models.ParseMonth(in.Month)
	if err != nil {
		return nil, temporal.NewNonRetryableApplicationError(err.Error(), ErrTypeNotFound, err)
	}
	positions, err := a.Store.Positions(ctx)
	if err != nil {
		return nil, err
	}
	// Due at the end of the month the closing is due in; a closing run late
	// (a backfill) still leaves the broker two weeks.
	due := m.Next().Next().Start().AddDate(0, 0, -1).Format(time.DateOnly)
	if soonest := models.DateJST(a.Now().AddDate(0, 0, minDraftTermDays)); due < soonest {
		due = soonest
	}
	tag := strings.ReplaceAll(m.String(), "-", "")
	var drafts []BillInputDraft
	for _, p := range positions {
		bill := NewBill{BrokerID: p.BrokerID, Date: due, CreatedBy: "workflow:close-" + m.String(),
			PeriodFrom: m.Date().Format(time.DateOnly),
			PeriodTo:   m.Next().Date().AddDate(0, 0, -1).Format(time.DateOnly),
			Note:       m.FiscalLabel() + "締め後の清算残高"}
		switch {
		case p.Balance < 0 && !p.OpenInvoice:
			bill.ID, bill.Amount = "inv_auto_"+tag+"_"+p.BrokerID, -p.Balance
			drafts = append(drafts, BillInputDraft{Kind: "invoice", Draft: bill})
		case p.Balance > 0 && !p.OpenPayment:
			bill.ID, bill.Amount = "pay_auto_"+tag+"_"+p.BrokerID, p.Balance
			drafts = append(drafts, BillInputDraft{Kind: "payment", Draft: bill})
		}
	}
	return drafts, nil
}

// minDraftTermDays is the shortest term a drafted bill gives.
const minDraftTermDays = 14

// BillInputDraft is a proposed draft and its kind (invoice or payment).
type BillInputDraft struct {
	Kind  string
	Draft NewBill
}
