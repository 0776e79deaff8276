package workflows

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/testsuite"

	"clearinghouse/activities"
)

// chunkOutcome scripts StoreChunk: how many calls fail before it succeeds.
type chunkStub struct {
	mu       sync.Mutex
	calls    map[int]int
	failures map[int]int
}

func (s *chunkStub) store(_ context.Context, in activities.StoreChunkInput) (
	activities.StoreChunkResult, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls[in.ChunkNo]++
	if s.calls[in.ChunkNo] <= s.failures[in.ChunkNo] {
		return activities.StoreChunkResult{}, errors.New("database unavailable")
	}
	return activities.StoreChunkResult{Stored: 10}, nil
}

func newIngestEnv(t *testing.T, stub *chunkStub) *testsuite.TestWorkflowEnvironment {
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestWorkflowEnvironment()
	env.RegisterActivity(&activities.Activities{})
	env.OnActivity(act.StoreChunk, mock.Anything, mock.Anything).Return(stub.store)
	env.OnActivity(act.FinishBatch, mock.Anything, mock.Anything).Return(
		activities.FinishBatchResult{Stored: 25, Duplicate: 3, Conflicting: 2}, nil)
	return env
}

func TestIngestStoresEveryChunkThenFinishes(t *testing.T) {
	stub := &chunkStub{calls: map[int]int{}, failures: map[int]int{}}
	env := newIngestEnv(t, stub)

	env.ExecuteWorkflow(Ingest, IngestInput{RequestID: "r1", Chunks: 7})

	if err := env.GetWorkflowError(); err != nil {
		t.Fatalf("workflow error: %v", err)
	}
	var res IngestResult
	if err := env.GetWorkflowResult(&res); err != nil {
		t.Fatalf("workflow result: %v", err)
	}
	want := IngestResult{Status: StateCompleted, Stored: 25, Duplicate: 3, Conflicting: 2}
	if res != want {
		t.Errorf("result = %+v, want %+v", res, want)
	}
	for no := range 7 {
		if stub.calls[no] != 1 {
			t.Errorf("chunk %d stored %d times, want 1", no, stub.calls[no])
		}
	}
}

func TestIngestRetriesATransientFailure(t *testing.T) {
	stub := &chunkStub{calls: map[int]int{}, failures: map[int]int{1: 3}}
	env := newIngestEnv(t, stub)

	env.ExecuteWorkflow(Ingest, IngestInput{RequestID: "r1", Chunks: 2})

	if err := env.GetWorkflowError(); err != nil {
		t.Fatalf("workflow error: %v", err)
	}
	if stub.calls[1] != 4 {
		t.Errorf("chunk 1 attempts = %d, want 4 (3 failures, then success)", stub.calls[1])
	}
}

func TestIngestParksAfterFiveAttemptsAndRetriesOnRequest(t *testing.T) {
	stub := &chunkStub{calls: map[int]int{}, failures: map[int]int{2: 5}}
	env := newIngestEnv(t, stub)
	var parked []activities.ParkBatchInput
	env.OnActivity(act.ParkBatch, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in activities.ParkBatchInput) error {
			parked = append(parked, in)
			return nil
		})
	var resolved []activities.ResolveBatchInput
	env.OnActivity(act.ResolveBatch, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in activities.ResolveBatchInput) error {
			resolved = append(resolved, in)
			return nil
		})

	// Once parked, a wrong action and a premature one are refused, then the
	// operator retries.
	env.RegisterDelayedCallback(func() {
		if got := stub.calls[2]; got != 5 {
			t.Errorf("attempts before parking = %d, want 5", got)
		}
		sendUpdate(t, env, ResolveParkedInput{Action: "reboot"}, ErrUnknownAction)
		sendUpdate(t, env, ResolveParkedInput{Action: ActionRetry, Operator: "op"}, nil)
		sendUpdate(t, env, ResolveParkedInput{Action: ActionRetry}, ErrNotParked)
	}, time.Hour)

	env.ExecuteWorkflow(Ingest, IngestInput{RequestID: "r1", Chunks: 3})

	if err := env.GetWorkflowError(); err != nil {
		t.Fatalf("workflow error: %v", err)
	}
	if len(parked) != 1 || parked[0].Occurrence != 1 {
		t.Errorf("ParkBatch calls = %+v, want one with occurrence 1", parked)
	}
	if len(resolved) != 1 || resolved[0].Discard || resolved[0].Operator != "op" {
		t.Errorf("ResolveBatch calls = %+v, want one retry by op", resolved)
	}
	if stub.calls[0] != 1 || stub.calls[1] != 1 {
		t.Errorf("healthy chunks stored %d and %d times, want once each", stub.calls[0], stub.calls[1])
	}
	if stub.calls[2] != 6 {
		t.Errorf("failing chunk attempts = %d, want 5 then 1 after the retry", stub.calls[2])
	}
}

func TestIngestDiscardEndsTheWorkflow(t *testing.T) {
	stub := &chunkStub{calls: map[int]int{}, failures: map[int]int{0: 100}}
	env := newIngestEnv(t, stub)
	env.OnActivity(act.ParkBatch, mock.Anything, mock.Anything).Return(nil)
	var resolved []activities.ResolveBatchInput
	env.OnActivity(act.ResolveBatch, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in activities.ResolveBatchInput) error {
			resolved = append(resolved, in)
			return nil
		})
	env.RegisterDelayedCallback(func() {
		sendUpdate(t, env, ResolveParkedInput{Action: ActionDiscard}, nil)
	}, time.Hour)

	env.ExecuteWorkflow(Ingest, IngestInput{RequestID: "r1", Chunks: 1})

	var res IngestResult
	if err := env.GetWorkflowResult(&res); err != nil {
		t.Fatalf("workflow result: %v", err)
	}
	if res.Status != StateDiscarded {
		t.Errorf("status = %s, want %s", res.Status, StateDiscarded)
	}
	if len(resolved) != 1 || !resolved[0].Discard {
		t.Errorf("ResolveBatch calls = %+v, want one discard", resolved)
	}
	if stub.calls[0] != 5 {
		t.Errorf("attempts = %d, want 5", stub.calls[0])
	}
}

func TestIngestRefusesResolveWhileProcessing(t *testing.T) {
	stub := &chunkStub{calls: map[int]int{}, failures: map[int]int{0: 2}}
	env := newIngestEnv(t, stub)
	env.RegisterDelayedCallback(func() {
		sendUpdate(t, env, ResolveParkedInput{Action: ActionRetry}, ErrNotParked)
	}, time.Millisecond)

	env.ExecuteWorkflow(Ingest, IngestInput{RequestID: "r1", Chunks: 1})

	if err := env.GetWorkflowError(); err != nil {
		t.Fatalf("workflow error: %v", err)
	}
}

func sendUpdate(t *testing.T, env *testsuite.TestWorkflowEnvironment, in ResolveParkedInput, want error) {
	t.Helper()
	env.UpdateWorkflow(UpdateResolveParked, "", &testsuite.TestUpdateCallback{
		OnReject: func(err error) {
			if want == nil || err.Error() != want.Error() {
				t.Errorf("update %+v rejected with %v, want %v", in, err, want)
			}
		},
		OnAccept: func() {
			if want != nil {
				t.Errorf("update %+v accepted, want rejection %v", in, want)
			}
		},
		OnComplete: func(any, error) {},
	}, in)
}
