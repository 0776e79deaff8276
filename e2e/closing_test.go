package e2e

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	"clearinghouse/simulator"
	"clearinghouse/workflows"
)

type closingStatus struct {
	Month       string `json:"month"`
	Status      string `json:"status"`
	Brokers     int    `json:"brokers"`
	Contracts   int64  `json:"contracts"`
	SumBalances int64  `json:"sum_balances"`
	Adjustments int    `json:"adjustments"`
	DueOn       string `json:"due_on"`
}

type ledgerPage struct {
	Balance int64 `json:"balance"`
	Items   []struct {
		ID          int64  `json:"id"`
		Date        string `json:"date"`
		Description string `json:"description"`
		Amount      int64  `json:"amount"`
		Balance     int64  `json:"balance"`
		Kind        string `json:"kind"`
		CreatedBy   string `json:"created_by"`
		Reason      string `json:"reason"`
		WorkflowURL string `json:"workflow_url"`
		Reversible  *bool  `json:"reversible"`
	} `json:"items"`
}

// waitClosed polls a month's closing until it is closed.
func (s *stack) waitClosed(op *caller, month string) closingStatus {
	s.t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		var st closingStatus
		op.get("/api/v1/closings/"+month).decode(s.t, &st)
		if st.Status == "closed" {
			return st
		}
		if st.Status == "failed" || time.Now().After(deadline) {
			s.t.Fatalf("closing %s: %+v, want closed", month, st)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (c *caller) ledger(t *testing.T, query string) ledgerPage {
	t.Helper()
	resp := c.get("/api/v1/settlements" + query)
	if resp.Status != http.StatusOK {
		t.Fatalf("settlements%s: HTTP %d %s", query, resp.Status, resp.Body)
	}
	var page ledgerPage
	resp.decode(t, &page)
	return page
}

func TestOperatorClosesAMonth(t *testing.T) {
	s := newStack(t)
	s.submitExample("seed-1")
	s.waitBatch("seed-1", "completed")
	op := s.login(testOperator, testPassword)

	closeMonth := func(m string) response {
		return op.post("/api/v1/closings", map[string]string{"month": m})
	}
	if resp := closeMonth("2023-10"); resp.errorCode() != "month_not_ended" {
		t.Errorf("closing October on 3 October: HTTP %d %s, want month_not_ended", resp.Status, resp.Body)
	}
	if resp := closeMonth("2023-09"); resp.Status != http.StatusAccepted {
		t.Fatalf("close: HTTP %d %s", resp.Status, resp.Body)
	}
	st := s.waitClosed(op, "2023-09")
	if st.Brokers != 3 || st.Contracts != 2 || st.SumBalances != 0 || st.DueOn != "2023-10-01" {
		t.Errorf("closing = %+v", st)
	}
	if resp := closeMonth("2023-09"); resp.errorCode() != "already_closed" {
		t.Errorf("second close: HTTP %d %s, want already_closed", resp.Status, resp.Body)
	}

	page := op.history(t, "month=2023-09&broker_id=A")
	if !page.Confirmed || page.Balance != 2000 || page.AsOf != "2023-10-03" {
		t.Errorf("September after closing = %+v, want confirmed +2,000 as of 2023-10-03", page)
	}
	a := s.login("broker-a", testPassword).ledger(t, "")
	if len(a.Items) != 1 || a.Balance != 2000 || a.Items[0].Date != "2023-10-01" ||
		a.Items[0].Description != "2023年度9月取引収支" {
		t.Errorf("A's ledger = %+v", a)
	}
	b := s.login("broker-b", testPassword)
	if resp := b.get("/api/v1/settlements?broker_id=A"); resp.Status != http.StatusForbidden {
		t.Errorf("broker-b reading A's ledger: HTTP %d, want 403", resp.Status)
	}
	if page := b.ledger(t, ""); page.Balance != -5000 {
		t.Errorf("B's own balance = %d, want -5,000", page.Balance)
	}
}

func TestClosingAskedForManyWaysClosesOnce(t *testing.T) {
	s := newStack(t)
	s.submitExample("seed-1")
	s.waitBatch("seed-1", "completed")
	op := s.login(testOperator, testPassword)

	var wg sync.WaitGroup
	for range 3 {
		wg.Add(2)
		go func() {
			defer wg.Done()
			op.post("/api/v1/closings", map[string]string{"month": "2023-09"})
		}()
		go func() {
			defer wg.Done()
			op.post("/api/v1/closings", map[string]string{"from": "2023-08", "to": "2023-09"})
		}()
	}
	wg.Wait()
	s.backfillSchedule(time.Date(2023, 10, 1, 0, 0, 0, 0, jst), time.Date(2023, 10, 1, 3, 0, 0, 0, jst))
	s.waitClosed(op, "2023-09")
	s.waitClosed(op, "2023-08")

	if n := s.count("SELECT count(*) FROM ledger_entries WHERE broker_id = 'A'"); n != 1 {
		t.Errorf("A has %d ledger entries, want 1", n)
	}
	if n := s.count("SELECT count(*) FROM month_closings"); n != 2 {
		t.Errorf("%d closings, want August and September once each", n)
	}
}

var jst = time.FixedZone("JST", 9*60*60)

// backfillSchedule makes the monthly schedule act as if the time between
// start and end had passed, which is how tests drive it without waiting.
func (s *stack) backfillSchedule(start, end time.Time) {
	s.t.Helper()
	h := s.Temporal.ScheduleClient().GetHandle(context.Background(), workflows.ClosingScheduleID)
	err := h.Backfill(context.Background(), client.ScheduleBackfillOptions{
		Backfill: []client.ScheduleBackfill{{Start: start, End: end}},
	})
	if err != nil {
		s.t.Fatalf("backfilling the schedule: %v", err)
	}
}

func TestScheduleClosesTheMonthThatEnded(t *testing.T) {
	s := newStack(t)
	s.submitExample("seed-1")
	s.waitBatch("seed-1", "completed")
	op := s.login(testOperator, testPassword)

	// The schedule's 2023-10-01 02:00 JST run closes September.
	s.backfillSchedule(time.Date(2023, 10, 1, 1, 0, 0, 0, jst), time.Date(2023, 10, 1, 3, 0, 0, 0, jst))
	st := s.waitClosed(op, "2023-09")
	if st.Brokers != 3 {
		t.Errorf("scheduled closing = %+v", st)
	}
	var view struct {
		TriggeredBy string `json:"triggered_by"`
	}
	op.get("/api/v1/closings/2023-09").decode(t, &view)
	if view.TriggeredBy != "schedule" {
		t.Errorf("triggered_by = %q, want schedule", view.TriggeredBy)
	}
}

func TestLateContractIsAdjustedAtTheNextClosing(t *testing.T) {
	s := newStack(t)
	s.submitExample("seed-1")
	s.waitBatch("seed-1", "completed")
	op := s.login(testOperator, testPassword)
	op.post("/api/v1/closings", map[string]string{"month": "2023-09"})
	s.waitClosed(op, "2023-09")

	late := []simulator.Contract{{ContractID: "LATE-1", BuyerID: "C", SellerID: "A", ItemCode: "zzzz",
		Amount: 700, TradedAt: "2023-09-30T23:30:00+09:00"}}
	s.market().post("/api/v1/contract-batches", map[string]any{"request_id": "late-1", "contracts": late})
	s.waitBatch("late-1", "completed")

	page := op.history(t, "month=2023-09&broker_id=A")
	if page.Balance != 2000 || page.LateBalance != 700 || page.Total != 3 {
		t.Errorf("September after a late contract = %+v, want confirmed 2,000, late 700, 3 rows", page)
	}
	s.clock.now = time.Date(2023, 11, 2, 0, 0, 0, 0, time.UTC)
	op = s.login(testOperator, testPassword) // the first session expired meanwhile
	op.post("/api/v1/closings", map[string]string{"month": "2023-10"})
	if st := s.waitClosed(op, "2023-10"); st.Adjustments != 1 {
		t.Errorf("October closing = %+v, want 1 adjustment", st)
	}
	a := op.ledger(t, "?broker_id=A")
	const adjusted = "2023年度9月取引収支 遅延分調整"
	if a.Balance != 2700 || len(a.Items) != 2 || a.Items[1].Description != adjusted ||
		a.Items[1].Date != "2023-11-01" {
		t.Errorf("A's ledger = %+v, want September then a 700 adjustment on 2023-11-01", a)
	}
	checks, err := s.Store.Reconcile(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range checks {
		if len(c.Problems) > 0 {
			t.Errorf("reconcile: %s: %v", c.Name, c.Problems)
		}
	}
}
