package e2e

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"go.temporal.io/api/enums/v1"
	"go.temporal.io/api/workflowservice/v1"
	"google.golang.org/protobuf/proto"

	"clearinghouse/api"
	"clearinghouse/app"
	"clearinghouse/models"
	"clearinghouse/simulator"
	"clearinghouse/store"
)

// sabotage makes every insert into contracts fail, as a broken database
// would, until repair is called.
func (s *stack) sabotage() (repair func()) {
	s.exec(`CREATE FUNCTION test_sabotage() RETURNS trigger LANGUAGE plpgsql AS
		$$ BEGIN RAISE EXCEPTION 'disk on fire'; END; $$`)
	s.exec(`CREATE TRIGGER test_sabotage BEFORE INSERT ON contracts
		FOR EACH STATEMENT EXECUTE FUNCTION test_sabotage()`)
	return func() {
		s.exec(`DROP TRIGGER test_sabotage ON contracts`)
		s.exec(`DROP FUNCTION test_sabotage`)
	}
}

func TestFailingBatchIsParkedThenRetriedByAnOperator(t *testing.T) {
	s := newStack(t)
	repair := s.sabotage()

	if resp := s.submitExample("parked-1"); resp.Status != http.StatusAccepted {
		t.Fatalf("submit: HTTP %d %s", resp.Status, resp.Body)
	}
	// Five attempts with 1+2+4+8 seconds of backoff, then parked.
	st := s.waitBatch("parked-1", "parked")
	if st.LastError == "" {
		t.Errorf("parked batch has no last_error: %+v", st)
	}
	s.expectParkedInVisibility(st.WorkflowID)

	op := s.login(testOperator, testPassword)
	var alerts struct {
		Items []struct {
			Kind    string `json:"kind"`
			Subject string `json:"subject"`
		} `json:"items"`
	}
	op.get("/api/v1/alerts?open=true").decode(t, &alerts)
	if len(alerts.Items) != 1 || alerts.Items[0].Kind != "ingestion_parked" ||
		alerts.Items[0].Subject != "parked-1" {
		t.Errorf("open alerts = %+v, want one ingestion_parked for parked-1", alerts.Items)
	}

	repair()
	if resp := op.post("/api/v1/contract-batches/parked-1/retry", nil); resp.Status != http.StatusAccepted {
		t.Fatalf("retry: HTTP %d %s", resp.Status, resp.Body)
	}
	done := s.waitBatch("parked-1", "completed")
	if done.Stored != 2 {
		t.Errorf("after retry = %+v, want 2 stored", done)
	}
	op.get("/api/v1/alerts?open=true").decode(t, &alerts)
	if len(alerts.Items) != 0 {
		t.Errorf("open alerts after retry = %+v, want none", alerts.Items)
	}
	if resp := op.post("/api/v1/contract-batches/parked-1/retry", nil); resp.Status != http.StatusConflict {
		t.Errorf("retry of a completed batch: HTTP %d, want 409", resp.Status)
	}
}

func TestParkedBatchCanBeDiscarded(t *testing.T) {
	s := newStack(t)
	repair := s.sabotage()
	defer repair()
	s.submitExample("parked-2")
	s.waitBatch("parked-2", "parked")

	b := s.login("broker-a", testPassword)
	if resp := b.post("/api/v1/contract-batches/parked-2/discard", nil); resp.Status != http.StatusForbidden {
		t.Errorf("broker discarding: HTTP %d, want 403", resp.Status)
	}
	op := s.login(testOperator, testPassword)
	if resp := op.post("/api/v1/contract-batches/parked-2/discard", nil); resp.Status != http.StatusAccepted {
		t.Fatalf("discard: HTTP %d %s", resp.Status, resp.Body)
	}
	s.waitBatch("parked-2", "discarded")
	run := s.Temporal.GetWorkflow(context.Background(), "ingest-parked-2", "")
	if err := run.Get(context.Background(), nil); err != nil {
		t.Errorf("workflow after discard: %v", err)
	}
}

// expectParkedInVisibility finds the workflow with ClearingState = "parked",
// as an operator would in the Web UI.
func (s *stack) expectParkedInVisibility(workflowID string) {
	s.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := s.Temporal.ListWorkflow(context.Background(), &workflowservice.ListWorkflowExecutionsRequest{
			Query: `ClearingState = "parked"`,
		})
		if err != nil {
			s.t.Fatalf("listing parked workflows: %v", err)
		}
		for _, e := range resp.Executions {
			if e.Execution.WorkflowId == workflowID && e.Status == enums.WORKFLOW_EXECUTION_STATUS_RUNNING {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	s.t.Errorf("workflow %s not found with ClearingState = \"parked\"", workflowID)
}

func TestLargestBatchKeepsWorkflowHistorySmall(t *testing.T) {
	s := newStackWith(t, stackOptions{ChunkSize: 2000})
	contracts := largestBatch()
	resp := s.market().post("/api/v1/contract-batches", map[string]any{
		"request_id": "large-1", "contracts": contracts,
	})
	if resp.Status != http.StatusAccepted {
		t.Fatalf("submit of %d contracts: HTTP %d %.300s", len(contracts), resp.Status, resp.Body)
	}
	st := s.waitBatch("large-1", "completed")
	if st.Stored != len(contracts) {
		t.Errorf("stored = %d, want %d", st.Stored, len(contracts))
	}
	events, largest := s.historySize("ingest-large-1")
	t.Logf("%d contracts: %d history events, largest payload %d bytes", len(contracts), events, largest)
	if largest > 4096 {
		t.Errorf("largest payload in history = %d bytes, want contracts kept out of history", largest)
	}
}

// largestBatch generates as many contracts as fit in the API's body limit,
// with a little room to spare.
func largestBatch() []simulator.Contract {
	plan := simulator.Plan{Brokers: []string{"A", "B", "C"}, Contracts: 60000, Months: 1,
		Seed: 3, Prefix: "LARGE"}
	plan.FirstMonth.Year, plan.FirstMonth.Month = 2023, 9
	all := simulator.Generate(plan)
	size, n := 64, 0
	for n < len(all) {
		data, _ := json.Marshal(all[n])
		if size+len(data)+1 > api.MaxBatchBody-1024 {
			break
		}
		size += len(data) + 1
		n++
	}
	return all[:n]
}

// historySize counts a workflow's history events and the largest one's
// size in bytes.
func (s *stack) historySize(workflowID string) (events, largest int) {
	s.t.Helper()
	for _, ev := range s.history(workflowID).Events {
		events++
		largest = max(largest, proto.Size(ev))
	}
	return events, largest
}

// TestBatchLeftWithoutWorkflowIsResumed plays a crash between recording a
// batch and starting its workflow: the sweeper starts it.
func TestBatchLeftWithoutWorkflowIsResumed(t *testing.T) {
	s := newStack(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	contracts := []models.Contract{{ContractID: "ORPHAN-1", BuyerID: "B", SellerID: "A", ItemCode: "x",
		Amount: 10, TradedAt: time.Date(2023, 9, 1, 0, 0, 0, 0, time.UTC)}}
	_, _, err := s.Store.CreateBatch(ctx, store.NewBatch{RequestID: "orphan-1",
		Digest: models.BatchDigest(contracts), Contracts: contracts, ChunkSize: 10,
		WorkflowID: "ingest-orphan-1", ReceivedAt: s.clock.now})
	if err != nil {
		t.Fatalf("recording the batch: %v", err)
	}
	go app.SweepBatches(ctx, s.Store, s.Temporal, s.taskQueue, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if st := s.waitBatch("orphan-1", "completed"); st.Stored != 1 {
		t.Errorf("resumed batch = %+v, want 1 stored", st)
	}
}
