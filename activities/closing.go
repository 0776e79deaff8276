package activities

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"

	"clearinghouse/models"
	"clearinghouse/store"
)

// Alert kinds raised by closings.
const (
	AlertClosingFailed  = "closing_failed"
	AlertClosingZeroSum = "closing_zero_sum"
)

// ErrTypeMonthNotEnded marks a request to close a month that has not ended
// in Japan time.
const ErrTypeMonthNotEnded = "MonthNotEnded"

// CloseMonthInput names the month to close (YYYY-MM) and what asked.
type CloseMonthInput struct {
	Month       string
	TriggeredBy string
}

// CloseMonthResult is the closing's record.
type CloseMonthResult struct {
	AlreadyClosed bool
	Brokers       int
	Contracts     int64
	TotalSales    int64
	SumBalances   int64
	Adjustments   int
	ClosedAt      time.Time
}

// CloseMonth closes one month (see store.CloseMonth). Closing a month again
// changes nothing and reports AlreadyClosed.
func (a *Activities) CloseMonth(ctx context.Context, in CloseMonthInput) (CloseMonthResult, error) {
	m, err := models.ParseMonth(in.Month)
	if err != nil {
		return CloseMonthResult{}, temporal.NewNonRetryableApplicationError(err.Error(), ErrTypeNotFound, err)
	}
	if now := a.Now(); now.Before(m.Next().Start()) {
		msg := fmt.Sprintf("%s has not ended in Japan time", m)
		return CloseMonthResult{}, temporal.NewNonRetryableApplicationError(msg, ErrTypeMonthNotEnded, nil)
	}
	req := store.CloseRequest{
		Month: m, WorkflowID: activity.GetInfo(ctx).WorkflowExecution.ID,
		TriggeredBy: in.TriggeredBy, Now: a.Now(),
	}
	start := time.Now()
	c, err := a.Store.CloseMonth(ctx, req)
	already := errors.Is(err, store.ErrAlreadyClosed)
	if err != nil && !already {
		return CloseMonthResult{}, err
	}
	if !already {
		a.Metrics.monthClosed(time.Since(start).Seconds())
		a.Log.Info("month closed", "month", in.Month, "brokers", c.Brokers,
			"contracts", c.Contracts, "took_ms", time.Since(start).Milliseconds())
	}
	return CloseMonthResult{
		AlreadyClosed: already, Brokers: c.Brokers, Contracts: c.Contracts,
		TotalSales: c.TotalSales, SumBalances: c.SumBalances, Adjustments: c.Adjustments,
		ClosedAt: c.ClosedAt,
	}, nil
}

// UnclosedMonthsInput bounds the search for months left open.
type UnclosedMonthsInput struct {
	Before string
}

// UnclosedMonths lists months before in.Before without a closing, from the
// first month with contracts, oldest first, as YYYY-MM.
func (a *Activities) UnclosedMonths(ctx context.Context, in UnclosedMonthsInput) ([]string, error) {
	before, err := models.ParseMonth(in.Before)
	if err != nil {
		return nil, temporal.NewNonRetryableApplicationError(err.Error(), ErrTypeNotFound, err)
	}
	months, err := a.Store.UnclosedMonths(ctx, before)
	if err != nil {
		return nil, err
	}
	out := make([]string, len(months))
	for i, m := range months {
		out[i] = m.String()
	}
	return out, nil
}

// RaiseAlertInput is an alert for the operators. Key makes it idempotent.
type RaiseAlertInput struct {
	Key     string
	Kind    string
	Subject string
	Message string
}

// RaiseAlert stores an alert and logs it at ERROR level, once per key.
func (a *Activities) RaiseAlert(ctx context.Context, in RaiseAlertInput) error {
	isNew, err := a.Store.RaiseAlert(ctx, store.Alert{
		DedupeKey: in.Key, Kind: in.Kind, Subject: in.Subject, Message: in.Message,
		CreatedAt: a.Now(),
	})
	if err != nil {
		return err
	}
	if isNew {
		a.Log.Error("alert", "kind", in.Kind, "subject", in.Subject, "message", in.Message,
			"workflow_id", activity.GetInfo(ctx).WorkflowExecution.ID)
	}
	return nil
}

// AlertInvoiceOverdue is raised when an invoice passes its due date unpaid.
const AlertInvoiceOverdue = "invoice_overdue"
