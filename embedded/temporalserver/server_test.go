package temporalserver_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/operatorservice/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"clearinghouse/embedded/temporalserver"
)

const (
	taskQueue  = "temporalserver-test"
	stateAttr  = "ClearingState"
	batchAttr  = "ClearingBatch"
	parkedText = "parked"
	// waitLimit bounds every wait on eventually consistent state in these tests.
	waitLimit = 30 * time.Second
)

// parkInput is the input of parkWorkflow and of the greet activity.
type parkInput struct {
	Name string
}

// parkResult is the result of parkWorkflow and of the greet activity.
type parkResult struct {
	Greeting string
}

// parkWorkflow runs one activity and marks itself parked through a search attribute.
func parkWorkflow(ctx workflow.Context, in parkInput) (parkResult, error) {
	options := workflow.ActivityOptions{StartToCloseTimeout: 10 * time.Second}
	ctx = workflow.WithActivityOptions(ctx, options)

	var out parkResult
	if err := workflow.ExecuteActivity(ctx, greet, in).Get(ctx, &out); err != nil {
		return parkResult{}, fmt.Errorf("running greet: %w", err)
	}

	state := temporal.NewSearchAttributeKeyKeyword(stateAttr)
	if err := workflow.UpsertTypedSearchAttributes(ctx, state.ValueSet(parkedText)); err != nil {
		return parkResult{}, fmt.Errorf("upserting %s: %w", stateAttr, err)
	}
	return out, nil
}

// greet is the activity of parkWorkflow.
func greet(_ context.Context, in parkInput) (parkResult, error) {
	return parkResult{Greeting: "parked " + in.Name}, nil
}

func TestEphemeralServer(t *testing.T) {
	srv := startServer(t, temporalserver.Options{
		Ephemeral:        true,
		FrontendAddr:     "127.0.0.1:0",
		UIAddr:           "127.0.0.1:0",
		SearchAttributes: attrTypes{stateAttr: keyword},
	})
	c := dial(t, srv)
	startWorker(t, c)

	t.Run("workflow upserts a search attribute found by visibility", func(t *testing.T) {
		testUpsertAndList(t, c)
	})
	t.Run("schedule starts a workflow", func(t *testing.T) {
		testSchedule(t, c)
	})
	t.Run("web UI serves the namespace", func(t *testing.T) {
		testWebUI(t, srv)
	})
}

func testUpsertAndList(t *testing.T, c client.Client) {
	ctx := testContext(t)
	options := client.StartWorkflowOptions{ID: "park-1", TaskQueue: taskQueue}
	run, err := c.ExecuteWorkflow(ctx, options, parkWorkflow, parkInput{Name: "one"})
	if err != nil {
		t.Fatalf("ExecuteWorkflow: %v", err)
	}
	var got parkResult
	if err := run.Get(ctx, &got); err != nil {
		t.Fatalf("workflow result: %v", err)
	}
	if want := "parked one"; got.Greeting != want {
		t.Fatalf("greeting: got %q, want %q", got.Greeting, want)
	}

	query := fmt.Sprintf("%s = %q", stateAttr, parkedText)
	eventually(t, "listing "+query, func(ctx context.Context) error {
		return listContains(ctx, c, query, options.ID)
	})
}

func listContains(ctx context.Context, c client.Client, query, workflowID string) error {
	request := &workflowservice.ListWorkflowExecutionsRequest{Query: query}
	resp, err := c.ListWorkflow(ctx, request)
	if err != nil {
		return fmt.Errorf("listing workflows: %w", err)
	}
	for _, info := range resp.GetExecutions() {
		if info.GetExecution().GetWorkflowId() == workflowID {
			return nil
		}
	}
	return fmt.Errorf("%s not among %d executions", workflowID, len(resp.GetExecutions()))
}

func testSchedule(t *testing.T, c client.Client) {
	ctx := testContext(t)
	handle, err := c.ScheduleClient().Create(ctx, client.ScheduleOptions{
		ID: "park-schedule",
		Action: &client.ScheduleWorkflowAction{
			ID:        "park-scheduled",
			Workflow:  parkWorkflow,
			Args:      []any{parkInput{Name: "scheduled"}},
			TaskQueue: taskQueue,
		},
	})
	if err != nil {
		t.Fatalf("creating schedule: %v", err)
	}
	t.Cleanup(func() { _ = handle.Delete(context.Background()) })

	if err := handle.Trigger(ctx, client.ScheduleTriggerOptions{}); err != nil {
		t.Fatalf("triggering schedule: %v", err)
	}

	var workflowID string
	eventually(t, "schedule action", func(ctx context.Context) error {
		desc, err := handle.Describe(ctx)
		if err != nil {
			return fmt.Errorf("describing schedule: %w", err)
		}
		if len(desc.Info.RecentActions) == 0 {
			return errors.New("no action taken yet")
		}
		workflowID = desc.Info.RecentActions[0].StartWorkflowResult.WorkflowID
		return nil
	})

	var got parkResult
	if err := c.GetWorkflow(ctx, workflowID, "").Get(ctx, &got); err != nil {
		t.Fatalf("scheduled workflow %s result: %v", workflowID, err)
	}
	if want := "parked scheduled"; got.Greeting != want {
		t.Fatalf("scheduled greeting: got %q, want %q", got.Greeting, want)
	}
}

func testWebUI(t *testing.T, srv *temporalserver.Server) {
	base := "http://" + srv.UIAddress()

	status, header, body := httpGet(t, base+"/")
	if status != http.StatusOK {
		t.Fatalf("GET /: got status %d, want 200", status)
	}
	if ct := header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		t.Fatalf("GET /: got Content-Type %q, want text/html", ct)
	}
	if !strings.Contains(strings.ToLower(body), "<html") {
		t.Fatalf("GET /: body has no <html> element: %.200q", body)
	}

	// The UI's own API answers from the frontend: it proves the UI points at this server.
	status, _, body = httpGet(t, base+"/api/v1/namespaces/"+srv.Namespace())
	if status != http.StatusOK {
		t.Fatalf("GET namespace through UI: got status %d, want 200; body %.200q", status, body)
	}
	var described struct {
		NamespaceInfo struct{ Name string } `json:"namespaceInfo"`
	}
	if err := json.Unmarshal([]byte(body), &described); err != nil {
		t.Fatalf("decoding namespace through UI: %v; body %.200q", err, body)
	}
	if described.NamespaceInfo.Name != srv.Namespace() {
		t.Fatalf("namespace through UI: got %q, want %q", described.NamespaceInfo.Name, srv.Namespace())
	}
}

// childDirEnv hands the data folder to the child process of the restart test.
const childDirEnv = "TEMPORALSERVER_TEST_CHILD_DATADIR"

func TestFileServerKeepsWorkflowsAcrossRestart(t *testing.T) {
	dir := t.TempDir()
	first := startServer(t, fileOptions(dir, attrTypes{stateAttr: keyword}))
	c := dial(t, first)
	// Nobody polls this queue: the workflow simply stays running.
	start := client.StartWorkflowOptions{ID: restartProbeID, TaskQueue: "nobody-polls"}
	if _, err := c.ExecuteWorkflow(testContext(t), start, parkWorkflow, parkInput{}); err != nil {
		t.Fatalf("ExecuteWorkflow: %v", err)
	}
	stopServer(t, first)
	if _, err := os.Stat(filepath.Join(dir, temporalserver.DatabaseFile)); err != nil {
		t.Fatalf("database file after stop: %v", err)
	}

	// Again in this process, registering one more search attribute on the namespace.
	second := startServer(t, fileOptions(dir, restartAttrs()))
	assertRestarted(t, dial(t, second), second.Namespace())
	stopServer(t, second)

	// An attribute cannot change its type: Start refuses before running anything.
	clash := fileOptions(dir, attrTypes{stateAttr: enumspb.INDEXED_VALUE_TYPE_INT})
	if srv, err := temporalserver.Start(testContext(t), clash); err == nil {
		_ = srv.Stop()
		t.Fatalf("Start with %s as Int: got no error, want one", stateAttr)
	}

	// Once more in a fresh process, where nothing of the first two servers is left in memory.
	runChild(t, dir)
}

// TestRestartedInChildProcess is the last start of TestFileServerKeepsWorkflowsAcrossRestart.
func TestRestartedInChildProcess(t *testing.T) {
	dir := os.Getenv(childDirEnv)
	if dir == "" {
		t.Skip("runs only as the child of TestFileServerKeepsWorkflowsAcrossRestart")
	}
	srv := startServer(t, fileOptions(dir, restartAttrs()))
	assertRestarted(t, dial(t, srv), srv.Namespace())
}

const restartProbeID = "restart-probe"

func fileOptions(dir string, attrs attrTypes) temporalserver.Options {
	return temporalserver.Options{
		DataDir:          dir,
		FrontendAddr:     "127.0.0.1:0",
		Namespace:        "clearing",
		SearchAttributes: attrs,
	}
}

func restartAttrs() attrTypes {
	return attrTypes{stateAttr: keyword, batchAttr: enumspb.INDEXED_VALUE_TYPE_INT}
}

func runChild(t *testing.T, dir string) {
	t.Helper()
	run := "-test.run=^TestRestartedInChildProcess$"
	cmd := exec.CommandContext(testContext(t), os.Args[0], run, "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), childDirEnv+"="+dir)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child process: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "--- PASS: TestRestartedInChildProcess") {
		t.Fatalf("child process: got no PASS line, want one:\n%s", out)
	}
	t.Logf("child process:\n%s", out)
}

// assertRestarted checks that the probe workflow and all restart attributes are there.
func assertRestarted(t *testing.T, c client.Client, ns string) {
	t.Helper()
	desc, err := c.DescribeWorkflowExecution(testContext(t), restartProbeID, "")
	if err != nil {
		t.Fatalf("describing %s after restart: %v", restartProbeID, err)
	}
	status := desc.GetWorkflowExecutionInfo().GetStatus()
	if status != enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING {
		t.Fatalf("status of %s after restart: got %s, want Running", restartProbeID, status)
	}

	request := &operatorservice.ListSearchAttributesRequest{Namespace: ns}
	resp, err := c.OperatorService().ListSearchAttributes(testContext(t), request)
	if err != nil {
		t.Fatalf("listing search attributes: %v", err)
	}
	for name, want := range restartAttrs() {
		if got := resp.GetCustomAttributes()[name]; got != want {
			t.Errorf("search attribute %s after restart: got %s, want %s", name, got, want)
		}
	}
}

func TestStartRefusesBadOptions(t *testing.T) {
	tests := []struct {
		name string
		opts temporalserver.Options
	}{
		{"no store", temporalserver.Options{}},
		{"both stores", temporalserver.Options{Ephemeral: true, DataDir: t.TempDir()}},
		{"frontend on all interfaces", temporalserver.Options{Ephemeral: true, FrontendAddr: ":0"}},
		{"frontend on a host name", temporalserver.Options{Ephemeral: true, FrontendAddr: "localhost:0"}},
		{"UI on all interfaces", temporalserver.Options{Ephemeral: true, UIAddr: "0.0.0.0:0"}},
		{"attribute name needing quotes", temporalserver.Options{
			Ephemeral:        true,
			SearchAttributes: attrTypes{"Clearing-State": keyword},
		}},
		{"reserved attribute", temporalserver.Options{
			Ephemeral:        true,
			SearchAttributes: attrTypes{"WorkflowId": keyword},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, err := temporalserver.Start(testContext(t), tt.opts)
			if err == nil {
				_ = srv.Stop()
				t.Fatalf("Start(%+v): got no error, want one", tt.opts)
			}
		})
	}
}

const keyword = enumspb.INDEXED_VALUE_TYPE_KEYWORD

// attrTypes maps search attribute names to their types.
type attrTypes = map[string]enumspb.IndexedValueType

func startServer(t *testing.T, opts temporalserver.Options) *temporalserver.Server {
	t.Helper()
	opts.Logger = slog.New(slog.NewTextHandler(os.Stderr, nil))

	begin := time.Now()
	srv, err := temporalserver.Start(testContext(t), opts)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Logf("Start took %s (frontend %s, UI %q)", time.Since(begin).Round(time.Millisecond),
		srv.FrontendAddress(), srv.UIAddress())
	t.Cleanup(func() {
		if err := srv.Stop(); err != nil {
			t.Errorf("Stop: %v", err)
		}
	})
	return srv
}

// stopServer stops srv ahead of its cleanup, which then finds it stopped.
func stopServer(t *testing.T, srv *temporalserver.Server) {
	t.Helper()
	begin := time.Now()
	if err := srv.Stop(); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	t.Logf("Stop took %s", time.Since(begin).Round(time.Millisecond))
}

func dial(t *testing.T, srv *temporalserver.Server) client.Client {
	t.Helper()
	quiet := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	c, err := client.Dial(client.Options{
		HostPort:  srv.FrontendAddress(),
		Namespace: srv.Namespace(),
		Logger:    sdklog.NewStructuredLogger(quiet),
	})
	if err != nil {
		t.Fatalf("dialing %s: %v", srv.FrontendAddress(), err)
	}
	t.Cleanup(c.Close)
	return c
}

func startWorker(t *testing.T, c client.Client) {
	t.Helper()
	w := worker.New(c, taskQueue, worker.Options{})
	w.RegisterWorkflow(parkWorkflow)
	w.RegisterActivity(greet)
	if err := w.Start(); err != nil {
		t.Fatalf("starting worker: %v", err)
	}
	t.Cleanup(w.Stop)
}

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), 2*waitLimit)
	t.Cleanup(cancel)
	return ctx
}

// eventually retries check until it succeeds or waitLimit passes.
func eventually(t *testing.T, what string, check func(context.Context) error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), waitLimit)
	defer cancel()
	ticker := time.NewTicker(100 * time.Millisecond)
	defer ticker.Stop()

	for {
		err := check(ctx)
		if err == nil {
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("%s: still failing after %s: %v", what, waitLimit, err)
		case <-ticker.C:
		}
	}
}

func httpGet(t *testing.T, url string) (int, http.Header, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(testContext(t), http.MethodGet, url, nil)
	if err != nil {
		t.Fatalf("building GET %s: %v", url, err)
	}
	httpClient := &http.Client{Transport: &http.Transport{Proxy: nil}}
	defer httpClient.CloseIdleConnections()

	resp, err := httpClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer func() { _ = resp.Body.Close() }()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("reading GET %s: %v", url, err)
	}
	return resp.StatusCode, resp.Header, string(body)
}
