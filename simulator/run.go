package simulator

import (
	"context"
	"fmt"
	"io"
	"sync"
	"time"
)

// Run is one simulation: batches to send and how.
type Run struct {
	Client    *Client
	RunID     string
	Contracts []Contract
	BatchSize int
	// Resend sends every n-th batch a second time (0: never), as a market
	// that lost an answer would.
	Resend      int
	Concurrency int
	Out         io.Writer
}

// Report sums up a run.
type Report struct {
	Batches     int
	Resent      int
	Contracts   int
	Stored      int
	Duplicate   int
	Conflicting int
	Parked      int
	Elapsed     time.Duration
}

// Execute sends every batch, waits until each is finished and adds up the
// outcome.
func (r Run) Execute(ctx context.Context) (Report, error) {
	start := time.Now()
	batches := r.split()
	jobs := make(chan int)
	results := make([]BatchStatus, len(batches))
	errs := make([]error, len(batches))
	var wg sync.WaitGroup
	for range max(r.Concurrency, 1) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				results[i], errs[i] = r.sendOne(ctx, i, batches[i])
			}
		}()
	}
	for i := range batches {
		jobs <- i
	}
	close(jobs)
	wg.Wait()

	rep := Report{Batches: len(batches), Contracts: len(r.Contracts), Elapsed: time.Since(start)}
	for i, st := range results {
		if errs[i] != nil {
			return rep, errs[i]
		}
		rep.add(st)
		if r.Resend > 0 && i%r.Resend == r.Resend-1 {
			rep.Resent++
		}
	}
	return rep, nil
}

func (r Run) split() [][]Contract {
	size := max(r.BatchSize, 1)
	var out [][]Contract
	for start := 0; start < len(r.Contracts); start += size {
		out = append(out, r.Contracts[start:min(start+size, len(r.Contracts))])
	}
	return out
}

func (r Run) sendOne(ctx context.Context, i int, batch []Contract) (BatchStatus, error) {
	id := fmt.Sprintf("%s-%06d", r.RunID, i+1)
	if _, _, err := r.Client.Submit(ctx, id, batch); err != nil {
		return BatchStatus{}, err
	}
	if r.Resend > 0 && i%r.Resend == r.Resend-1 {
		code, _, err := r.Client.Submit(ctx, id, batch)
		if err != nil {
			return BatchStatus{}, err
		}
		if r.Out != nil {
			fmt.Fprintf(r.Out, "re-sent %s: HTTP %d\n", id, code)
		}
	}
	return r.Client.WaitFinished(ctx, id)
}

func (rep *Report) add(st BatchStatus) {
	rep.Stored += st.Stored
	rep.Duplicate += st.Duplicate
	rep.Conflicting += st.Conflicting
	if st.Status == "parked" {
		rep.Parked++
	}
}

// String prints the report for people.
func (rep Report) String() string {
	rate := float64(rep.Contracts) / rep.Elapsed.Seconds()
	return fmt.Sprintf("batches %d (re-sent %d), contracts %d: stored %d, duplicate %d, "+
		"conflicting %d, parked batches %d; %.1fs, %.0f contracts/s",
		rep.Batches, rep.Resent, rep.Contracts, rep.Stored, rep.Duplicate, rep.Conflicting,
		rep.Parked, rep.Elapsed.Seconds(), rate)
}
