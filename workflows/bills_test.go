package workflows

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"clearinghouse/activities"
)

// billDB plays the database behind the bill activities.
type billDB struct {
	mu      sync.Mutex
	state   activities.BillState
	actions []string
	mails   []string
	alerts  []string
}

func (d *billDB) create(_ context.Context, in activities.NewBill) (activities.BillState, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.state = activities.BillState{Status: "draft", Date: in.Date, CreatedBy: in.CreatedBy,
		BrokerID: in.BrokerID, Amount: in.Amount, HasDoc: in.Doc != nil}
	return d.state, nil
}

var nextStatus = map[string]string{
	"update": "draft", "statement": "", "issue": "issued", "overdue": "overdue",
	"approve": "approved", "pay": "paid", "void": "void",
}

func (d *billDB) transition(_ context.Context, ch activities.BillChange) (activities.BillState, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.actions = append(d.actions, ch.Action)
	if s := nextStatus[ch.Action]; s != "" {
		d.state.Status = s
	}
	if ch.Action == "issue" {
		d.state.Number = "INV-2023-000001"
	}
	if ch.Doc != nil {
		d.state.HasDoc = true
	}
	if ch.Action == "update" || ch.Action == "statement" {
		d.state.Preparers = append(d.state.Preparers, ch.Actor)
	}
	if ch.Action == "update" && ch.Amount != nil {
		d.state.Amount = *ch.Amount
	}
	return d.state, nil
}

func newBillEnv(t *testing.T, db *billDB) *testsuite.TestWorkflowEnvironment {
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestWorkflowEnvironment()
	env.RegisterActivity(&activities.Activities{})
	env.OnActivity(act.CreateInvoice, mock.Anything, mock.Anything).Return(db.create)
	env.OnActivity(act.CreatePayment, mock.Anything, mock.Anything).Return(db.create)
	env.OnActivity(act.TransitionInvoice, mock.Anything, mock.Anything).Return(db.transition)
	env.OnActivity(act.TransitionPayment, mock.Anything, mock.Anything).Return(db.transition)
	env.OnActivity(act.BillingContact, mock.Anything, mock.Anything).Return("billing@b.example", nil)
	env.OnActivity(act.SendMail, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in activities.SendMailInput) error {
			db.mails = append(db.mails, in.Key)
			return nil
		})
	env.OnActivity(act.RaiseAlert, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in activities.RaiseAlertInput) error {
			db.alerts = append(db.alerts, in.Kind)
			return nil
		})
	return env
}

// sendAction sends an action as an update and checks whether it is accepted.
func sendAction(t *testing.T, env *testsuite.TestWorkflowEnvironment, kind string,
	ch activities.BillChange, wantErr error) {
	t.Helper()
	env.UpdateWorkflow(BillUpdateName(kind, ch.Action), "", &testsuite.TestUpdateCallback{
		OnReject: func(err error) {
			if wantErr == nil || err.Error() != wantErr.Error() {
				t.Errorf("%s %s rejected: %v, want %v", kind, ch.Action, err, wantErr)
			}
		},
		OnAccept: func() {
			if wantErr != nil {
				t.Errorf("%s %s accepted, want %v", kind, ch.Action, wantErr)
			}
		},
		OnComplete: func(any, error) {},
	}, ch)
}

func TestInvoiceBecomesOverdueAtItsDueDateThenIsPaid(t *testing.T) {
	db := &billDB{}
	env := newBillEnv(t, db)
	env.SetStartTime(time.Date(2023, 11, 1, 0, 0, 0, 0, time.UTC))
	draft := activities.NewBill{ID: "i1", BrokerID: "B", Amount: 5000, Date: "2023-11-30",
		Doc: &activities.DocRef{Key: "k"}, CreatedBy: "op"}

	env.RegisterDelayedCallback(func() {
		sendAction(t, env, KindInvoice, activities.BillChange{ID: "i1", Action: ActionPay}, ErrInvalidTransition)
	}, time.Minute)
	env.RegisterDelayedCallback(func() {
		sendAction(t, env, KindInvoice, activities.BillChange{ID: "i1", Action: ActionIssue}, nil)
	}, 2*time.Minute)
	// 30 days later the due date (2023-11-30 JST) has passed.
	env.RegisterDelayedCallback(func() {
		if db.state.Status != "overdue" {
			t.Errorf("status on 2 December = %s, want overdue", db.state.Status)
		}
		pay := activities.BillChange{ID: "i1", Action: ActionPay, PaidOn: "2023-12-02"}
		sendAction(t, env, KindInvoice, pay, nil)
	}, 31*24*time.Hour)

	env.ExecuteWorkflow(Invoice, BillInput{Draft: draft})

	var final activities.BillState
	if err := env.GetWorkflowResult(&final); err != nil {
		t.Fatalf("workflow: %v", err)
	}
	want := []string{"issue", "overdue", "pay"}
	if final.Status != "paid" || len(db.actions) != 3 || db.actions[1] != want[1] {
		t.Errorf("final %s after %v, want paid after %v", final.Status, db.actions, want)
	}
	if len(db.mails) != 2 || db.mails[0] != "invoice:i1:issued" || db.mails[1] != "invoice:i1:reminder" {
		t.Errorf("mails = %v, want issued then reminder", db.mails)
	}
	if len(db.alerts) != 1 || db.alerts[0] != activities.AlertInvoiceOverdue {
		t.Errorf("alerts = %v, want one invoice_overdue", db.alerts)
	}
}

func TestInvoiceCannotBeIssuedWithoutItsPDF(t *testing.T) {
	db := &billDB{}
	env := newBillEnv(t, db)
	env.RegisterDelayedCallback(func() {
		sendAction(t, env, KindInvoice, activities.BillChange{ID: "i1", Action: ActionIssue}, ErrNoDocument)
		sendAction(t, env, KindInvoice, activities.BillChange{ID: "i1", Action: ActionVoid, Reason: "x"}, nil)
	}, time.Minute)

	env.ExecuteWorkflow(Invoice, BillInput{Draft: activities.NewBill{ID: "i1", Date: "2023-11-30"}})

	var final activities.BillState
	if err := env.GetWorkflowResult(&final); err != nil || final.Status != "void" {
		t.Errorf("final = %+v, %v; want void", final, err)
	}
}

func TestPaymentNeedsASecondOperator(t *testing.T) {
	db := &billDB{}
	env := newBillEnv(t, db)
	draft := activities.NewBill{ID: "p1", BrokerID: "A", Amount: 2000, Date: "2023-10-31",
		CreatedBy: "operator:alice"}
	amount, before := int64(2500), int64(2000)
	steps := []struct {
		change activities.BillChange
		want   error
	}{
		{activities.BillChange{Action: ActionApprove, Actor: "operator:alice", Amount: &before},
			ErrSameOperator},
		{activities.BillChange{Action: ActionUpdate, Actor: "operator:carol", Amount: &amount}, nil},
		{activities.BillChange{Action: ActionApprove, Actor: "operator:carol", Amount: &amount},
			ErrSameOperator},
		// Approval needs the statement, and approves the amount checked.
		{activities.BillChange{Action: ActionApprove, Actor: "operator:bob", Amount: &amount},
			ErrNoDocument},
		{activities.BillChange{Action: ActionStatement, Actor: "operator:alice",
			Doc: &activities.DocRef{Key: "s"}}, nil},
		{activities.BillChange{Action: ActionApprove, Actor: "operator:bob", Amount: &before},
			ErrAmountChanged},
		{activities.BillChange{Action: ActionApprove, Actor: "operator:bob"}, ErrAmountChanged},
		{activities.BillChange{Action: ActionApprove, Actor: "operator:bob", Amount: &amount}, nil},
		{activities.BillChange{Action: ActionStatement, Doc: &activities.DocRef{Key: "t"}},
			ErrInvalidTransition},
		{activities.BillChange{Action: ActionPay}, nil},
	}
	for i, step := range steps {
		step.change.ID = "p1"
		env.RegisterDelayedCallback(func() {
			sendAction(t, env, KindPayment, step.change, step.want)
		}, time.Duration(i+1)*time.Minute)
	}

	env.ExecuteWorkflow(Payment, BillInput{Draft: draft})

	var final activities.BillState
	if err := env.GetWorkflowResult(&final); err != nil || final.Status != "paid" {
		t.Fatalf("final = %+v, %v; want paid", final, err)
	}
	want := []string{"update", "statement", "approve", "pay"}
	if len(db.actions) != 4 || db.actions[2] != want[2] || db.actions[3] != want[3] {
		t.Errorf("actions = %v, want %v", db.actions, want)
	}
}

// A bill changed more often than a run takes continues as a new run that
// carries its state; the new run picks up where the old one stopped.
func TestBillContinuesAsNewRunAfterManyChanges(t *testing.T) {
	defer func(n int) { maxChangesPerRun = n }(maxChangesPerRun)
	maxChangesPerRun = 3
	db := &billDB{}
	env := newBillEnv(t, db)
	draft := activities.NewBill{ID: "i1", BrokerID: "B", Amount: 5000, Date: "2099-01-31",
		Doc: &activities.DocRef{Key: "k"}, CreatedBy: "op"}
	note := "again"
	for i := range 3 {
		env.RegisterDelayedCallback(func() {
			sendAction(t, env, KindInvoice, activities.BillChange{ID: "i1", Action: ActionUpdate,
				Actor: "op", Note: &note}, nil)
		}, time.Duration(i+1)*time.Minute)
	}
	env.ExecuteWorkflow(Invoice, BillInput{Draft: draft})
	var can *workflow.ContinueAsNewError
	if err := env.GetWorkflowError(); !errors.As(err, &can) {
		t.Fatalf("after 3 changes: %v, want the run to continue as new", err)
	}
	if len(db.actions) != 3 {
		t.Errorf("actions = %v, want the 3 updates", db.actions)
	}

	// The next run starts from the state: no new draft, and it goes on.
	env = newBillEnv(t, db)
	db.actions = nil
	state := db.state
	// A change waiting for the new run is checked against the carried state.
	env.RegisterDelayedCallback(func() {
		sendAction(t, env, KindInvoice, activities.BillChange{ID: "i1", Action: ActionIssue, Actor: "op"}, nil)
	}, 0)
	env.RegisterDelayedCallback(func() {
		sendAction(t, env, KindInvoice, activities.BillChange{ID: "i1", Action: ActionPay, Actor: "op"}, nil)
	}, 2*time.Minute)
	env.ExecuteWorkflow(Invoice, BillInput{Draft: draft, Resume: &state})
	var final activities.BillState
	if err := env.GetWorkflowResult(&final); err != nil || final.Status != "paid" {
		t.Fatalf("resumed run: %+v, %v; want paid", final, err)
	}
	if !slices.Equal(db.actions, []string{"issue", "pay"}) {
		t.Errorf("actions of the resumed run = %v, want issue then pay (and no new draft)", db.actions)
	}
}
