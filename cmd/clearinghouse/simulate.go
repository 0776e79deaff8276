package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"clearinghouse/config"
	"clearinghouse/models"
	"clearinghouse/simulator"
)

func runSimulate(ctx context.Context, args []string, stdout io.Writer) error {
	fs := newFlagSet("simulate", "Submit contracts to a running clearing house as the market does.\n"+
		"With --example, the basic design's September 2023 example; otherwise generated trades.\n"+
		"Credentials default to the environment, then to the dev data folder's credentials.",
		stdout)
	cfg := config.Load()
	url := fs.String("url", "http://"+cfg.HTTPAddr, "clearing house base URL")
	key := fs.String("key", "", "market API key (default: CLEARING_MARKET_API_KEY or the dev credentials)")
	example := fs.Bool("example", false, "submit the seed example (A +2,000, B -5,000, C +3,000 in 2023-09)")
	brokers := fs.Int("brokers", 10, "number of generated brokers (registered if missing)")
	contracts := fs.Int("contracts", 10000, "number of generated contracts")
	months := fs.Int("months", 3, "months the trades spread over")
	from := fs.String("from", "2023-09", "first month, YYYY-MM")
	batchSize := fs.Int("batch-size", 2000, "contracts per batch")
	resend := fs.Int("resend", 0, "re-send every n-th batch (0: never)")
	concurrency := fs.Int("concurrency", 2, "batches in flight at once")
	seed := fs.Uint64("seed", 1, "random seed: the same seed generates the same contracts")
	runID := fs.String("run-id", "", "request and contract id prefix (default: sim-<seed>)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	creds := devCredentialsOrEnv(cfg)
	if *key == "" {
		*key = creds.MarketAPIKey
	}
	if *key == "" {
		return errors.New("no market key: pass --key or set CLEARING_MARKET_API_KEY")
	}
	client := &simulator.Client{BaseURL: *url, MarketKey: *key,
		HTTP: &http.Client{Timeout: 2 * time.Minute}}
	if *example {
		return submitExample(ctx, client, stdout)
	}
	first, err := models.ParseMonth(*from)
	if err != nil {
		return fmt.Errorf("--from: %w", err)
	}
	if *brokers < 2 || *contracts < 1 {
		return errors.New("--brokers must be at least 2 and --contracts at least 1")
	}
	if *runID == "" {
		*runID = fmt.Sprintf("sim-%d", *seed)
	}
	ids := simulator.BrokerIDs(*brokers)
	err = simulator.RegisterBrokers(ctx, *url, creds.BootstrapOperator, creds.BootstrapPassword, ids)
	if err != nil {
		return fmt.Errorf("registering brokers: %w", err)
	}
	plan := simulator.Plan{Brokers: ids, Contracts: *contracts, FirstMonth: first,
		Months: *months, Seed: *seed, Prefix: *runID}
	run := simulator.Run{Client: client, RunID: *runID, Contracts: simulator.Generate(plan),
		BatchSize: *batchSize, Resend: *resend, Concurrency: *concurrency, Out: stdout}
	rep, err := run.Execute(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, rep)
	return nil
}

func submitExample(ctx context.Context, c *simulator.Client, stdout io.Writer) error {
	const requestID = "seed-example-2023-09"
	code, _, err := c.Submit(ctx, requestID, simulator.SeedExample())
	if err != nil {
		return err
	}
	st, err := c.WaitFinished(ctx, requestID)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "seed example: HTTP %d, batch %s %s: stored %d, duplicate %d, conflicting %d\n",
		code, requestID, st.Status, st.Stored, st.Duplicate, st.Conflicting)
	return nil
}
