package workflows

import (
	"errors"
	"fmt"
	"time"

	"go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"clearinghouse/activities"
	"clearinghouse/models"
)

// CloseInput names the month to close, YYYY-MM, and what asked for it
// ("schedule", "operator:<login>", "backfill").
type CloseInput struct {
	Month       string
	TriggeredBy string
}

// CloseResult is the closing's outcome.
type CloseResult struct {
	Month         string
	AlreadyClosed bool
	Brokers       int
	Contracts     int64
	SumBalances   int64
	Adjustments   int
}

// Close closes one month: balances, ledger entries, late adjustments, in
// one activity and one database transaction. It alerts when the closing
// fails for good or when the month's balances do not sum to zero.
func Close(ctx workflow.Context, in CloseInput) (CloseResult, error) {
	var res activities.CloseMonthResult
	err := workflow.ExecuteActivity(storeOptions(ctx), act.CloseMonth,
		activities.CloseMonthInput{Month: in.Month, TriggeredBy: in.TriggeredBy}).Get(ctx, &res)
	if err != nil {
		alert(ctx, activities.AlertClosingFailed, in.Month, "closing failed: "+err.Error())
		return CloseResult{}, err
	}
	if res.SumBalances != 0 {
		alert(ctx, activities.AlertClosingZeroSum, in.Month,
			fmt.Sprintf("balances of %s sum to %d, not zero", in.Month, res.SumBalances))
	}
	if !res.AlreadyClosed {
		draftBills(ctx, in.Month)
	}
	setState(ctx, StateCompleted)
	return CloseResult{
		Month: in.Month, AlreadyClosed: res.AlreadyClosed, Brokers: res.Brokers,
		Contracts: res.Contracts, SumBalances: res.SumBalances, Adjustments: res.Adjustments,
	}, nil
}

// draftBills starts an invoice or payment lifecycle for each broker whose
// settlement balance calls for one. The drafts live on by themselves; a
// failure here is logged and leaves the closing done.
func draftBills(ctx workflow.Context, month string) {
	var drafts []activities.BillInputDraft
	err := workflow.ExecuteActivity(storeOptions(ctx), act.DraftBills,
		activities.DraftBillsInput{Month: month}).Get(ctx, &drafts)
	if err != nil {
		workflow.GetLogger(ctx).Error("bills not drafted after closing", "Month", month, "Error", err)
		return
	}
	for _, d := range drafts {
		wf := Invoice
		if d.Kind == KindPayment {
			wf = Payment
		}
		cctx := workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{
			WorkflowID:            BillWorkflowID(d.Kind, d.Draft.ID),
			WorkflowIDReusePolicy: enums.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
			ParentClosePolicy:     enums.PARENT_CLOSE_POLICY_ABANDON,
		})
		child := workflow.ExecuteChildWorkflow(cctx, wf, BillInput{Kind: d.Kind, Draft: d.Draft})
		// Wait until it started, not until it ends: a bill lives for weeks.
		_ = child.GetChildWorkflowExecution().Get(ctx, nil)
	}
}

// alert raises an operator alert keyed by the workflow run, so that a
// retried activity raises it once.
func alert(ctx workflow.Context, kind, subject, message string) {
	info := workflow.GetInfo(ctx)
	in := activities.RaiseAlertInput{
		Key:  fmt.Sprintf("%s:%s:%s", kind, info.WorkflowExecution.ID, info.WorkflowExecution.RunID),
		Kind: kind, Subject: subject, Message: message,
	}
	_ = workflow.ExecuteActivity(bookkeepingOptions(ctx), act.RaiseAlert, in).Get(ctx, nil)
}

// CloseMonthsInput lists months to close in order.
type CloseMonthsInput struct {
	Months      []string
	TriggeredBy string
}

// CloseMonthsResult reports each month's outcome.
type CloseMonthsResult struct {
	Closed        []string
	AlreadyClosed []string
}

// CloseMonths closes months oldest first, each through its own close-<month>
// workflow, so that a month is closed once whoever else asks at the same
// time. A month already closing elsewhere is waited for.
func CloseMonths(ctx workflow.Context, in CloseMonthsInput) (CloseMonthsResult, error) {
	var out CloseMonthsResult
	for _, month := range in.Months {
		res, err := closeChild(ctx, month, in.TriggeredBy)
		if err != nil {
			return out, fmt.Errorf("closing %s: %w", month, err)
		}
		if res.AlreadyClosed {
			out.AlreadyClosed = append(out.AlreadyClosed, month)
		} else {
			out.Closed = append(out.Closed, month)
		}
	}
	return out, nil
}

func closeChild(ctx workflow.Context, month, trigger string) (CloseResult, error) {
	cctx := workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{
		WorkflowID:            CloseWorkflowID(month),
		WorkflowIDReusePolicy: enums.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE_FAILED_ONLY,
		ParentClosePolicy:     enums.PARENT_CLOSE_POLICY_ABANDON,
		TypedSearchAttributes: temporal.NewSearchAttributes(
			SearchAttributeState.ValueSet(StateProcessing)),
	})
	var res CloseResult
	err := workflow.ExecuteChildWorkflow(cctx, Close, CloseInput{Month: month, TriggeredBy: trigger}).
		Get(ctx, &res)
	var started *temporal.ChildWorkflowExecutionAlreadyStartedError
	if errors.As(err, &started) {
		// Another request closed or is closing this month. The activity
		// below only reads the closing if it exists; it never closes twice.
		return closeDirect(ctx, month, trigger)
	}
	return res, err
}

// closeDirect runs the idempotent closing activity from this workflow: for
// a month whose close-<month> workflow already ran, it reports the stored
// closing.
func closeDirect(ctx workflow.Context, month, trigger string) (CloseResult, error) {
	var res activities.CloseMonthResult
	err := workflow.ExecuteActivity(storeOptions(ctx), act.CloseMonth,
		activities.CloseMonthInput{Month: month, TriggeredBy: trigger}).Get(ctx, &res)
	return CloseResult{Month: month, AlreadyClosed: res.AlreadyClosed, Brokers: res.Brokers,
		Contracts: res.Contracts, SumBalances: res.SumBalances, Adjustments: res.Adjustments}, err
}

// scheduledStartTime is the search attribute the schedule sets on its runs.
var scheduledStartTime = temporal.NewSearchAttributeKeyTime("TemporalScheduledStartTime")

// ScheduledClosing is what the monthly schedule starts: it closes the month
// that ended before the scheduled time (in Japan time) and, first, any
// earlier month with contracts that was never closed, so that a closing
// missed while the system was down is caught up rather than skipped.
func ScheduledClosing(ctx workflow.Context) (CloseMonthsResult, error) {
	at, ok := workflow.GetTypedSearchAttributes(ctx).GetTime(scheduledStartTime)
	if !ok {
		at = workflow.Now(ctx)
	}
	target := models.MonthOf(at).Prev()

	var open []string
	err := workflow.ExecuteActivity(storeOptions(ctx), act.UnclosedMonths,
		activities.UnclosedMonthsInput{Before: target.String()}).Get(ctx, &open)
	if err != nil {
		alert(ctx, activities.AlertClosingFailed, target.String(), "scheduled closing failed: "+err.Error())
		return CloseMonthsResult{}, err
	}
	months := append(open, target.String())
	workflow.GetLogger(ctx).Info("scheduled closing", "Months", months, "ScheduledAt", at.Format(time.RFC3339))
	return CloseMonths(ctx, CloseMonthsInput{Months: months, TriggeredBy: "schedule"})
}
