package workflows

import (
	"path/filepath"
	"testing"

	"go.temporal.io/sdk/worker"
)

// TestReplayRecordedHistories replays histories recorded from real runs
// (see TestRecordHistories in e2e): a change to a workflow that would
// break running executions fails here. Such a change needs a named version
// (workflow.GetVersion), or new recordings if no execution can be running.
func TestReplayRecordedHistories(t *testing.T) {
	files, err := filepath.Glob("testdata/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no recorded histories in testdata (%v)", err)
	}
	replayer := worker.NewWorkflowReplayer()
	all := []any{Ingest, Close, CloseMonths, ScheduledClosing, Invoice, Payment, PostEntry, SendMail}
	for _, wf := range all {
		replayer.RegisterWorkflow(wf)
	}
	for _, f := range files {
		if err := replayer.ReplayWorkflowHistoryFromJSONFile(nil, f); err != nil {
			t.Errorf("replaying %s: %v", f, err)
		}
	}
}
