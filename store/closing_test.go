package store_test

import (
	"context"
	"database/sql"
	"errors"
	"sync"
	"testing"
	"time"

	"clearinghouse/models"
	"clearinghouse/store"
)

func month(s string) models.Month {
	m, err := models.ParseMonth(s)
	if err != nil {
		panic(err)
	}
	return m
}

func closeMonth(t *testing.T, st *store.Store, m string) store.Closing {
	t.Helper()
	c, err := st.CloseMonth(context.Background(), store.CloseRequest{
		Month: month(m), WorkflowID: "close-" + m, TriggeredBy: "test", Now: t0,
	})
	if err != nil {
		t.Fatalf("closing %s: %v", m, err)
	}
	return c
}

func ledger(t *testing.T, st *store.Store, broker string) ([]store.Entry, int64) {
	t.Helper()
	entries, balance, err := st.Ledger(context.Background(), broker)
	if err != nil {
		t.Fatalf("ledger of %s: %v", broker, err)
	}
	return entries, balance
}

func TestClosingPostsOneEntryPerBrokerDatedTheNextFirst(t *testing.T) {
	st := newStore(t)
	storeAll(t, st, stage(t, st, "r1", 10,
		contract("c1", "B", "A", 5000, "2023-09-21T10:00:00+09:00"),
		contract("c2", "A", "C", 3000, "2023-09-21T11:00:00+09:00")))

	c := closeMonth(t, st, "2023-09")
	if c.Brokers != 3 || c.Contracts != 2 || c.TotalSales != 8000 || c.SumBalances != 0 {
		t.Errorf("closing = %+v, want 3 brokers, 2 contracts, 8,000 sales, zero sum", c)
	}
	for broker, want := range map[string]int64{"A": 2000, "B": -5000, "C": 3000} {
		entries, balance := ledger(t, st, broker)
		if len(entries) != 1 || balance != want {
			t.Fatalf("%s's ledger = %+v (balance %d), want one entry of %d", broker, entries, balance, want)
		}
		e := entries[0]
		if e.Description != "2023年度9月取引収支" || e.EntryDate.Format(time.DateOnly) != "2023-10-01" ||
			e.Kind != store.EntryMonthlyBalance || e.CreatedBy != "workflow:close-2023-09" {
			t.Errorf("%s's entry = %+v", broker, e)
		}
	}
}

func TestClosingTwiceClosesOnce(t *testing.T) {
	st := newStore(t)
	storeAll(t, st, stage(t, st, "r1", 10, contract("c1", "B", "A", 5000, "2023-09-21T10:00:00+09:00")))

	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = st.CloseMonth(context.Background(), store.CloseRequest{
				Month: month("2023-09"), WorkflowID: "w", TriggeredBy: "test", Now: t0,
			})
		}()
	}
	wg.Wait()
	closed := 0
	for _, err := range errs {
		switch {
		case err == nil:
			closed++
		case !errors.Is(err, store.ErrAlreadyClosed):
			t.Errorf("concurrent closing: %v", err)
		}
	}
	if closed != 1 {
		t.Errorf("%d closings succeeded, want exactly 1", closed)
	}
	if entries, _ := ledger(t, st, "A"); len(entries) != 1 {
		t.Errorf("A has %d entries, want 1", len(entries))
	}
}

func TestClosingFollowsJapanTime(t *testing.T) {
	st := newStore(t)
	storeAll(t, st, stage(t, st, "r1", 10,
		contract("sep", "B", "A", 100, "2023-09-30T23:30:00+09:00"),
		contract("oct", "B", "A", 10, "2023-10-01T00:30:00+09:00")))
	sep := closeMonth(t, st, "2023-09")
	oct := closeMonth(t, st, "2023-10")
	if sep.TotalSales != 100 || oct.TotalSales != 10 {
		t.Errorf("September sales %d, October %d; want 100 and 10", sep.TotalSales, oct.TotalSales)
	}
}

func TestClosingAMonthWithoutActivity(t *testing.T) {
	st := newStore(t)
	c := closeMonth(t, st, "2023-08")
	if c.Brokers != 0 || c.Contracts != 0 {
		t.Errorf("closing = %+v, want nothing", c)
	}
	if _, err := st.Closing(context.Background(), month("2023-08")); err != nil {
		t.Errorf("the empty month is not recorded as closed: %v", err)
	}
}

func TestLateContractIsAdjustedOnceAtTheNextClosing(t *testing.T) {
	st := newStore(t)
	ctx := context.Background()
	storeAll(t, st, stage(t, st, "r1", 10, contract("c1", "B", "A", 5000, "2023-09-21T10:00:00+09:00")))
	closeMonth(t, st, "2023-09")

	storeAll(t, st, stage(t, st, "r2", 10, contract("late", "C", "A", 700, "2023-09-29T10:00:00+09:00")))
	if bal, _, _ := st.MonthBalance(ctx, "A", month("2023-09")); bal != 5000 {
		t.Errorf("closed September changed to %d, want 5,000", bal)
	}
	oct := closeMonth(t, st, "2023-10")
	if oct.Adjustments != 1 {
		t.Errorf("October adjustments = %d, want 1", oct.Adjustments)
	}
	closeMonth(t, st, "2023-11")
	list, err := st.Closings(ctx, 10)
	if err != nil || len(list) != 3 || list[1].Month.String() != "2023-10" || list[1].Adjustments != 1 ||
		list[0].Adjustments != 0 {
		t.Errorf("closings = %+v, %v; want October listed with its one adjustment", list, err)
	}

	entries, balance := ledger(t, st, "A")
	if len(entries) != 2 || balance != 5700 {
		t.Fatalf("A's ledger = %+v (balance %d), want September and one adjustment, 5,700", entries, balance)
	}
	adj := entries[1]
	if adj.Kind != store.EntryAdjustment || adj.Amount != 700 ||
		adj.Description != "2023年度9月取引収支 遅延分調整" ||
		adj.EntryDate.Format(time.DateOnly) != "2023-11-01" {
		t.Errorf("adjustment = %+v", adj)
	}
	if _, balance := ledger(t, st, "C"); balance != -700 {
		t.Errorf("C's balance = %d, want -700", balance)
	}
}

func TestSeedSettlementExample(t *testing.T) {
	st := newStore(t)
	ctx := context.Background()
	storeAll(t, st, stage(t, st, "r1", 100,
		contract("sep", "B", "A", 5000, "2023-09-21T10:00:00+09:00"),
		contract("oct", "A", "B", 10000, "2023-10-10T10:00:00+09:00"),
		contract("nov", "A", "C", 3000, "2023-11-10T10:00:00+09:00")))
	closeMonth(t, st, "2023-09")
	closeMonth(t, st, "2023-10")
	post := func(key, kind string, amount int64, date string) {
		d, _ := time.Parse(time.DateOnly, date)
		_, _, err := st.PostEntry(ctx, store.Entry{BrokerID: "A", Kind: kind, Amount: amount,
			EntryDate: d, Description: "清算", Reason: "seed", CreatedBy: "operator:test",
			IdempotencyKey: key, PostedAt: t0})
		if err != nil {
			t.Fatalf("posting %s: %v", key, err)
		}
	}
	post("k1", store.EntryCollection, 5000, "2023-11-15")
	closeMonth(t, st, "2023-11")
	post("k2", store.EntryCollection, 1000, "2023-12-15")
	post("k2", store.EntryCollection, 1000, "2023-12-15") // a retry posts nothing

	entries, balance := ledger(t, st, "A")
	wantAmounts := []int64{5000, -10000, 5000, -3000, 1000}
	wantBalances := []int64{5000, -5000, 0, -3000, -2000}
	if len(entries) != len(wantAmounts) || balance != -2000 {
		t.Fatalf("ledger = %+v (balance %d), want 5 entries and -2,000", entries, balance)
	}
	for i, e := range entries {
		if e.Amount != wantAmounts[i] || e.Balance != wantBalances[i] {
			t.Errorf("entry %d = %d (running %d), want %d (running %d)",
				i, e.Amount, e.Balance, wantAmounts[i], wantBalances[i])
		}
	}
}

func TestLedgerIsAppendOnlyAndReversible(t *testing.T) {
	st, url := newStoreURL(t)
	ctx := context.Background()
	d, _ := time.Parse(time.DateOnly, "2023-11-15")
	orig, _, err := st.PostEntry(ctx, store.Entry{BrokerID: "B", Kind: store.EntryPayout, Amount: -400,
		EntryDate: d, Description: "清算 引き出し", Reason: "typo", CreatedBy: "operator:x",
		IdempotencyKey: "p1", PostedAt: t0})
	if err != nil {
		t.Fatal(err)
	}
	rev, err := store.ReversalOf(orig)
	if err != nil {
		t.Fatal(err)
	}
	rev.EntryDate, rev.Reason, rev.CreatedBy = d, "wrong amount", "operator:x"
	rev.IdempotencyKey, rev.PostedAt = "r1", t0
	if _, _, err := st.PostEntry(ctx, rev); err != nil {
		t.Fatalf("reversing: %v", err)
	}
	rev.IdempotencyKey = "r2"
	if _, _, err := st.PostEntry(ctx, rev); !errors.Is(err, store.ErrAlreadyReversed) {
		t.Errorf("second reversal: %v, want ErrAlreadyReversed", err)
	}
	if _, balance := ledger(t, st, "B"); balance != 0 {
		t.Errorf("balance after reversal = %d, want 0", balance)
	}
	assertRefused(t, url, "UPDATE ledger_entries SET amount = 0", "DELETE FROM ledger_entries",
		"TRUNCATE ledger_entries CASCADE")
}

func TestUnclosedMonthsAreFoundForCatchUp(t *testing.T) {
	st := newStore(t)
	storeAll(t, st, stage(t, st, "r1", 10,
		contract("jul", "B", "A", 1, "2023-07-02T10:00:00+09:00"),
		contract("sep", "B", "A", 1, "2023-09-02T10:00:00+09:00"),
		contract("nov", "B", "A", 1, "2023-11-02T10:00:00+09:00")))
	closeMonth(t, st, "2023-07")
	got, err := st.UnclosedMonths(context.Background(), month("2023-10"))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].String() != "2023-08" || got[1].String() != "2023-09" {
		t.Errorf("unclosed before 2023-10 = %v, want [2023-08 2023-09]", got)
	}
}

func TestReconcileFindsNothingWrongAfterNormalWork(t *testing.T) {
	st := newStore(t)
	storeAll(t, st, stage(t, st, "r1", 10,
		contract("c1", "B", "A", 5000, "2023-09-21T10:00:00+09:00"),
		contract("c2", "A", "C", 3000, "2023-09-21T11:00:00+09:00")))
	closeMonth(t, st, "2023-09")
	storeAll(t, st, stage(t, st, "r2", 10, contract("late", "C", "B", 70, "2023-09-29T10:00:00+09:00")))
	closeMonth(t, st, "2023-10")

	checks, err := st.Reconcile(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range checks {
		if len(c.Problems) > 0 {
			t.Errorf("%s: %v", c.Name, c.Problems)
		}
	}
}

func TestReconcileReportsATamperedBalance(t *testing.T) {
	st, url := newStoreURL(t)
	storeAll(t, st, stage(t, st, "r1", 10, contract("c1", "B", "A", 5000, "2023-09-21T10:00:00+09:00")))
	closeMonth(t, st, "2023-09")
	// Someone with database access goes around the append-only triggers.
	db, err := sql.Open("pgx", url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	_, err = db.Exec(`ALTER TABLE monthly_balances DISABLE TRIGGER monthly_balances_append_only;
		UPDATE monthly_balances SET sales = sales + 1, balance = balance + 1 WHERE broker_id = 'A'`)
	if err != nil {
		t.Fatal(err)
	}

	checks, err := st.Reconcile(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	found := map[string]int{}
	for _, c := range checks {
		found[c.Name] = len(c.Problems)
	}
	for _, name := range []string{
		"closed balances equal the balances recomputed from the history",
		"each closed month's balances sum to zero",
		"each closed balance is posted to the ledger once, with its amount",
	} {
		if found[name] == 0 {
			t.Errorf("check %q found nothing, want the tampered balance", name)
		}
	}
}
