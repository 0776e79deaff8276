package e2e

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"google.golang.org/protobuf/encoding/protojson"
)

// TestRecordHistories writes the histories of one run of each workflow to
// the folder named by CLEARING_RECORD_HISTORIES, for the replay test in
// workflows/ (which checks that workflow changes stay deterministic). Run
// it when a workflow changes on purpose:
//
//	CLEARING_RECORD_HISTORIES=$PWD/workflows/testdata go test -run TestRecordHistories ./e2e
func TestRecordHistories(t *testing.T) {
	dir := os.Getenv("CLEARING_RECORD_HISTORIES")
	if dir == "" {
		t.Skip("set CLEARING_RECORD_HISTORIES to a folder to record workflow histories")
	}
	s := newStack(t)
	s.submitExample("seed-1")
	s.waitBatch("seed-1", "completed")
	op := s.login(testOperator, testPassword)
	op.post("/api/v1/closings", map[string]string{"month": "2023-09"})
	s.waitClosed(op, "2023-09")

	inv := op.mustBill(t, op.post("/api/v1/invoices", map[string]any{"broker_id": "B", "amount": 5000,
		"due_date": "2099-10-31", "pdf_base64": b64(pdfOfSize(400))}), http.StatusCreated)
	op.mustBill(t, op.post("/api/v1/invoices/"+inv.ID+"/issue", nil), http.StatusOK)
	op.mustBill(t, op.post("/api/v1/invoices/"+inv.ID+"/pay", nil), http.StatusOK)

	for name, id := range map[string]string{
		"ingest.json": "ingest-seed-1", "close.json": "close-2023-09", "invoice.json": inv.WorkflowID,
	} {
		s.writeHistory(filepath.Join(dir, name), id)
	}
}

func (s *stack) writeHistory(path, workflowID string) {
	s.t.Helper()
	ctx := context.Background()
	if err := s.Temporal.GetWorkflow(ctx, workflowID, "").Get(ctx, nil); err != nil {
		s.t.Fatalf("waiting for %s: %v", workflowID, err)
	}
	data, err := protojson.MarshalOptions{Indent: " "}.Marshal(s.history(workflowID))
	if err != nil {
		s.t.Fatalf("encoding %s: %v", workflowID, err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		s.t.Fatalf("writing %s: %v", path, err)
	}
}

// history reads a workflow's whole history.
func (s *stack) history(workflowID string) *historypb.History {
	s.t.Helper()
	iter := s.Temporal.GetWorkflowHistory(context.Background(), workflowID, "", false,
		enums.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	var hist historypb.History
	for iter.HasNext() {
		ev, err := iter.Next()
		if err != nil {
			s.t.Fatalf("reading %s: %v", workflowID, err)
		}
		hist.Events = append(hist.Events, ev)
	}
	return &hist
}

// historyText is a workflow's whole history as JSON, to search it.
func (s *stack) historyText(workflowID string) string {
	data, _ := protojson.Marshal(s.history(workflowID))
	return string(data)
}

// mailKey is the key of the first mail sent to an address.
func (s *stack) mailKey(to string) string {
	s.t.Helper()
	var key string
	err := s.db.QueryRow(`SELECT idempotency_key FROM mails WHERE to_address = $1 ORDER BY id LIMIT 1`, to).
		Scan(&key)
	if err != nil {
		s.t.Fatalf("finding mail to %s: %v", to, err)
	}
	return key
}
