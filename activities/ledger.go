package activities

import (
	"context"
	"errors"
	"time"

	"go.temporal.io/sdk/activity"

	"clearinghouse/store"
)

// PostEntryInput is a ledger entry to post. Amount is the signed effect;
// Reverses, when set, names the entry being cancelled (Amount is ignored).
type PostEntryInput struct {
	BrokerID       string
	Kind           string
	Amount         int64
	Date           string // YYYY-MM-DD in Japan time
	Description    string
	Reason         string
	CreatedBy      string
	IdempotencyKey string
	Reverses       int64
}

// PostEntryResult is the posted entry.
type PostEntryResult struct {
	ID      int64
	Created bool
	Amount  int64
}

// PostEntry appends a ledger entry once per idempotency key.
func (a *Activities) PostEntry(ctx context.Context, in PostEntryInput) (PostEntryResult, error) {
	date, err := time.Parse(time.DateOnly, in.Date)
	if err != nil {
		return PostEntryResult{}, classify(errors.Join(store.ErrConflict, err))
	}
	e := store.Entry{
		BrokerID: in.BrokerID, Kind: in.Kind, Amount: in.Amount, Description: in.Description,
	}
	if in.Reverses != 0 {
		orig, err := a.Store.EntryByID(ctx, in.Reverses)
		if err != nil {
			return PostEntryResult{}, classify(err)
		}
		if e, err = store.ReversalOf(orig); err != nil {
			return PostEntryResult{}, classify(err)
		}
	}
	e.EntryDate, e.Reason, e.CreatedBy = date, in.Reason, in.CreatedBy
	e.IdempotencyKey, e.PostedAt = in.IdempotencyKey, a.Now()
	if e.CreatedBy == "" {
		e.CreatedBy = "workflow:" + activity.GetInfo(ctx).WorkflowExecution.ID
	}
	posted, created, err := a.Store.PostEntry(ctx, e)
	if err != nil {
		return PostEntryResult{}, classifyBilling(err)
	}
	return PostEntryResult{ID: posted.ID, Created: created, Amount: posted.Amount}, nil
}
