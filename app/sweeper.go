package app

import (
	"context"
	"log/slog"
	"time"

	"go.temporal.io/sdk/client"

	"clearinghouse/store"
	"clearinghouse/workflows"
)

// sweepEvery is how often batches are checked for a missing workflow. A
// batch is recorded before its workflow starts, so a crash in between
// leaves it waiting; a few minutes' delay is harmless, losing it is not.
const sweepEvery = 5 * time.Minute

// SweepBatches starts, now and every few minutes until ctx ends, the
// ingestion of every batch still processing: starting is idempotent, so
// only batches whose workflow never started (the API died between
// recording and starting) are affected.
func SweepBatches(ctx context.Context, st *store.Store, tc client.Client, queue string, log *slog.Logger) {
	for {
		sweepOnce(ctx, st, tc, queue, log)
		select {
		case <-ctx.Done():
			return
		case <-time.After(sweepEvery):
		}
	}
}

func sweepOnce(ctx context.Context, st *store.Store, tc client.Client, taskQueue string, log *slog.Logger) {
	batches, _, err := st.Batches(ctx, store.BatchFilter{Status: store.BatchProcessing, Limit: 1000})
	if err != nil {
		log.Warn("sweeping batches", "error", err)
		return
	}
	for _, b := range batches {
		in := workflows.IngestInput{RequestID: b.RequestID, Chunks: b.ChunkCount}
		if err := workflows.StartIngest(ctx, tc, taskQueue, in); err != nil {
			log.Warn("sweeping batches", "request_id", b.RequestID, "error", err)
		}
	}
}
