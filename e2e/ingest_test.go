package e2e

import (
	"context"
	"net/http"
	"testing"

	"clearinghouse/simulator"
)

type historyPage struct {
	Month       string `json:"month"`
	FiscalLabel string `json:"fiscal_label"`
	Balance     int64  `json:"balance"`
	Sign        string `json:"sign"`
	Confirmed   bool   `json:"confirmed"`
	LateBalance int64  `json:"late_balance"`
	AsOf        string `json:"as_of"`
	Total       int64  `json:"total"`
	Broker      struct {
		ID string `json:"id"`
	} `json:"broker"`
	Items []struct {
		ContractID     string `json:"contract_id"`
		Type           string `json:"type"`
		TypeLabel      string `json:"type_label"`
		CounterpartyID string `json:"counterparty_id"`
		ItemCode       string `json:"item_code"`
		Amount         int64  `json:"amount"`
		TradedAt       string `json:"traded_at"`
	} `json:"items"`
}

func (s *stack) submitExample(requestID string) response {
	return s.market().post("/api/v1/contract-batches", map[string]any{
		"request_id": requestID, "contracts": simulator.SeedExample(),
	})
}

func (c *caller) history(t *testing.T, query string) historyPage {
	t.Helper()
	resp := c.get("/api/v1/transactions?" + query)
	if resp.Status != http.StatusOK {
		t.Fatalf("transactions?%s: HTTP %d %s", query, resp.Status, resp.Body)
	}
	var page historyPage
	resp.decode(t, &page)
	return page
}

func TestSeedExampleGivesTheSpecBalances(t *testing.T) {
	s := newStack(t)

	resp := s.submitExample("seed-1")
	if resp.Status != http.StatusAccepted {
		t.Fatalf("submit: HTTP %d %s, want 202", resp.Status, resp.Body)
	}
	st := s.waitBatch("seed-1", "completed")
	if st.Stored != 2 || st.Duplicate != 0 || st.Conflicting != 0 {
		t.Errorf("batch = %+v, want 2 stored", st)
	}

	op := s.login(testOperator, testPassword)
	for broker, want := range map[string]int64{"A": 2000, "B": -5000, "C": 3000} {
		page := op.history(t, "month=2023-09&broker_id="+broker)
		if page.Balance != want {
			t.Errorf("broker %s balance = %d, want %d", broker, page.Balance, want)
		}
		if page.Confirmed || page.FiscalLabel != "2023年度9月" || page.AsOf != "2023-10-03" {
			t.Errorf("broker %s page = %+v", broker, page)
		}
	}

	a := op.history(t, "month=2023-09&broker_id=A")
	if len(a.Items) != 2 || a.Total != 2 {
		t.Fatalf("A's rows = %+v, want 2", a.Items)
	}
	first, second := a.Items[0], a.Items[1]
	if first.Type != "sale" || first.TypeLabel != "売却" || first.CounterpartyID != "B" ||
		first.Amount != 5000 || first.TradedAt != "2023-09-21T10:00:00+09:00" {
		t.Errorf("A's first row = %+v, want the sale of xxxx to B at 10:00", first)
	}
	if second.Type != "purchase" || second.CounterpartyID != "C" || second.ItemCode != "yyyy" {
		t.Errorf("A's second row = %+v, want the purchase of yyyy from C", second)
	}
	if empty := op.history(t, "month=2023-10&broker_id=A"); empty.Balance != 0 || len(empty.Items) != 0 {
		t.Errorf("October = %+v, want empty", empty)
	}
}

func TestBrokerSeesOnlyItsOwnOrganisation(t *testing.T) {
	s := newStack(t)
	s.submitExample("seed-1")
	s.waitBatch("seed-1", "completed")

	a := s.login("broker-a", testPassword)
	own := a.history(t, "month=2023-09")
	if own.Broker.ID != "A" || own.Balance != 2000 {
		t.Errorf("broker-a's own page = %+v, want A at +2,000", own)
	}
	if resp := a.get("/api/v1/transactions?month=2023-09&broker_id=B"); resp.Status != http.StatusForbidden {
		t.Errorf("broker-a asking for B: HTTP %d %s, want 403", resp.Status, resp.Body)
	}
	var orgs struct {
		Items []struct{ ID string } `json:"items"`
	}
	a.get("/api/v1/organizations").decode(t, &orgs)
	if len(orgs.Items) != 1 || orgs.Items[0].ID != "A" {
		t.Errorf("broker-a's organisations = %+v, want only A", orgs.Items)
	}
	for _, path := range []string{"/api/v1/contract-batches", "/api/v1/alerts", "/api/v1/users"} {
		if resp := a.get(path); resp.Status != http.StatusForbidden {
			t.Errorf("broker-a GET %s: HTTP %d, want 403", path, resp.Status)
		}
	}
}

func TestAnonymousCallersAreRefused(t *testing.T) {
	s := newStack(t)
	anon := s.anonymous()
	for _, path := range []string{
		"/api/v1/transactions?month=2023-09&broker_id=A", "/api/v1/auth/me",
		"/api/v1/organizations", "/api/v1/contract-batches/x",
	} {
		resp := anon.get(path)
		if resp.Status != http.StatusUnauthorized || resp.errorCode() != "unauthenticated" {
			t.Errorf("anonymous GET %s: HTTP %d %s, want 401 unauthenticated", path, resp.Status, resp.Body)
		}
	}
	resp := anon.post("/api/v1/contract-batches", map[string]any{"request_id": "x"})
	if resp.Status != http.StatusUnauthorized {
		t.Errorf("anonymous batch: HTTP %d, want 401", resp.Status)
	}
}

func TestReplayedBatchChangesNothing(t *testing.T) {
	s := newStack(t)
	s.submitExample("seed-1")
	s.waitBatch("seed-1", "completed")

	replay := s.submitExample("seed-1")
	if replay.Status != http.StatusOK {
		t.Fatalf("replay: HTTP %d %s, want 200", replay.Status, replay.Body)
	}
	var st batchStatus
	replay.decode(t, &st)
	if st.Status != "completed" || st.Stored != 2 {
		t.Errorf("replay answer = %+v, want the completed batch", st)
	}

	// The same contracts under a new request id are duplicates.
	if resp := s.submitExample("seed-2"); resp.Status != http.StatusAccepted {
		t.Fatalf("second request: HTTP %d %s", resp.Status, resp.Body)
	}
	again := s.waitBatch("seed-2", "completed")
	if again.Stored != 0 || again.Duplicate != 2 || again.Conflicting != 0 {
		t.Errorf("re-sent contracts = %+v, want 2 duplicates", again)
	}
	op := s.login(testOperator, testPassword)
	if page := op.history(t, "month=2023-09&broker_id=A"); page.Balance != 2000 || page.Total != 2 {
		t.Errorf("after replays A = %+v, want +2,000 in 2 rows", page)
	}
}

func TestConflictingContractIsReportedNotStored(t *testing.T) {
	s := newStack(t)
	s.submitExample("seed-1")
	s.waitBatch("seed-1", "completed")

	changed := simulator.SeedExample()
	changed[0].Amount = 6000
	resp := s.market().post("/api/v1/contract-batches", map[string]any{
		"request_id": "changed-1", "contracts": changed,
	})
	if resp.Status != http.StatusAccepted {
		t.Fatalf("submit: HTTP %d %s", resp.Status, resp.Body)
	}
	st := s.waitBatch("changed-1", "completed")
	if st.Conflicting != 1 || st.Duplicate != 1 || st.Stored != 0 {
		t.Errorf("batch = %+v, want 1 conflicting and 1 duplicate", st)
	}
	if len(st.Conflicts) != 1 || st.Conflicts[0].ContractID != changed[0].ContractID {
		t.Errorf("conflicts = %+v, want %s", st.Conflicts, changed[0].ContractID)
	}
	op := s.login(testOperator, testPassword)
	if page := op.history(t, "month=2023-09&broker_id=B"); page.Balance != -5000 {
		t.Errorf("B = %d, want -5,000: the conflicting contract must not overwrite", page.Balance)
	}
}

func TestRequestIDReusedWithOtherContentIsRefused(t *testing.T) {
	s := newStack(t)
	s.submitExample("seed-1")
	s.waitBatch("seed-1", "completed")

	other := simulator.SeedExample()[:1]
	other[0].ContractID = "OTHER-1"
	resp := s.market().post("/api/v1/contract-batches", map[string]any{
		"request_id": "seed-1", "contracts": other,
	})
	if resp.Status != http.StatusConflict || resp.errorCode() != "request_id_reused" {
		t.Errorf("reuse: HTTP %d %s, want 409 request_id_reused", resp.Status, resp.Body)
	}
	if n := s.count("SELECT count(*) FROM contracts WHERE contract_id = 'OTHER-1'"); n != 0 {
		t.Errorf("%d contracts stored from the refused request, want 0", n)
	}
}

func TestChunkedBatchStoresEveryContract(t *testing.T) {
	s := newStack(t)
	plan := simulator.Plan{Brokers: []string{"A", "B", "C"}, Contracts: 50, Months: 2, Seed: 7,
		Prefix: "CHUNK"}
	plan.FirstMonth.Year, plan.FirstMonth.Month = 2023, 9
	contracts := simulator.Generate(plan)
	resp := s.market().post("/api/v1/contract-batches", map[string]any{
		"request_id": "chunked", "contracts": contracts,
	})
	if resp.Status != http.StatusAccepted {
		t.Fatalf("submit: HTTP %d %s", resp.Status, resp.Body)
	}
	st := s.waitBatch("chunked", "completed")
	if st.Stored != 50 {
		t.Errorf("stored = %d, want 50 (batch %+v)", st.Stored, st)
	}
	if n := s.count("SELECT count(*) FROM transaction_history"); n != 100 {
		t.Errorf("history rows = %d, want 100", n)
	}
	sum := s.count(`SELECT coalesce(sum(CASE side WHEN 'sale' THEN amount ELSE -amount END), 0)
		FROM transaction_history`)
	if sum != 0 {
		t.Errorf("balances sum to %d, want 0", sum)
	}
}

// count runs a query that returns one integer, straight on the database.
func (s *stack) count(query string) int64 {
	s.t.Helper()
	var n int64
	if err := s.db.QueryRowContext(context.Background(), query).Scan(&n); err != nil {
		s.t.Fatalf("%s: %v", query, err)
	}
	return n
}

// exec runs a statement straight on the database.
func (s *stack) exec(query string) {
	s.t.Helper()
	if _, err := s.db.ExecContext(context.Background(), query); err != nil {
		s.t.Fatalf("%s: %v", query, err)
	}
}
