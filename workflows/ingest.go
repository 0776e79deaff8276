package workflows

import (
	"errors"
	"fmt"

	"go.temporal.io/sdk/workflow"

	"clearinghouse/activities"
)

// chunksInFlight bounds how many chunks of one batch are stored at once:
// enough to keep the database busy, few enough to leave room for others.
const chunksInFlight = 4

// act is the typed reference through which workflows name activities.
var act *activities.Activities

// IngestInput names a staged batch: its contracts are in the database.
type IngestInput struct {
	RequestID string
	Chunks    int
}

// IngestResult is a batch's final state and counts.
type IngestResult struct {
	Status      string
	Stored      int
	Duplicate   int
	Conflicting int
}

// ResolveParkedInput is an operator's decision on a parked ingestion.
type ResolveParkedInput struct {
	Action   string // "retry" or "discard"
	Operator string
}

// ResolveParkedResult is the state the ingestion moves to.
type ResolveParkedResult struct {
	Status string
}

// Operator actions on a parked ingestion.
const (
	ActionRetry   = "retry"
	ActionDiscard = "discard"
)

// ErrNotParked refuses a retry or discard of an ingestion that is not parked.
var ErrNotParked = errors.New("the ingestion is not parked")

// ErrUnknownAction refuses an action other than retry or discard.
var ErrUnknownAction = errors.New("action must be retry or discard")

type ingestion struct {
	in        IngestInput
	stored    []bool
	parked    bool
	decision  string
	resolving bool
	parkings  int
}

// Ingest stores a batch's staged chunks. When a step fails five times the
// batch is parked, an alert is raised, and the workflow waits for an
// operator to retry or discard it through the resolve-parked update.
func Ingest(ctx workflow.Context, in IngestInput) (IngestResult, error) {
	w := &ingestion{in: in, stored: make([]bool, in.Chunks)}
	if err := workflow.SetUpdateHandlerWithOptions(ctx, UpdateResolveParked, w.resolve,
		workflow.UpdateHandlerOptions{Validator: w.validate}); err != nil {
		return IngestResult{}, fmt.Errorf("registering update: %w", err)
	}
	for {
		res, err := w.attempt(ctx)
		if err == nil {
			setState(ctx, StateCompleted)
			return res, nil
		}
		if discarded := w.park(ctx, err); discarded {
			setState(ctx, StateDiscarded)
			return IngestResult{Status: StateDiscarded}, nil
		}
	}
}

// attempt stores every chunk not stored yet, then totals the batch.
func (w *ingestion) attempt(ctx workflow.Context) (IngestResult, error) {
	if err := w.storeChunks(ctx); err != nil {
		return IngestResult{}, err
	}
	var fin activities.FinishBatchResult
	finish := activities.FinishBatchInput{RequestID: w.in.RequestID}
	err := workflow.ExecuteActivity(storeOptions(ctx), act.FinishBatch, finish).Get(ctx, &fin)
	if err != nil {
		return IngestResult{}, err
	}
	return IngestResult{
		Status: StateCompleted, Stored: fin.Stored,
		Duplicate: fin.Duplicate, Conflicting: fin.Conflicting,
	}, nil
}

// storeChunks runs the pending chunks a few at a time. It lets every chunk
// of a round finish before reporting the first failure, so that a retry
// only redoes what failed.
func (w *ingestion) storeChunks(ctx workflow.Context) error {
	actx := storeOptions(ctx)
	pending := w.pendingChunks()
	for len(pending) > 0 {
		round := pending[:min(chunksInFlight, len(pending))]
		pending = pending[len(round):]
		futures := make([]workflow.Future, len(round))
		for i, no := range round {
			in := activities.StoreChunkInput{RequestID: w.in.RequestID, ChunkNo: no}
			futures[i] = workflow.ExecuteActivity(actx, act.StoreChunk, in)
		}
		var firstErr error
		for i, f := range futures {
			err := f.Get(ctx, nil)
			if err == nil {
				w.stored[round[i]] = true
			} else if firstErr == nil {
				firstErr = err
			}
		}
		if firstErr != nil {
			return firstErr
		}
	}
	return nil
}

func (w *ingestion) pendingChunks() []int {
	var pending []int
	for no, done := range w.stored {
		if !done {
			pending = append(pending, no)
		}
	}
	return pending
}

// park records the failure, waits for an operator and carries out the
// decision. It reports whether the batch was discarded.
func (w *ingestion) park(ctx workflow.Context, cause error) bool {
	w.parkings++
	bctx := bookkeepingOptions(ctx)
	parkIn := activities.ParkBatchInput{
		RequestID: w.in.RequestID, Reason: cause.Error(), Occurrence: w.parkings,
	}
	// Bookkeeping retries until it succeeds, so its error is only ever a
	// cancellation, which ends the workflow anyway.
	_ = workflow.ExecuteActivity(bctx, act.ParkBatch, parkIn).Get(ctx, nil)
	setState(ctx, StateParked)
	workflow.GetLogger(ctx).Error("ingestion parked", "RequestID", w.in.RequestID,
		"Error", cause)

	w.parked, w.decision = true, ""
	_ = workflow.Await(ctx, func() bool { return w.decision != "" })
	w.parked = false

	discard := w.decision == ActionDiscard
	if !discard {
		setState(ctx, StateProcessing)
	}
	return discard
}

func (w *ingestion) validate(ctx workflow.Context, in ResolveParkedInput) error {
	if in.Action != ActionRetry && in.Action != ActionDiscard {
		return ErrUnknownAction
	}
	if !w.parked || w.resolving {
		return ErrNotParked
	}
	return nil
}

// resolve records the operator's decision in the database before it
// answers, so that the batch's status has moved when the caller looks.
func (w *ingestion) resolve(ctx workflow.Context, in ResolveParkedInput) (ResolveParkedResult, error) {
	w.resolving = true
	defer func() { w.resolving = false }()
	discard := in.Action == ActionDiscard
	resolveIn := activities.ResolveBatchInput{
		RequestID: w.in.RequestID, Discard: discard, Operator: in.Operator,
	}
	err := workflow.ExecuteActivity(bookkeepingOptions(ctx), act.ResolveBatch, resolveIn).Get(ctx, nil)
	if err != nil {
		return ResolveParkedResult{}, err
	}
	w.decision = in.Action
	if discard {
		return ResolveParkedResult{Status: StateDiscarded}, nil
	}
	return ResolveParkedResult{Status: StateProcessing}, nil
}

// setState shows the workflow's state in the ClearingState search attribute.
func setState(ctx workflow.Context, state string) {
	err := workflow.UpsertTypedSearchAttributes(ctx, SearchAttributeState.ValueSet(state))
	if err != nil {
		workflow.GetLogger(ctx).Warn("search attribute not updated", "Error", err)
	}
}
