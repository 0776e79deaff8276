package e2e

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"clearinghouse/models"
	"clearinghouse/simulator"
)

// BenchmarkClosing closes a month of 1,000,000 contracts among 1,000 brokers
// through the whole workflow (API, Temporal, activity, one transaction) and
// runs the same aggregation as plain SQL in the same run; then it times a
// broker's ledger query beside the month's history query. It prints the
// figures and ratios; it never fails on speed.
//
//	go test -run '^$' -bench Closing -benchtime 1x -timeout 60m ./e2e
//
// CLEARING_BENCH_MONTH_CONTRACTS sets the month's size (default 1,000,000);
// CLEARING_BENCH_OTHER_CONTRACTS adds contracts in the twelve months before
// (e.g. 9,000,000 for a 10,000,000-row history).
func BenchmarkClosing(b *testing.B) {
	perMonth := benchSize("CLEARING_BENCH_MONTH_CONTRACTS", 1_000_000)
	others := benchSize("CLEARING_BENCH_OTHER_CONTRACTS", 1)
	for range b.N {
		runClosingBench(b, perMonth, others)
	}
}

func runClosingBench(b *testing.B, perMonth, others int) {
	s := newBenchStack(b)
	brokers := simulator.BrokerIDs(1000)
	s.addBrokers(brokers)
	target := models.Month{Year: 2024, Month: 9}
	loadStart := time.Now()
	s.copyGenerated(b, brokers, target.Prev(), 12, others, "OLD")
	s.copyGenerated(b, brokers, target, 1, perMonth, "MON")
	s.exec("ANALYZE")
	load := time.Since(loadStart)

	raw1 := s.timeRawAggregation(b, target)
	s.clock.now = time.Date(2024, 10, 2, 0, 0, 0, 0, time.UTC)
	op := s.login(testOperator, testPassword)
	start := time.Now()
	resp := op.post("/api/v1/closings", map[string]string{"month": target.String()})
	if resp.Status != http.StatusAccepted {
		b.Fatalf("close: HTTP %d %s", resp.Status, resp.Body)
	}
	s.waitClosedRow(b, target, 30*time.Minute)
	workflow := time.Since(start)
	st := s.waitClosedFor(op, target.String(), time.Minute)
	raw2 := s.timeRawAggregation(b, target)
	raw := min(raw1, raw2)

	ledger, month := s.timeLedger(b, brokers, target)
	total := s.count("SELECT count(*) FROM contracts")
	fmt.Printf("\nclosing %s: %d contracts among %d brokers (history %d contracts, loaded in %v)\n",
		target, st.Contracts, st.Brokers, total, load.Round(time.Second))
	fmt.Printf("  whole workflow (API to closed)   %v\n", workflow.Round(time.Millisecond))
	fmt.Printf("  same aggregation as raw SQL      %v (runs: %v, %v)\n", raw.Round(time.Millisecond),
		raw1.Round(time.Millisecond), raw2.Round(time.Millisecond))
	fmt.Printf("  ratio workflow / raw SQL         %.2f (goal <= 1.1)\n", workflow.Seconds()/raw.Seconds())
	fmt.Printf("  ledger query for one broker      %v per query (36 months of entries)\n", ledger)
	fmt.Printf("  month history query (100 rows)   %v per query\n", month)
	fmt.Printf("  ratio ledger / month query       %.2f (goal <= 1.5)\n", ledger.Seconds()/month.Seconds())
	b.ReportMetric(workflow.Seconds()/raw.Seconds(), "workflow/raw")
	b.ReportMetric(ledger.Seconds()/month.Seconds(), "ledger/month")
}

// copyGenerated loads n generated contracts spread over months starting at
// first, with COPY, straight into the contracts table.
func (s *stack) copyGenerated(b *testing.B, brokers []string, first models.Month, months, n int, tag string) {
	b.Helper()
	ctx := context.Background()
	conn := s.pgx(b)
	defer conn.Close(ctx)
	if months > 1 {
		for range months - 1 {
			first = first.Prev()
		}
	}
	rng := rand.New(rand.NewPCG(uint64(n), 7))
	span := first.Start().AddDate(0, months, 0).Sub(first.Start())
	i := 0
	src := pgx.CopyFromFunc(func() ([]any, error) {
		if i >= n {
			return nil, nil
		}
		i++
		buyer := rng.IntN(len(brokers))
		seller := (buyer + 1 + rng.IntN(len(brokers)-1)) % len(brokers)
		at := first.Start().Add(time.Duration(rng.Int64N(int64(span))))
		return []any{fmt.Sprintf("%s-%09d", tag, i), brokers[buyer], brokers[seller], "ITEM",
			int64(1+rng.IntN(2000)) * 1000, at, models.MonthOf(at).Date(), "bench", false,
			time.Now()}, nil
	})
	if _, err := conn.CopyFrom(ctx, pgx.Identifier{"contracts"}, contractColumns, src); err != nil {
		b.Fatalf("loading contracts: %v", err)
	}
}

// timeRawAggregation runs the closing's aggregation alone, as plain SQL.
func (s *stack) timeRawAggregation(b *testing.B, m models.Month) time.Duration {
	b.Helper()
	start := time.Now()
	rows, err := s.db.QueryContext(context.Background(), `
		WITH sold AS (
		    SELECT seller_id AS broker_id, sum(amount)::bigint AS sales, count(*) AS n
		    FROM contracts WHERE trade_month = $1 GROUP BY seller_id
		), bought AS (
		    SELECT buyer_id AS broker_id, sum(amount)::bigint AS purchases, count(*) AS n
		    FROM contracts WHERE trade_month = $1 GROUP BY buyer_id
		)
		SELECT broker_id, coalesce(sold.sales, 0), coalesce(bought.purchases, 0),
		       coalesce(sold.n, 0) + coalesce(bought.n, 0), coalesce(sold.n, 0)
		FROM sold FULL JOIN bought USING (broker_id)`, m.Date())
	if err != nil {
		b.Fatalf("aggregating: %v", err)
	}
	n := 0
	for rows.Next() {
		n++
	}
	rows.Close()
	return time.Since(start)
}

// waitClosedRow waits until the month's closing is committed, with a
// query light enough not to slow the closing it waits for (the API's
// status also asks Temporal).
func (s *stack) waitClosedRow(b *testing.B, m models.Month, limit time.Duration) {
	b.Helper()
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		var closed bool
		err := s.db.QueryRowContext(context.Background(),
			`SELECT EXISTS (SELECT 1 FROM month_closings WHERE month = $1)`, m.Date()).Scan(&closed)
		if err != nil {
			b.Fatalf("reading closings: %v", err)
		}
		if closed {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func (s *stack) waitClosedFor(op *caller, month string, limit time.Duration) closingStatus {
	deadline := time.Now().Add(limit)
	for {
		var st closingStatus
		op.get("/api/v1/closings/"+month).decode(s.t, &st)
		if st.Status == "closed" || st.Status == "failed" || time.Now().After(deadline) {
			return st
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// timeLedger gives every broker 36 months of ledger entries,
// then times the ledger query and the month's history query, each over
// many brokers.
func (s *stack) timeLedger(b *testing.B, brokers []string, m models.Month) (ledger, month time.Duration) {
	b.Helper()
	s.exec(`INSERT INTO ledger_entries (broker_id, kind, amount, entry_date, description, reason,
	            created_by, idempotency_key, posted_at)
	        SELECT o.id, 'collection', 1000, date '2021-01-01' + g * 30, '清算 払い込み', 'bench',
	               'bench', 'bench:' || o.id || ':' || g, now()
	        FROM organizations o, generate_series(1, 35) g WHERE o.kind = 'broker'`)
	ctx := context.Background()
	const rounds = 300
	start := time.Now()
	for i := range rounds {
		if _, _, err := s.Store.Ledger(ctx, brokers[i%len(brokers)]); err != nil {
			b.Fatal(err)
		}
	}
	ledger = time.Since(start) / rounds
	start = time.Now()
	for i := range rounds {
		broker := brokers[i%len(brokers)]
		if _, err := s.Store.Summary(ctx, broker, m); err != nil {
			b.Fatal(err)
		}
		if _, err := s.Store.History(ctx, broker, m, 100, 0); err != nil {
			b.Fatal(err)
		}
	}
	return ledger, time.Since(start) / rounds
}
