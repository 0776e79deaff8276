package workflows

import (
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"
)

// storeOptions is for activities that write business data. Five attempts in
// total, as the market's dead-letter rule asks, then the work is parked for
// an operator: about 15 seconds of backoff covers a database restart or a
// failover without parking, and anything longer needs a person anyway.
func storeOptions(ctx workflow.Context) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 2 * time.Minute,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval:    time.Second,
			BackoffCoefficient: 2,
			MaximumInterval:    30 * time.Second,
			MaximumAttempts:    5,
		},
	})
}

// bookkeepingOptions is for activities that record a workflow's own state
// (parked, resolved). They must not give up: if they did, the workflow's
// state and the database would disagree. They retry until the database is
// back, at most every minute.
func bookkeepingOptions(ctx workflow.Context) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 30 * time.Second,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval:    time.Second,
			BackoffCoefficient: 2,
			MaximumInterval:    time.Minute,
		},
	})
}
