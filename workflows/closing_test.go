package workflows

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"clearinghouse/activities"
)

func newClosingEnv() *testsuite.TestWorkflowEnvironment {
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestWorkflowEnvironment()
	env.RegisterActivity(&activities.Activities{})
	env.RegisterWorkflow(Close)
	env.RegisterWorkflow(CloseMonths)
	env.OnActivity(act.DraftBills, mock.Anything, mock.Anything).Return(nil, nil)
	return env
}

func TestCloseAlertsWhenBalancesDoNotSumToZero(t *testing.T) {
	env := newClosingEnv()
	env.OnActivity(act.CloseMonth, mock.Anything, mock.Anything).Return(
		activities.CloseMonthResult{Brokers: 2, SumBalances: 7}, nil)
	var alerts []activities.RaiseAlertInput
	env.OnActivity(act.RaiseAlert, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in activities.RaiseAlertInput) error {
			alerts = append(alerts, in)
			return nil
		})

	env.ExecuteWorkflow(Close, CloseInput{Month: "2023-09", TriggeredBy: "test"})

	if err := env.GetWorkflowError(); err != nil {
		t.Fatalf("workflow error: %v", err)
	}
	if len(alerts) != 1 || alerts[0].Kind != activities.AlertClosingZeroSum || alerts[0].Subject != "2023-09" {
		t.Errorf("alerts = %+v, want one zero-sum alert for 2023-09", alerts)
	}
}

func TestCloseAlertsAndFailsAfterFiveAttempts(t *testing.T) {
	env := newClosingEnv()
	attempts := 0
	env.OnActivity(act.CloseMonth, mock.Anything, mock.Anything).Return(
		func(context.Context, activities.CloseMonthInput) (activities.CloseMonthResult, error) {
			attempts++
			return activities.CloseMonthResult{}, errors.New("database unavailable")
		})
	var alerts []activities.RaiseAlertInput
	env.OnActivity(act.RaiseAlert, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in activities.RaiseAlertInput) error {
			alerts = append(alerts, in)
			return nil
		})

	env.ExecuteWorkflow(Close, CloseInput{Month: "2023-09"})

	if env.GetWorkflowError() == nil {
		t.Fatal("workflow succeeded, want failure")
	}
	if attempts != 5 {
		t.Errorf("attempts = %d, want 5", attempts)
	}
	if len(alerts) != 1 || alerts[0].Kind != activities.AlertClosingFailed {
		t.Errorf("alerts = %+v, want one closing_failed", alerts)
	}
}

func TestScheduledClosingCatchesUpMissedMonthsInOrder(t *testing.T) {
	env := newClosingEnv()
	env.RegisterWorkflow(ScheduledClosing)
	// Scheduled for 2023-12-01 02:00 JST: November ends, and September was
	// missed while the system was down.
	at := time.Date(2023, 11, 30, 17, 0, 0, 0, time.UTC)
	env.SetTypedSearchAttributesOnStart(temporal.NewSearchAttributes(scheduledStartTime.ValueSet(at)))
	var asked activities.UnclosedMonthsInput
	env.OnActivity(act.UnclosedMonths, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in activities.UnclosedMonthsInput) ([]string, error) {
			asked = in
			return []string{"2023-09"}, nil
		})
	var closed []string
	env.OnActivity(act.CloseMonth, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in activities.CloseMonthInput) (activities.CloseMonthResult, error) {
			closed = append(closed, in.Month+" by "+in.TriggeredBy)
			return activities.CloseMonthResult{}, nil
		})

	env.ExecuteWorkflow(ScheduledClosing)

	var res CloseMonthsResult
	if err := env.GetWorkflowResult(&res); err != nil {
		t.Fatalf("workflow: %v", err)
	}
	if asked.Before != "2023-11" {
		t.Errorf("asked for months before %s, want 2023-11", asked.Before)
	}
	want := []string{"2023-09 by schedule", "2023-11 by schedule"}
	if len(closed) != 2 || closed[0] != want[0] || closed[1] != want[1] {
		t.Errorf("closed %v, want %v", closed, want)
	}
}

func TestCloseMonthsReportsMonthsClosedBefore(t *testing.T) {
	env := newClosingEnv()
	env.OnActivity(act.CloseMonth, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in activities.CloseMonthInput) (activities.CloseMonthResult, error) {
			return activities.CloseMonthResult{AlreadyClosed: in.Month == "2023-10"}, nil
		})

	env.ExecuteWorkflow(CloseMonths, CloseMonthsInput{Months: []string{"2023-09", "2023-10", "2023-11"}})

	var res CloseMonthsResult
	if err := env.GetWorkflowResult(&res); err != nil {
		t.Fatalf("workflow: %v", err)
	}
	if len(res.Closed) != 2 || len(res.AlreadyClosed) != 1 || res.AlreadyClosed[0] != "2023-10" {
		t.Errorf("result = %+v, want 09 and 11 closed, 10 closed before", res)
	}
}
