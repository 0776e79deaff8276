// Package e2e tests the clearing house end to end: real HTTP against the
// API, a real PostgreSQL, an embedded Temporal server and real workers.
package e2e

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"
	"go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"

	"clearinghouse/app"
	"clearinghouse/documents"
	"clearinghouse/embedded/pgcluster/pgtest"
	"clearinghouse/embedded/temporalserver"
	"clearinghouse/store"
	"clearinghouse/workflows"
)

const (
	testMarketKey = "test-market-key-0123456789"
	testOperator  = "operator"
	testPassword  = "test-password-0123"
)

func TestMain(m *testing.M) {
	os.Exit(pgtest.Main(m))
}

// stack is one clearing house: its own database, worker and API.
type stack struct {
	t        testing.TB
	URL      string
	Store    *store.Store
	Temporal client.Client
	DBURL    string
	db       *sql.DB
	clock    *clock
	// taskQueue is where this stack's worker polls.
	taskQueue string
	// docsDir is where the API keeps PDFs.
	docsDir string
}

// clock is a settable clock for the API and the activities.
type clock struct{ now time.Time }

func (c *clock) Now() time.Time { return c.now }

// stackOptions vary a stack; zero values mean the test defaults.
type stackOptions struct {
	// ChunkSize defaults to 3, so that even small batches span chunks.
	ChunkSize int
}

func newStack(t *testing.T) *stack {
	t.Helper()
	return newStackWith(t, stackOptions{})
}

func newStackWith(t *testing.T, o stackOptions) *stack {
	t.Helper()
	return newStackFor(t, o)
}

func newStackFor(t testing.TB, o stackOptions) *stack {
	t.Helper()
	if o.ChunkSize == 0 {
		o.ChunkSize = 3
	}
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if os.Getenv("CLEARING_TEST_LOG") != "" {
		log = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	if testing.Verbose() {
		log = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	dbURL := pgtest.NewDatabase(t)
	if err := store.Migrate(ctx, dbURL, log); err != nil {
		t.Fatalf("migrating: %v", err)
	}
	st, err := store.Open(ctx, dbURL)
	if err != nil {
		t.Fatalf("opening store: %v", err)
	}
	t.Cleanup(func() { _ = st.Close() })
	clk := &clock{now: time.Date(2023, 10, 3, 9, 0, 0, 0, time.UTC)}
	seed := app.Seed{Operator: testOperator, Password: testPassword, Demo: true}
	if _, err := app.Bootstrap(ctx, st, seed, clk.now); err != nil {
		t.Fatalf("bootstrapping: %v", err)
	}

	tc := startTemporal(t, log)
	taskQueue := "e2e-" + strings.ReplaceAll(t.Name(), "/", "-")
	w, err := app.StartWorker(st, tc, app.WorkerOptions{Log: log, Now: clk.Now, TaskQueue: taskQueue})
	if err != nil {
		t.Fatalf("starting worker: %v", err)
	}
	t.Cleanup(w.Stop)
	if err := app.EnsureClosingSchedule(ctx, tc, "", taskQueue); err != nil {
		t.Fatalf("creating the closing schedule: %v", err)
	}
	docsDir := t.TempDir()
	docs, err := documents.NewLocal(docsDir)
	if err != nil {
		t.Fatalf("opening document store: %v", err)
	}
	server := app.NewAPI(st, tc, log, app.APIOptions{
		MarketAPIKey: testMarketKey, Now: clk.Now, TaskQueue: taskQueue, Documents: docs,
		Namespace: "default", ChunkSize: o.ChunkSize,
	})
	hs, err := app.ServeHTTP("127.0.0.1:0", server.Handler())
	if err != nil {
		t.Fatalf("serving: %v", err)
	}
	t.Cleanup(func() { _ = hs.Shutdown(context.Background()) })
	db, err := sql.Open("pgx", dbURL)
	if err != nil {
		t.Fatalf("opening database: %v", err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return &stack{
		t: t, URL: "http://" + hs.Addr(), Store: st, Temporal: tc, DBURL: dbURL, db: db, clock: clk,
		taskQueue: taskQueue, docsDir: docsDir,
	}
}

// startTemporal starts an ephemeral Temporal server for one test.
func startTemporal(t testing.TB, log *slog.Logger) client.Client {
	t.Helper()
	ctx := context.Background()
	attrs := map[string]enums.IndexedValueType{}
	for _, name := range workflows.SearchAttributeNames {
		attrs[name] = enums.INDEXED_VALUE_TYPE_KEYWORD
	}
	srv, err := temporalserver.Start(ctx, temporalserver.Options{
		Ephemeral: true, FrontendAddr: "127.0.0.1:0", Namespace: "default",
		SearchAttributes: attrs, Logger: log,
	})
	if err != nil {
		t.Fatalf("starting Temporal: %v", err)
	}
	t.Cleanup(func() { _ = srv.Stop() })
	tc, err := app.DialTemporal(ctx, srv.FrontendAddress(), "default", log)
	if err != nil {
		t.Fatalf("dialing Temporal: %v", err)
	}
	t.Cleanup(tc.Close)
	return tc
}

// response is an HTTP answer with its decoded JSON body.
type response struct {
	Status int
	Body   []byte
	Header http.Header
}

func (r response) decode(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("decoding %s: %v", r.Body, err)
	}
}

// errorCode is the body's error code, "" if none.
func (r response) errorCode() string {
	var body struct {
		Error struct {
			Code string `json:"code"`
		} `json:"error"`
	}
	_ = json.Unmarshal(r.Body, &body)
	return body.Error.Code
}

// caller sends requests as one party: the market, a user or nobody.
type caller struct {
	t      testing.TB
	base   string
	http   *http.Client
	bearer string
	csrf   string
	extra  map[string]string
}

func (s *stack) market() *caller {
	return &caller{t: s.t, base: s.URL, http: &http.Client{Timeout: time.Minute}, bearer: testMarketKey}
}

func (s *stack) anonymous() *caller {
	return &caller{t: s.t, base: s.URL, http: &http.Client{Timeout: time.Minute}}
}

// login signs in and returns a caller carrying the session cookie and the
// CSRF token.
func (s *stack) login(loginID, password string) *caller {
	s.t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &caller{t: s.t, base: s.URL, http: &http.Client{Jar: jar, Timeout: time.Minute}}
	resp := c.post("/api/v1/auth/login", map[string]string{"login_id": loginID, "password": password})
	if resp.Status != http.StatusOK {
		s.t.Fatalf("login %s: HTTP %d %s", loginID, resp.Status, resp.Body)
	}
	var me struct {
		CSRFToken string `json:"csrf_token"`
	}
	resp.decode(s.t, &me)
	c.csrf = me.CSRFToken
	return c
}

func (c *caller) get(path string) response {
	return c.send(http.MethodGet, path, "", nil)
}

func (c *caller) post(path string, body any) response {
	data, err := json.Marshal(body)
	if err != nil {
		c.t.Fatalf("encoding body: %v", err)
	}
	return c.send(http.MethodPost, path, "application/json", data)
}

func (c *caller) send(method, path, contentType string, body []byte) response {
	c.t.Helper()
	req, err := http.NewRequest(method, c.base+path, bytes.NewReader(body))
	if err != nil {
		c.t.Fatalf("building request: %v", err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if c.bearer != "" {
		req.Header.Set("Authorization", "Bearer "+c.bearer)
	}
	if c.csrf != "" {
		req.Header.Set("X-CSRF-Token", c.csrf)
	}
	for k, v := range c.extra {
		req.Header.Set(k, v)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatalf("reading %s %s: %v", method, path, err)
	}
	return response{Status: resp.StatusCode, Body: data, Header: resp.Header}
}

// waitBatch polls a batch's status until it leaves processing.
func (s *stack) waitBatch(requestID string, want string) batchStatus {
	s.t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	m := s.market()
	for {
		var st batchStatus
		resp := m.get("/api/v1/contract-batches/" + requestID)
		if resp.Status != http.StatusOK {
			s.t.Fatalf("batch %s: HTTP %d %s", requestID, resp.Status, resp.Body)
		}
		resp.decode(s.t, &st)
		if st.Status == want {
			return st
		}
		if st.Status != store.BatchProcessing || time.Now().After(deadline) {
			s.t.Fatalf("batch %s: status %s (%s), want %s", requestID, st.Status, resp.Body, want)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

type batchStatus struct {
	RequestID   string `json:"request_id"`
	Status      string `json:"status"`
	Contracts   int    `json:"contracts"`
	Stored      int    `json:"stored"`
	Duplicate   int    `json:"duplicate"`
	Conflicting int    `json:"conflicting"`
	LastError   string `json:"last_error"`
	WorkflowID  string `json:"workflow_id"`
	Conflicts   []struct {
		ContractID string `json:"contract_id"`
	} `json:"conflicts"`
}

func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("encoding: %v", err)
	}
	return data
}

func itoa(n int64) string {
	return strconv.FormatInt(n, 10)
}

// sendWith posts JSON with extra headers.
func (c *caller) sendWith(method, path string, body []byte, headers map[string]string) response {
	c.t.Helper()
	saved := c.extra
	c.extra = headers
	defer func() { c.extra = saved }()
	return c.send(method, path, "application/json", body)
}
