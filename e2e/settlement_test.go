package e2e

import (
	"net/http"
	"testing"
	"time"

	"clearinghouse/simulator"
)

// TestSeedSettlementExampleThroughTheAPI replays the basic design's
// settlement screen: +5,000 (September), -10,000 (October), a collection of
// 5,000, -3,000 (November), a collection of 1,000; balance -2,000.
func TestSeedSettlementExampleThroughTheAPI(t *testing.T) {
	s := newStack(t)
	trades := []simulator.Contract{
		{ContractID: "S-SEP", BuyerID: "B", SellerID: "A", ItemCode: "xxxx", Amount: 5000,
			TradedAt: "2023-09-21T10:00:00+09:00"},
		{ContractID: "S-OCT", BuyerID: "A", SellerID: "B", ItemCode: "xxxx", Amount: 10000,
			TradedAt: "2023-10-12T10:00:00+09:00"},
		{ContractID: "S-NOV", BuyerID: "A", SellerID: "C", ItemCode: "yyyy", Amount: 3000,
			TradedAt: "2023-11-08T10:00:00+09:00"},
	}
	s.market().post("/api/v1/contract-batches", map[string]any{"request_id": "settle", "contracts": trades})
	s.waitBatch("settle", "completed")
	s.clock.now = time.Date(2023, 12, 20, 0, 0, 0, 0, time.UTC)
	op := s.login(testOperator, testPassword)
	op.post("/api/v1/closings", map[string]string{"from": "2023-09", "to": "2023-10"})
	s.waitClosed(op, "2023-10")

	collect := func(amount int64, date, key string) response {
		op.t.Helper()
		req := map[string]any{"broker_id": "A", "kind": "collection", "amount": amount,
			"date": date, "reason": "振込確認"}
		data := mustJSON(t, req)
		return op.sendWith(http.MethodPost, "/api/v1/settlements", data, map[string]string{"Idempotency-Key": key})
	}
	if resp := collect(5000, "2023-11-15", "collect-nov-15"); resp.Status != http.StatusCreated {
		t.Fatalf("collection: HTTP %d %s", resp.Status, resp.Body)
	}
	op.post("/api/v1/closings", map[string]string{"month": "2023-11"})
	s.waitClosed(op, "2023-11")
	first := collect(1000, "2023-12-15", "collect-dec-15")
	again := collect(1000, "2023-12-15", "collect-dec-15")
	if first.Status != http.StatusCreated || again.Status != http.StatusOK {
		t.Errorf("collection and its retry: HTTP %d and %d, want 201 then 200", first.Status, again.Status)
	}

	page := s.login("broker-a", testPassword).ledger(t, "")
	wantAmounts := []int64{5000, -10000, 5000, -3000, 1000}
	wantDates := []string{"2023-10-01", "2023-11-01", "2023-11-15", "2023-12-01", "2023-12-15"}
	if page.Balance != -2000 || len(page.Items) != len(wantAmounts) {
		t.Fatalf("A's ledger = %+v, want 5 entries and -2,000", page)
	}
	var running int64
	for i, e := range page.Items {
		running += e.Amount
		if e.Amount != wantAmounts[i] || e.Date != wantDates[i] || e.Balance != running {
			t.Errorf("entry %d = %+v, want %d on %s (running %d)", i, e, wantAmounts[i], wantDates[i], running)
		}
	}
	// Who posted an entry and why is for operators; a broker sees the entry.
	for _, e := range page.Items {
		if e.CreatedBy != "" || e.Reason != "" || e.WorkflowURL != "" || e.Reversible != nil {
			t.Errorf("broker A's entry %d shows operator details: %+v", e.ID, e)
		}
	}
	page = op.ledger(t, "?broker_id=A")
	byOperator, byClosing := page.Items[2].CreatedBy, page.Items[0].CreatedBy
	if byOperator != "operator:"+testOperator || byClosing != "workflow:close-2023-09" {
		t.Errorf("created_by = %q and %q", page.Items[2].CreatedBy, page.Items[0].CreatedBy)
	}
	if *page.Items[0].Reversible || !*page.Items[2].Reversible {
		t.Errorf("closing entry %+v must not be reversible; collection %+v must be",
			page.Items[0], page.Items[2])
	}
}

func TestSettlementEntriesAreValidatedAndReversible(t *testing.T) {
	s := newStack(t)
	s.clock.now = time.Date(2023, 11, 30, 15, 30, 0, 0, time.UTC) // 2023-12-01 in Japan
	op := s.login(testOperator, testPassword)
	bad := []map[string]any{
		{"broker_id": "A", "kind": "payout", "amount": 5, "date": "2023-12-02", "reason": "future"},
		{"broker_id": "A", "kind": "gift", "amount": 1, "date": "2023-11-15", "reason": "x"},
		{"broker_id": "A", "kind": "payout", "amount": -5, "date": "2023-11-15", "reason": "x"},
		{"broker_id": "A", "kind": "payout", "amount": 0, "date": "2023-11-15", "reason": "x"},
		{"broker_id": "A", "kind": "payout", "amount": 5, "date": "2023-13-15", "reason": "x"},
		{"broker_id": "A", "kind": "payout", "amount": 5, "date": "2023-11-15", "reason": " "},
		{"broker_id": "NOPE", "kind": "payout", "amount": 5, "date": "2023-11-15", "reason": "x"},
		{"broker_id": "CH", "kind": "payout", "amount": 5, "date": "2023-11-15", "reason": "x"},
		{"broker_id": "A", "kind": "payout", "amount": 1.5, "date": "2023-11-15", "reason": "x"},
	}
	for _, body := range bad {
		if resp := op.post("/api/v1/settlements", body); resp.Status != http.StatusBadRequest {
			t.Errorf("%v: HTTP %d %s, want 400", body, resp.Status, resp.Body)
		}
	}
	// A field named twice, in any case, is refused rather than read last-wins.
	twice := `{"broker_id":"A","kind":"payout","amount":1,"Amount":7,"date":"2023-11-15","reason":"x"}`
	resp := op.send(http.MethodPost, "/api/v1/settlements", "application/json", []byte(twice))
	if resp.Status != http.StatusBadRequest || resp.errorCode() != "duplicate_field" {
		t.Errorf("amount twice: HTTP %d %s, want 400 duplicate_field", resp.Status, resp.Body)
	}
	b := s.login("broker-b", testPassword)
	if resp := b.post("/api/v1/settlements", map[string]any{"broker_id": "B", "kind": "collection",
		"amount": 5, "date": "2023-11-15", "reason": "x"}); resp.Status != http.StatusForbidden {
		t.Errorf("broker posting an entry: HTTP %d, want 403", resp.Status)
	}
	if n := s.count("SELECT count(*) FROM ledger_entries"); n != 0 {
		t.Fatalf("%d entries stored by refused requests, want 0", n)
	}

	resp = op.post("/api/v1/settlements", map[string]any{"broker_id": "A", "kind": "payout",
		"amount": 400, "date": "2023-11-15", "reason": "払い出し"})
	var entry struct {
		ID     int64 `json:"id"`
		Amount int64 `json:"amount"`
	}
	resp.decode(t, &entry)
	if resp.Status != http.StatusCreated || entry.Amount != -400 {
		t.Fatalf("payout: HTTP %d %s, want 201 with amount -400", resp.Status, resp.Body)
	}
	path := "/api/v1/settlements/" + itoa(entry.ID) + "/reverse"
	early := map[string]string{"reason": "金額誤り", "date": "2023-11-14"}
	if resp := op.post(path, early); resp.errorCode() != "invalid_entry" {
		t.Errorf("reversal dated before the entry: HTTP %d %s, want invalid_entry", resp.Status, resp.Body)
	}
	late := map[string]string{"reason": "金額誤り", "date": "2023-12-02"}
	if resp := op.post(path, late); resp.errorCode() != "invalid_entry" {
		t.Errorf("reversal dated tomorrow: HTTP %d %s, want invalid_entry", resp.Status, resp.Body)
	}
	if resp := op.post(path, map[string]string{"reason": "金額誤り"}); resp.Status != http.StatusCreated {
		t.Fatalf("reversal: HTTP %d %s", resp.Status, resp.Body)
	}
	if resp := op.post(path, map[string]string{"reason": "again"}); resp.Status != http.StatusConflict {
		t.Errorf("second reversal: HTTP %d %s, want 409", resp.Status, resp.Body)
	}
	page := op.ledger(t, "?broker_id=A")
	if page.Balance != 0 || len(page.Items) != 2 {
		t.Fatalf("after reversal = %+v, want two entries summing to 0", page)
	}
	if *page.Items[0].Reversible || *page.Items[1].Reversible {
		t.Errorf("a reversed entry and its reversal are offered for reversal: %+v", page.Items)
	}
}
