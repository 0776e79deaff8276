package workflows

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"clearinghouse/activities"
	"clearinghouse/models"
)

// Bill actions: each is an update of the lifecycle workflow named
// "<kind>-<action>", e.g. "invoice-issue".
const (
	ActionCreated   = "created"
	ActionUpdate    = "update"
	ActionStatement = "statement"
	ActionIssue     = "issue"
	ActionApprove   = "approve"
	ActionPay       = "pay"
	ActionVoid      = "void"
)

// Kinds of bill lifecycle.
const (
	KindInvoice = "invoice"
	KindPayment = "payment"
)

// BillUpdateName is the update carrying an action to a bill's workflow.
func BillUpdateName(kind, action string) string {
	return kind + "-" + action
}

// BillWorkflowID is the id of an invoice's or payment's lifecycle.
func BillWorkflowID(kind, id string) string {
	return kind + "-" + id
}

// ErrInvalidTransition refuses an action the bill's status does not allow;
// the validator refuses it before it reaches the workflow's history.
var ErrInvalidTransition = errors.New("this action is not allowed in the current status")

// ErrSameOperator refuses a payment's approval by its registrant.
var ErrSameOperator = errors.New(
	"a payment must be approved by an operator who did not register or change it")

// ErrAmountChanged refuses approving a payment whose amount is not the one
// the approver checked.
var ErrAmountChanged = errors.New("the payment's amount is not the one approved; check it again")

// ErrNoDocument refuses issuing, approving or paying without the PDF.
var ErrNoDocument = errors.New("attach the PDF first")

// Mails to the broker's billing contact.
const (
	issuedSubject   = "請求書 %s を発行しました"
	issuedBody      = "請求書 %s（%d円、支払期限 %s）を発行しました。" + portalHint
	reminderSubject = "【督促】請求書 %s のお支払い期限を過ぎています"
	reminderBody    = "請求書 %s（%d円、支払期限 %s）の" +
		"お支払いが確認できていません。\nお手続きをお願いいたします。"
	portalHint = "清算機関ポータルでご確認ください。"
)

// billRules says, per kind, which statuses each action may start from and
// which statuses end the lifecycle.
var billRules = map[string]map[string][]string{
	KindInvoice: {
		ActionUpdate: {"draft"}, ActionIssue: {"draft"},
		ActionPay: {"issued", "overdue"}, ActionVoid: {"draft", "issued", "overdue"},
	},
	KindPayment: {
		ActionUpdate: {"draft"}, ActionStatement: {"draft"},
		ActionApprove: {"draft"}, ActionPay: {"approved"}, ActionVoid: {"draft", "approved"},
	},
}

// billActions lists each kind's actions in a fixed order, for registering
// their handlers the same way on every replay (never in map order).
var billActions = map[string][]string{
	KindInvoice: {ActionUpdate, ActionIssue, ActionPay, ActionVoid},
	KindPayment: {ActionUpdate, ActionStatement, ActionApprove, ActionPay, ActionVoid},
}

func finalStatus(status string) bool {
	return status == "paid" || status == "void"
}

// BillInput starts an invoice's or a payment's lifecycle with its draft.
// A lifecycle that continues as a new run carries its state in Resume.
type BillInput struct {
	Kind        string
	Draft       activities.NewBill
	Resume      *activities.BillState
	OverdueDone bool
}

// maxChangesPerRun bounds the updates one run takes (Temporal refuses more
// than 2,000 per run): past it, the lifecycle continues as a new run with
// its state, however often a bill is changed or an action retried.
var maxChangesPerRun = 500

// bill is a lifecycle's state, mirrored from the database after each
// activity.
type bill struct {
	kind    string
	state   activities.BillState
	created bool
	// overdueDone is set once the due date has been handled, so that a
	// payment racing the timer is simply waited for.
	overdueDone bool
	// busy is set while a change is being applied: changes reach the
	// database and state one at a time, so that state is always the last
	// one stored.
	busy bool
	// changes counts the updates this run has taken.
	changes int
}

// full reports that this run has taken its share of updates.
func (b *bill) full() bool { return b.changes >= maxChangesPerRun }

// turn waits until no other change is being applied and takes the turn;
// release gives it back.
func (b *bill) turn(ctx workflow.Context) (release func(), err error) {
	if err := workflow.Await(ctx, func() bool { return !b.busy }); err != nil {
		return nil, err
	}
	b.busy = true
	return func() { b.busy = false }, nil
}

// Invoice runs an invoice from draft to paid or void: issued → (due date
// passes) overdue with a reminder and an alert → paid posts one collection.
func Invoice(ctx workflow.Context, in BillInput) (activities.BillState, error) {
	in.Kind = KindInvoice
	return runBill(ctx, in)
}

// Payment runs a payment from draft through approval (by a second operator)
// to paid, which posts one payout, or void.
func Payment(ctx workflow.Context, in BillInput) (activities.BillState, error) {
	in.Kind = KindPayment
	return runBill(ctx, in)
}

func runBill(ctx workflow.Context, in BillInput) (activities.BillState, error) {
	b := &bill{kind: in.Kind}
	// A resumed run knows its state before its handlers are registered:
	// changes that arrived meanwhile are checked as soon as they are.
	if in.Resume != nil {
		b.state, b.overdueDone, b.created = *in.Resume, in.OverdueDone, true
	}
	if err := b.register(ctx); err != nil {
		return activities.BillState{}, err
	}
	if in.Resume == nil {
		create := act.CreateInvoice
		if b.kind == KindPayment {
			create = act.CreatePayment
		}
		if err := workflow.ExecuteActivity(storeOptions(ctx), create, in.Draft).Get(ctx, &b.state); err != nil {
			return activities.BillState{}, fmt.Errorf("creating %s: %w", b.kind, err)
		}
	}
	b.created = true
	for !finalStatus(b.state.Status) {
		if b.full() {
			// Let the changes in flight answer their callers first.
			err := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) })
			if err != nil {
				return b.state, err
			}
			if !finalStatus(b.state.Status) {
				return b.state, b.continueAsNew(ctx, in)
			}
			break
		}
		if err := b.waitForChange(ctx, in.Draft.ID); err != nil {
			return b.state, err
		}
	}
	// Let the update that finished the bill answer its caller.
	_ = workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) })
	setState(ctx, StateCompleted)
	return b.state, nil
}

// continueAsNew starts the lifecycle afresh as a new run with its state.
func (b *bill) continueAsNew(ctx workflow.Context, in BillInput) error {
	wf := Invoice
	if b.kind == KindPayment {
		wf = Payment
	}
	state := b.state
	in.Resume, in.OverdueDone = &state, b.overdueDone
	return workflow.NewContinueAsNewError(ctx, wf, in)
}

// waitForChange waits for the status to move; an issued invoice also waits
// for its due date.
func (b *bill) waitForChange(ctx workflow.Context, id string) error {
	status := b.state.Status
	changed := func() bool { return b.state.Status != status || b.full() }
	if b.kind != KindInvoice || status != "issued" || b.overdueDone {
		return workflow.Await(ctx, changed)
	}
	overdueAt, err := overdueMoment(b.state.Date)
	if err != nil {
		return err
	}
	wait := overdueAt.Sub(workflow.Now(ctx))
	ok, err := workflow.AwaitWithTimeout(ctx, max(wait, 0), changed)
	if err != nil || ok {
		return err
	}
	return b.markOverdue(ctx, id)
}

// overdueMoment is the start of the day after the due date, in Japan time.
func overdueMoment(due string) (time.Time, error) {
	d, err := time.ParseInLocation(time.DateOnly, due, models.Tokyo)
	if err != nil {
		return time.Time{}, fmt.Errorf("reading due date: %w", err)
	}
	return d.AddDate(0, 0, 1), nil
}

func (b *bill) markOverdue(ctx workflow.Context, id string) error {
	b.overdueDone = true
	release, err := b.turn(ctx)
	if err != nil {
		return err
	}
	defer release()
	if b.state.Status != "issued" {
		return nil // a payment or void came first
	}
	change := activities.BillChange{ID: id, Action: "overdue", Actor: "workflow"}
	var next activities.BillState
	err = workflow.ExecuteActivity(storeOptions(ctx), act.TransitionInvoice, change).Get(ctx, &next)
	var appErr *temporal.ApplicationError
	if errors.As(err, &appErr) && appErr.Type() == activities.ErrTypeInvalidTransition {
		// A payment or void won the race with the due date.
		return nil
	}
	if err != nil {
		return fmt.Errorf("marking overdue: %w", err)
	}
	b.state = next
	alert(ctx, activities.AlertInvoiceOverdue, id,
		fmt.Sprintf("invoice %s to %s is overdue (due %s)", b.state.Number, b.state.BrokerID, b.state.Date))
	b.notify(ctx, id, "reminder", fmt.Sprintf(reminderSubject, b.state.Number),
		fmt.Sprintf(reminderBody, b.state.Number, b.state.Amount, b.state.Date))
	return nil
}

// notify mails the broker's billing contact, once per key.
func (b *bill) notify(ctx workflow.Context, id, what, subject, body string) {
	bctx := bookkeepingOptions(ctx)
	var to string
	if err := workflow.ExecuteActivity(bctx, act.BillingContact, b.state.BrokerID).Get(ctx, &to); err != nil {
		return
	}
	in := activities.SendMailInput{Key: b.kind + ":" + id + ":" + what, To: to, Subject: subject, Body: body}
	_ = workflow.ExecuteActivity(bctx, act.SendMail, in).Get(ctx, nil)
}

func (b *bill) register(ctx workflow.Context) error {
	err := workflow.SetUpdateHandler(ctx, BillUpdateName(b.kind, ActionCreated),
		func(ctx workflow.Context) (activities.BillState, error) {
			b.changes++
			err := workflow.Await(ctx, func() bool { return b.created })
			return b.state, err
		})
	if err != nil {
		return err
	}
	for _, action := range billActions[b.kind] {
		err := workflow.SetUpdateHandlerWithOptions(ctx, BillUpdateName(b.kind, action),
			b.apply, workflow.UpdateHandlerOptions{Validator: b.validate(action)})
		if err != nil {
			return err
		}
	}
	return nil
}

// validate refuses an action before it touches the workflow's history.
func (b *bill) validate(action string) func(workflow.Context, activities.BillChange) error {
	return func(ctx workflow.Context, ch activities.BillChange) error {
		if ch.Action != action || !b.created {
			return ErrInvalidTransition
		}
		if !slices.Contains(billRules[b.kind][action], b.state.Status) {
			return ErrInvalidTransition
		}
		preparedBy := ch.Actor == b.state.CreatedBy || slices.Contains(b.state.Preparers, ch.Actor)
		if b.kind == KindPayment && action == ActionApprove && preparedBy {
			return ErrSameOperator
		}
		if b.kind == KindPayment && action == ActionApprove &&
			(ch.Amount == nil || *ch.Amount != b.state.Amount) {
			return ErrAmountChanged
		}
		needsDoc := (b.kind == KindInvoice && action == ActionIssue) ||
			(b.kind == KindPayment && (action == ActionApprove || action == ActionPay))
		if needsDoc && !b.state.HasDoc {
			return ErrNoDocument
		}
		return nil
	}
}

func (b *bill) apply(ctx workflow.Context, ch activities.BillChange) (activities.BillState, error) {
	b.changes++
	release, err := b.turn(ctx)
	if err != nil {
		return b.state, err
	}
	defer release()
	// Another change may have been applied while this one waited its turn.
	if err := b.validate(ch.Action)(ctx, ch); err != nil {
		return b.state, err
	}
	transition := act.TransitionInvoice
	if b.kind == KindPayment {
		transition = act.TransitionPayment
	}
	var next activities.BillState
	if err := workflow.ExecuteActivity(storeOptions(ctx), transition, ch).Get(ctx, &next); err != nil {
		return b.state, err
	}
	b.state = next
	if b.kind == KindInvoice && ch.Action == ActionIssue {
		b.notify(ctx, ch.ID, "issued", fmt.Sprintf(issuedSubject, next.Number),
			fmt.Sprintf(issuedBody, next.Number, next.Amount, next.Date))
	}
	return next, nil
}
