package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"clearinghouse/store"
)

// A broker's balance is settled once: open invoices bill at most what it
// owes, a manual collection does not settle what an open invoice is about
// to, an invoice is not paid once the balance was settled another way, and
// a payment date is not before the issue.
func TestBillsSettleABalanceOnce(t *testing.T) {
	st := newStore(t)
	ctx := context.Background()
	day := func(s string) time.Time {
		d, _ := time.Parse(time.DateOnly, s)
		return d
	}
	at := time.Date(2023, 10, 10, 1, 0, 0, 0, time.UTC) // 2023-10-10 in Japan
	entry := func(key, kind string, amount int64) (store.Entry, error) {
		e, _, err := st.PostEntry(ctx, store.Entry{BrokerID: "B", Kind: kind, Amount: amount,
			EntryDate: day("2023-10-01"), Description: "清算", Reason: "test", CreatedBy: "operator:test",
			IdempotencyKey: key, PostedAt: at})
		return e, err
	}
	invoice := func(id string, amount int64) {
		key, size, sum := "invoices/2023/10/"+id+".pdf", int64(100), "00"
		_, err := st.CreateInvoice(ctx, store.Invoice{ID: id, BrokerID: "B", Amount: amount,
			DueDate: day("2099-01-31"), DocumentKey: &key, DocumentSize: &size, DocumentSHA256: &sum,
			CreatedBy: "operator:test", CreatedAt: at, WorkflowID: "invoice-" + id})
		if err != nil {
			t.Fatalf("creating %s: %v", id, err)
		}
	}
	change := func(id, action string, paidOn string) error {
		ch := store.InvoiceChange{ID: id, Action: action, Actor: "operator:test", At: at}
		if paidOn != "" {
			d := day(paidOn)
			ch.PaidOn = &d
		}
		_, err := st.TransitionInvoice(ctx, ch)
		return err
	}
	exceeds := func(what string, err error) {
		t.Helper()
		if !errors.Is(err, store.ErrExceedsBalance) {
			t.Errorf("%s: %v, want ErrExceedsBalance", what, err)
		}
	}

	debt, err := entry("debt", store.EntryPayout, -5000) // B owes 5,000
	if err != nil {
		t.Fatal(err)
	}
	invoice("i1", 3000)
	invoice("i2", 3000)
	if err := change("i1", "issue", ""); err != nil {
		t.Fatalf("issuing 3,000 of 5,000 owed: %v", err)
	}
	exceeds("issuing a second 3,000", change("i2", "issue", ""))
	_, err = entry("direct-5000", store.EntryCollection, 5000)
	exceeds("collecting 5,000 beside an open invoice of 3,000", err)
	if _, err := entry("direct-2000", store.EntryCollection, 2000); err != nil {
		t.Errorf("collecting the 2,000 no invoice bills: %v", err)
	}
	if err := change("i1", "pay", "2023-10-09"); !errors.Is(err, store.ErrPaidTooEarly) {
		t.Errorf("paid the day before it was issued: %v, want ErrPaidTooEarly", err)
	}

	// Reversing the debt would settle what the open invoice bills.
	rev, _ := store.ReversalOf(debt)
	rev.EntryDate, rev.Reason, rev.CreatedBy, rev.IdempotencyKey, rev.PostedAt =
		day("2023-10-02"), "mistake", "operator:test", "rev-debt", at
	_, _, err = st.PostEntry(ctx, rev)
	exceeds("reversing the debt an open invoice bills", err)

	// A closing moves the balance without asking: B sells 4,000 in October
	// and is owed 1,000 in all. The open invoice can no longer be paid; it
	// is voided instead.
	storeAll(t, st, stage(t, st, "r-oct", 10, contract("oct", "A", "B", 4000, "2023-10-12T10:00:00+09:00")))
	closeMonth(t, st, "2023-10")
	exceeds("paying an invoice for a balance settled another way", change("i1", "pay", ""))
	if _, balance, _ := st.Ledger(ctx, "B"); balance != 1000 {
		t.Errorf("B's balance = %d, want 1,000", balance)
	}
	if err := change("i1", "void", ""); err != nil {
		t.Fatal(err)
	}
	// Money that moved is recorded when no open bill covers it.
	if _, err := entry("refund", store.EntryPayout, -1000); err != nil {
		t.Errorf("paying back 1,000: %v", err)
	}
}
