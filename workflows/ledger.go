package workflows

import (
	"go.temporal.io/sdk/workflow"

	"clearinghouse/activities"
)

// PostEntry posts one ledger entry an operator recorded (a collection, a
// payout or a reversal). Its workflow id carries the request's idempotency
// key, and the entry's own key makes the posting happen once.
func PostEntry(ctx workflow.Context, in activities.PostEntryInput) (activities.PostEntryResult, error) {
	var res activities.PostEntryResult
	err := workflow.ExecuteActivity(storeOptions(ctx), act.PostEntry, in).Get(ctx, &res)
	return res, err
}
