package store_test

import (
	"context"
	"database/sql"
	"errors"
	"io"
	"log/slog"
	"os"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"

	"clearinghouse/embedded/pgcluster/pgtest"
	"clearinghouse/models"
	"clearinghouse/store"
)

func TestMain(m *testing.M) {
	os.Exit(pgtest.Main(m))
}

var t0 = time.Date(2023, 10, 3, 0, 0, 0, 0, time.UTC)

func newStore(t *testing.T) *store.Store {
	t.Helper()
	st, _ := newStoreURL(t)
	return st
}

// newStoreURL gives a migrated store with brokers A, B and C, and its
// database's URL for raw statements.
func newStoreURL(t *testing.T) (*store.Store, string) {
	t.Helper()
	ctx := context.Background()
	url := pgtest.NewDatabase(t)
	if err := store.Migrate(ctx, url, slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
		t.Fatalf("migrating: %v", err)
	}
	st, err := store.Open(ctx, url)
	if err != nil {
		t.Fatalf("opening: %v", err)
	}
	t.Cleanup(func() { _ = st.Close() })
	for _, id := range []string{"A", "B", "C"} {
		org := store.Organization{ID: id, Name: "broker " + id, Kind: store.KindBroker, Active: true, CreatedAt: t0}
		if err := st.CreateOrganization(ctx, org); err != nil {
			t.Fatalf("creating %s: %v", id, err)
		}
	}
	return st, url
}

func contract(id, buyer, seller string, amount int64, at string) models.Contract {
	ts, err := time.Parse(time.RFC3339, at)
	if err != nil {
		panic(err)
	}
	return models.Contract{ContractID: id, BuyerID: buyer, SellerID: seller, ItemCode: "x",
		Amount: amount, TradedAt: ts}
}

func stage(t *testing.T, st *store.Store, id string, chunkSize int, cs ...models.Contract) store.Batch {
	requestID := id
	t.Helper()
	b, created, err := st.CreateBatch(context.Background(), store.NewBatch{
		RequestID: requestID, Digest: models.BatchDigest(cs), Contracts: cs, ChunkSize: chunkSize,
		WorkflowID: "ingest-" + requestID, ReceivedAt: t0,
	})
	if err != nil || !created {
		t.Fatalf("staging %s: created %v, %v", requestID, created, err)
	}
	return b
}

func storeAll(t *testing.T, st *store.Store, b store.Batch) store.Batch {
	t.Helper()
	ctx := context.Background()
	for no := range b.ChunkCount {
		if _, err := st.StoreChunk(ctx, b.RequestID, no, t0); err != nil {
			t.Fatalf("storing chunk %d: %v", no, err)
		}
	}
	done, err := st.FinishBatch(ctx, b.RequestID, t0)
	if err != nil {
		t.Fatalf("finishing: %v", err)
	}
	return done
}

func TestStoreChunkIsIdempotent(t *testing.T) {
	st := newStore(t)
	ctx := context.Background()
	b := stage(t, st, "r1", 10,
		contract("c1", "B", "A", 5000, "2023-09-21T10:00:00+09:00"),
		contract("c2", "A", "C", 3000, "2023-09-21T11:00:00+09:00"))

	first, err := st.StoreChunk(ctx, "r1", 0, t0)
	if err != nil {
		t.Fatalf("first run: %v", err)
	}
	again, err := st.StoreChunk(ctx, "r1", 0, t0)
	if err != nil {
		t.Fatalf("second run: %v", err)
	}
	if first.Stored != 2 || again != first {
		t.Errorf("runs = %+v then %+v, want 2 stored both times", first, again)
	}
	if _, err := st.StoreChunk(ctx, "r1", 5, t0); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("missing chunk: %v, want ErrNotFound", err)
	}
	done, err := st.FinishBatch(ctx, b.RequestID, t0)
	if err != nil || done.Stored != 2 || done.Status != store.BatchCompleted {
		t.Errorf("finished = %+v, %v", done, err)
	}
}

func TestDuplicatesAndConflictsAcrossBatches(t *testing.T) {
	st := newStore(t)
	c1 := contract("c1", "B", "A", 5000, "2023-09-21T10:00:00+09:00")
	storeAll(t, st, stage(t, st, "r1", 1, c1))

	same := c1
	same.TradedAt = same.TradedAt.UTC() // the same instant, written in UTC
	changed := c1
	changed.Amount = 6000
	newer := contract("c9", "C", "B", 100, "2023-09-22T10:00:00+09:00")
	// The same contract twice in one batch counts as one stored, one duplicate.
	got := storeAll(t, st, stage(t, st, "r2", 2, same, changed, newer, newer))
	if got.Duplicate != 2 || got.Conflicting != 1 || got.Stored != 1 {
		t.Errorf("batch r2 = %+v, want 1 stored, 2 duplicate, 1 conflicting", got)
	}
	sum, err := st.Summary(context.Background(), "A", models.MonthOf(c1.TradedAt))
	if err != nil || sum.Balance != 5000 {
		t.Errorf("A's September = %+v, %v; want +5,000 (the conflict must not count)", sum, err)
	}
}

func TestCreateBatchTellsReplayFromReuse(t *testing.T) {
	st := newStore(t)
	ctx := context.Background()
	c1 := contract("c1", "B", "A", 5000, "2023-09-21T10:00:00+09:00")
	stage(t, st, "r1", 10, c1)
	nb := store.NewBatch{RequestID: "r1", Digest: models.BatchDigest([]models.Contract{c1}),
		Contracts: []models.Contract{c1}, ChunkSize: 10, WorkflowID: "ingest-r1", ReceivedAt: t0}
	if _, created, err := st.CreateBatch(ctx, nb); err != nil || created {
		t.Errorf("replay: created %v, %v; want the existing batch", created, err)
	}
	c1.Amount = 1
	nb.Contracts, nb.Digest = []models.Contract{c1}, models.BatchDigest([]models.Contract{c1})
	if _, _, err := st.CreateBatch(ctx, nb); !errors.Is(err, store.ErrRequestReused) {
		t.Errorf("reuse: %v, want ErrRequestReused", err)
	}
}

func TestMonthsFollowJapanTime(t *testing.T) {
	st := newStore(t)
	storeAll(t, st, stage(t, st, "r1", 10,
		contract("late-sep", "B", "A", 100, "2023-09-30T23:30:00+09:00"),
		contract("early-oct", "B", "A", 10, "2023-10-01T00:30:00+09:00")))
	sep, _ := models.ParseMonth("2023-09")
	oct, _ := models.ParseMonth("2023-10")
	for m, want := range map[models.Month]int64{sep: 100, oct: 10} {
		sum, err := st.Summary(context.Background(), "A", m)
		if err != nil || sum.Balance != want {
			t.Errorf("A's %s = %+v, %v; want %d", m, sum, err, want)
		}
	}
}

func TestHistoryIsAppendOnly(t *testing.T) {
	st, url := newStoreURL(t)
	storeAll(t, st, stage(t, st, "r1", 10, contract("c1", "B", "A", 5000, "2023-09-21T10:00:00+09:00")))
	assertRefused(t, url, "UPDATE contracts SET amount = 1", "DELETE FROM contracts",
		"UPDATE transaction_history SET amount = 1", "DELETE FROM transaction_history",
		"TRUNCATE contracts CASCADE")
}

// assertRefused runs each statement straight on the database and expects
// the database to refuse it.
func assertRefused(t *testing.T, url string, statements ...string) {
	t.Helper()
	db, err := sql.Open("pgx", url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range statements {
		if _, err := db.ExecContext(context.Background(), q); err == nil {
			t.Errorf("%s succeeded, want it refused", q)
		}
	}
}

func TestThrottleLocksAfterRepeatedFailures(t *testing.T) {
	st := newStore(t)
	ctx := context.Background()
	rule := store.ThrottleRule{MaxFailures: 3, Window: time.Minute, LockFor: 10 * time.Minute}
	for i := range 3 {
		if err := st.RecordFailure(ctx, "k", t0.Add(time.Duration(i)*time.Second), rule); err != nil {
			t.Fatal(err)
		}
	}
	until, err := st.LockedUntil(ctx, "k", t0.Add(3*time.Second))
	if err != nil || !until.Equal(t0.Add(2*time.Second+10*time.Minute)) {
		t.Errorf("locked until %v, %v; want ten minutes after the third failure", until, err)
	}
	if until, _ := st.LockedUntil(ctx, "k", t0.Add(11*time.Minute)); !until.IsZero() {
		t.Errorf("still locked at +11m: %v", until)
	}
}
