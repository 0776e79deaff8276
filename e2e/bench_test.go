package e2e

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"clearinghouse/models"
	"clearinghouse/simulator"
)

// benchSize reads a size from the environment, for longer runs on request.
func benchSize(name string, fallback int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return fallback
}

// BenchmarkIngestion measures contracts per second end to end (HTTP, staging,
// Temporal, activities) beside a raw COPY and a raw multi-row upsert of the
// same number of rows into the same tables of the same database, and the
// speed of re-sending batches that store nothing. It prints the figures and
// the ratios; it never fails on speed.
//
//	go test -run '^$' -bench Ingestion -benchtime 1x ./e2e
//
// CLEARING_BENCH_CONTRACTS sets the size (default 200,000).
func BenchmarkIngestion(b *testing.B) {
	n := benchSize("CLEARING_BENCH_CONTRACTS", 200_000)
	for range b.N {
		runIngestionBench(b, n)
	}
}

func runIngestionBench(b *testing.B, n int) {
	s := newBenchStack(b)
	brokers := simulator.BrokerIDs(100)
	s.addBrokers(brokers)
	plan := simulator.Plan{Brokers: brokers, Contracts: n, Months: 3, Seed: 11, Prefix: "E2E"}
	plan.FirstMonth = models.Month{Year: 2023, Month: 9}
	contracts := simulator.Generate(plan)

	const batchSize = 20_000
	e2e := s.timeBatches(b, "bench", contracts, batchSize, http.StatusAccepted)
	resend := s.timeBatches(b, "again", contracts, batchSize, http.StatusAccepted)
	plan.Prefix = "COPY"
	rawCopy := s.timeCopy(b, simulator.Generate(plan), batchSize)
	plan.Prefix = "UPSERT"
	rawUpsert := s.timeUpsert(b, simulator.Generate(plan), 1000)

	if stored := s.count("SELECT count(*) FROM contracts WHERE request_id LIKE 'again-%'"); stored != 0 {
		b.Errorf("re-sent batches stored %d contracts, want 0", stored)
	}
	rate := func(d time.Duration) float64 { return float64(n) / d.Seconds() }
	fmt.Printf("\ningestion of %d contracts (batches of %d, chunks of 2,000), one database:\n", n, batchSize)
	line := func(what string, d time.Duration) {
		fmt.Printf("  %-41s %9.0f contracts/s  (%v)\n", what, rate(d), d.Round(time.Millisecond))
	}
	line("end to end (HTTP, Temporal, activities)", e2e)
	line("raw COPY into contracts", rawCopy)
	line("raw multi-row upsert (1,000 rows each)", rawUpsert)
	line("re-sending the same contracts (0 stored)", resend)
	fmt.Printf("  ratio end to end / raw COPY    %.2f (goal >= 0.5)\n", rawCopy.Seconds()/e2e.Seconds())
	fmt.Printf("  ratio end to end / raw upsert  %.2f\n", rawUpsert.Seconds()/e2e.Seconds())
	b.ReportMetric(rate(e2e), "e2e-contracts/s")
	b.ReportMetric(rate(rawCopy), "copy-contracts/s")
	b.ReportMetric(rawCopy.Seconds()/e2e.Seconds(), "e2e/copy")
}

// newBenchStack is a stack for benchmarks, with production-sized chunks.
func newBenchStack(b *testing.B) *stack {
	b.Helper()
	return newStackFor(b, stackOptions{ChunkSize: 2000})
}

func (s *stack) addBrokers(ids []string) {
	values := make([]string, len(ids))
	for i, id := range ids {
		values[i] = fmt.Sprintf("('%s', 'Broker %s', 'broker', true, now())", id, id)
	}
	s.exec("INSERT INTO organizations (id, name, kind, active, created_at) VALUES " +
		strings.Join(values, ","))
}

// timeBatches submits contracts in batches, two at a time as a market with
// a couple of senders would, and waits until every batch is completed.
func (s *stack) timeBatches(b *testing.B, tag string, cs []simulator.Contract, size, want int) time.Duration {
	b.Helper()
	m := s.market()
	start := time.Now()
	var wg sync.WaitGroup
	sem := make(chan struct{}, 2)
	var ids []string
	for i := 0; i < len(cs); i += size {
		id := fmt.Sprintf("%s-%04d", tag, i/size)
		ids = append(ids, id)
		batch := cs[i:min(i+size, len(cs))]
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			resp := m.post("/api/v1/contract-batches", map[string]any{"request_id": id, "contracts": batch})
			if resp.Status != want {
				b.Errorf("batch %s: HTTP %d %.200s", id, resp.Status, resp.Body)
			}
		}()
	}
	wg.Wait()
	for _, id := range ids {
		s.waitBatch(id, "completed")
	}
	return time.Since(start)
}

func (s *stack) pgx(b *testing.B) *pgx.Conn {
	b.Helper()
	conn, err := pgx.Connect(context.Background(), s.DBURL)
	if err != nil {
		b.Fatalf("connecting: %v", err)
	}
	return conn
}

func contractRow(c simulator.Contract, requestID string) []any {
	at, _ := time.Parse(time.RFC3339, c.TradedAt)
	return []any{c.ContractID, c.BuyerID, c.SellerID, c.ItemCode, c.Amount, at,
		models.MonthOf(at).Date(), requestID, false, time.Now()}
}

var contractColumns = []string{"contract_id", "buyer_id", "seller_id", "item_code", "amount",
	"traded_at", "trade_month", "request_id", "late", "received_at"}

// timeCopy loads contracts with COPY, one transaction per batch.
func (s *stack) timeCopy(b *testing.B, contracts []simulator.Contract, size int) time.Duration {
	b.Helper()
	ctx := context.Background()
	conn := s.pgx(b)
	defer conn.Close(ctx)
	start := time.Now()
	for i := 0; i < len(contracts); i += size {
		batch := contracts[i:min(i+size, len(contracts))]
		rows := make([][]any, len(batch))
		for j, c := range batch {
			rows[j] = contractRow(c, "raw-copy")
		}
		if _, err := conn.CopyFrom(ctx, pgx.Identifier{"contracts"}, contractColumns,
			pgx.CopyFromRows(rows)); err != nil {
			b.Fatalf("copy: %v", err)
		}
	}
	return time.Since(start)
}

// timeUpsert loads contracts with multi-row INSERT ... ON CONFLICT DO NOTHING.
func (s *stack) timeUpsert(b *testing.B, contracts []simulator.Contract, size int) time.Duration {
	b.Helper()
	ctx := context.Background()
	conn := s.pgx(b)
	defer conn.Close(ctx)
	start := time.Now()
	for i := 0; i < len(contracts); i += size {
		batch := contracts[i:min(i+size, len(contracts))]
		var sb strings.Builder
		sb.WriteString("INSERT INTO contracts (" + strings.Join(contractColumns, ",") + ") VALUES ")
		args := make([]any, 0, len(batch)*len(contractColumns))
		for j, c := range batch {
			if j > 0 {
				sb.WriteString(",")
			}
			sb.WriteString("(")
			for k := range contractColumns {
				if k > 0 {
					sb.WriteString(",")
				}
				fmt.Fprintf(&sb, "$%d", len(args)+k+1)
			}
			sb.WriteString(")")
			args = append(args, contractRow(c, "raw-upsert")...)
		}
		sb.WriteString(" ON CONFLICT (contract_id) DO NOTHING")
		if _, err := conn.Exec(ctx, sb.String(), args...); err != nil {
			b.Fatalf("upsert: %v", err)
		}
	}
	return time.Since(start)
}
