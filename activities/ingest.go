package activities

import (
	"context"
	"fmt"
	"time"

	"go.temporal.io/sdk/activity"

	"clearinghouse/store"
)

// AlertIngestionParked is raised when a batch is parked after its retries.
const AlertIngestionParked = "ingestion_parked"

// StoreChunkInput names one staged chunk of a batch.
type StoreChunkInput struct {
	RequestID string
	ChunkNo   int
}

// StoreChunkResult counts what became of the chunk's contracts.
type StoreChunkResult struct {
	Stored      int
	Duplicate   int
	Conflicting int
}

// StoreChunk stores one staged chunk's contracts. The contracts stay in the
// database: only the chunk's name travels through the workflow's history.
func (a *Activities) StoreChunk(ctx context.Context, in StoreChunkInput) (StoreChunkResult, error) {
	start := time.Now()
	res, err := a.Store.StoreChunk(ctx, in.RequestID, in.ChunkNo, a.Now())
	if err != nil {
		return StoreChunkResult{}, classify(err)
	}
	a.Metrics.chunkStored(time.Since(start).Seconds(), StoreChunkResult(res))
	return StoreChunkResult(res), nil
}

// FinishBatchInput names a batch whose chunks are all stored.
type FinishBatchInput struct {
	RequestID string
}

// FinishBatchResult is the batch's final count.
type FinishBatchResult struct {
	Stored      int
	Duplicate   int
	Conflicting int
}

// FinishBatch marks a batch completed with its totals.
func (a *Activities) FinishBatch(ctx context.Context, in FinishBatchInput) (FinishBatchResult, error) {
	b, err := a.Store.FinishBatch(ctx, in.RequestID, a.Now())
	if err != nil {
		return FinishBatchResult{}, classify(err)
	}
	if err := a.Store.ResolveAlerts(ctx, AlertIngestionParked, in.RequestID, a.Now()); err != nil {
		return FinishBatchResult{}, err
	}
	return FinishBatchResult{Stored: b.Stored, Duplicate: b.Duplicate, Conflicting: b.Conflicting}, nil
}

// ParkBatchInput says why a batch stopped. Occurrence counts how often this
// batch has been parked, so that each parking raises its own alert once.
type ParkBatchInput struct {
	RequestID  string
	Reason     string
	Occurrence int
}

// ParkBatch marks a batch parked after its retries ran out and raises an
// alert for the operators (stored and logged at ERROR level).
func (a *Activities) ParkBatch(ctx context.Context, in ParkBatchInput) error {
	now := a.Now()
	if err := a.Store.TallyBatch(ctx, in.RequestID); err != nil {
		return err
	}
	if err := a.Store.SetBatchStatus(ctx, in.RequestID, store.BatchParked, in.Reason, now); err != nil {
		return err
	}
	alert := store.Alert{
		DedupeKey: fmt.Sprintf("%s:%s:%d", AlertIngestionParked, in.RequestID, in.Occurrence),
		Kind:      AlertIngestionParked,
		Subject:   in.RequestID,
		Message:   "ingestion parked after 5 attempts: " + in.Reason,
		CreatedAt: now,
	}
	isNew, err := a.Store.RaiseAlert(ctx, alert)
	if err != nil {
		return err
	}
	if isNew {
		a.Metrics.batchParked()
		a.Log.Error("ingestion parked", "request_id", in.RequestID,
			"workflow_id", activity.GetInfo(ctx).WorkflowExecution.ID, "reason", in.Reason)
	}
	return nil
}

// ResolveBatchInput carries an operator's decision on a parked batch.
type ResolveBatchInput struct {
	RequestID string
	Discard   bool
	Operator  string
}

// ResolveBatch records an operator's decision: the batch goes back to
// processing for a retry, or is discarded with what it stored so far.
func (a *Activities) ResolveBatch(ctx context.Context, in ResolveBatchInput) error {
	now := a.Now()
	status := store.BatchProcessing
	if in.Discard {
		status = store.BatchDiscarded
	}
	if err := a.Store.SetBatchStatus(ctx, in.RequestID, status, "", now); err != nil {
		return err
	}
	if err := a.Store.ResolveAlerts(ctx, AlertIngestionParked, in.RequestID, now); err != nil {
		return err
	}
	a.Log.Info("parked batch resolved", "request_id", in.RequestID,
		"discard", in.Discard, "operator", in.Operator)
	return nil
}
