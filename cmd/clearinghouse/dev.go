package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"go.temporal.io/api/enums/v1"

	"clearinghouse/app"
	"clearinghouse/config"
	"clearinghouse/embedded/pgcluster"
	"clearinghouse/embedded/temporalserver"
	"clearinghouse/store"
	"clearinghouse/workflows"
)

// devDatabase is the database dev creates in its private cluster.
const devDatabase = "clearinghouse"

// devStack is what dev started, so that it can stop it in reverse order.
type devStack struct {
	log      *slog.Logger
	cleanups []func() error
}

func (d *devStack) defer_(name string, f func() error) {
	d.cleanups = append(d.cleanups, func() error {
		if err := f(); err != nil {
			return fmt.Errorf("stopping %s: %w", name, err)
		}
		return nil
	})
}

func (d *devStack) stop() error {
	var errs []error
	for i := len(d.cleanups) - 1; i >= 0; i-- {
		errs = append(errs, d.cleanups[i]())
	}
	return errors.Join(errs...)
}

func runDev(ctx context.Context, args []string, stdout io.Writer) error {
	fs := newFlagSet("dev", "Run everything in one process with no setup: a private PostgreSQL\n"+
		"cluster and an embedded Temporal server (with its Web UI) under the data folder,\n"+
		"the worker and the API. Ctrl-C stops it; the next start finds the data again.", stdout)
	demo := fs.Bool("demo", false, "load the seed's example organisations A, B, C and their users")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg := config.Load()
	if os.Getenv("CLEARING_LOG_FORMAT") == "" {
		cfg.LogFormat = "text"
	}
	if err := cfg.Validate(config.Needs{HTTP: true}); err != nil {
		return err
	}
	log := newLogger(cfg.LogFormat, os.Stderr)
	stack := &devStack{log: log}
	err := startDev(ctx, &cfg, *demo, stack, stdout)
	if err == nil {
		<-ctx.Done()
		fmt.Fprintln(stdout, "\nstopping…")
	}
	return errors.Join(err, stack.stop())
}

func startDev(ctx context.Context, cfg *config.Config, demo bool, stack *devStack, stdout io.Writer) error {
	dataDir, err := filepath.Abs(cfg.DataDir)
	if err != nil {
		return fmt.Errorf("resolving data folder: %w", err)
	}
	cfg.DataDir = dataDir
	// Others may pass through the folder but not list it: the private
	// PostgreSQL server runs as its own unprivileged user when we are root,
	// and the secrets inside are readable by their owner only.
	if err := os.MkdirAll(dataDir, 0o711); err != nil {
		return fmt.Errorf("creating data folder: %w", err)
	}
	if err := os.Chmod(dataDir, 0o711); err != nil {
		return fmt.Errorf("opening data folder to the database user: %w", err)
	}
	generated, err := loadOrCreateCredentials(cfg)
	if err != nil {
		return err
	}
	if err := startDevDatabase(ctx, cfg, stack); err != nil {
		return err
	}
	uiURL, err := startDevTemporal(ctx, cfg, stack)
	if err != nil {
		return err
	}
	apiAddr, err := startDevServices(ctx, cfg, demo, stack)
	if err != nil {
		return err
	}
	printBanner(stdout, *cfg, apiAddr, uiURL, generated, demo)
	return nil
}

func startDevDatabase(ctx context.Context, cfg *config.Config, stack *devStack) error {
	if cfg.DatabaseURL == "" {
		cluster, err := pgcluster.Start(ctx, pgcluster.Options{
			Dir: filepath.Join(cfg.DataDir, "postgres"), Logger: stack.log,
		})
		if err != nil {
			return err
		}
		stack.defer_("PostgreSQL", cluster.Stop)
		if err := cluster.CreateDatabase(ctx, devDatabase); err != nil {
			return err
		}
		cfg.DatabaseURL = cluster.URL(devDatabase)
		if err := saveDatabaseURL(cfg.DataDir, cfg.DatabaseURL); err != nil {
			return err
		}
	}
	return store.Migrate(ctx, cfg.DatabaseURL, stack.log)
}

// devFrontendAddr is Temporal's usual port, so that the temporal CLI finds
// the embedded server without flags; another is picked if it is taken.
const devFrontendAddr = "127.0.0.1:7233"

func startDevTemporal(ctx context.Context, cfg *config.Config, stack *devStack) (string, error) {
	if cfg.TemporalAddress != "" {
		return cfg.TemporalUIURL, nil
	}
	attrs := map[string]enums.IndexedValueType{}
	for _, name := range workflows.SearchAttributeNames {
		attrs[name] = enums.INDEXED_VALUE_TYPE_KEYWORD
	}
	opts := temporalserver.Options{
		DataDir: filepath.Join(cfg.DataDir, "temporal"), FrontendAddr: devFrontendAddr,
		UIAddr: cfg.TemporalUIAddr, Namespace: cfg.TemporalNamespace,
		SearchAttributes: attrs, Logger: stack.log,
	}
	srv, err := temporalserver.Start(ctx, opts)
	if err != nil {
		stack.log.Warn("Temporal port taken, picking another", "addr", devFrontendAddr, "error", err)
		opts.FrontendAddr = "127.0.0.1:0"
		srv, err = temporalserver.Start(ctx, opts)
	}
	if err != nil {
		return "", fmt.Errorf("starting embedded Temporal: %w", err)
	}
	stack.defer_("Temporal", srv.Stop)
	cfg.TemporalAddress = srv.FrontendAddress()
	if cfg.TemporalUIURL == "" && srv.UIAddress() != "" {
		cfg.TemporalUIURL = "http://" + srv.UIAddress()
	}
	return cfg.TemporalUIURL, nil
}

func startDevServices(ctx context.Context, cfg *config.Config, demo bool, stack *devStack) (string, error) {
	uiURL := cfg.TemporalUIURL
	st, err := store.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return "", err
	}
	stack.defer_("database pool", st.Close)
	seed := app.Seed{Operator: cfg.BootstrapOperator, Password: cfg.BootstrapPassword, Demo: demo}
	if _, err := app.Bootstrap(ctx, st, seed, time.Now()); err != nil {
		return "", fmt.Errorf("creating accounts: %w", err)
	}
	tc, err := app.DialTemporal(ctx, cfg.TemporalAddress, cfg.TemporalNamespace, stack.log)
	if err != nil {
		return "", err
	}
	stack.defer_("Temporal client", func() error { tc.Close(); return nil })
	reg := app.NewRegistry()
	w, err := app.StartWorker(st, tc, app.WorkerOptions{Log: stack.log, Registry: reg})
	if err != nil {
		return "", err
	}
	stack.defer_("worker", func() error { w.Stop(); return nil })
	if err := app.EnsureClosingSchedule(ctx, tc, cfg.ClosingCron, ""); err != nil {
		return "", err
	}
	go app.SweepBatches(ctx, st, tc, "", stack.log)
	docs, err := app.OpenDocuments(ctx, cfg.S3Bucket, cfg.DataDir)
	if err != nil {
		return "", err
	}
	server := app.NewAPI(st, tc, stack.log, app.APIOptions{
		MarketAPIKey: cfg.MarketAPIKey, TemporalUIURL: uiURL, Namespace: cfg.TemporalNamespace,
		Documents: docs, Registry: reg,
		// The outbox is dev's only mailbox: one-time codes are read there.
		ShowOneTimeCodes: true,
	})
	httpServer, err := app.ServeHTTP(cfg.HTTPAddr, server.Handler())
	if err != nil {
		return "", err
	}
	stack.defer_("HTTP server", func() error { return shutdownHTTP(httpServer) })
	return httpServer.Addr(), nil
}

func printBanner(w io.Writer, cfg config.Config, apiAddr, uiURL string, generated, demo bool) {
	fmt.Fprintf(w, "\nClearing house is running (data in %s)\n\n", cfg.DataDir)
	fmt.Fprintf(w, "  Portal and API   http://%s/\n", apiAddr)
	fmt.Fprintf(w, "  Temporal Web UI  %s\n", uiURL)
	fmt.Fprintf(w, "  Temporal         %s (namespace %s)\n\n", cfg.TemporalAddress, cfg.TemporalNamespace)
	saved := filepath.Join(cfg.DataDir, credentialsFile)
	fmt.Fprintf(w, "  Operator login   %s\n", cfg.BootstrapOperator)
	if generated {
		// Generated secrets are shown once; afterwards they are in the
		// owner-only credentials file.
		fmt.Fprintf(w, "  Password         %s\n", cfg.BootstrapPassword)
		fmt.Fprintf(w, "  Market API key   %s\n", cfg.MarketAPIKey)
		fmt.Fprintf(w, "  (kept in %s, readable by you only)\n", saved)
	} else {
		fmt.Fprintf(w, "  Password and market API key: as set, or in %s\n", saved)
	}
	if demo {
		fmt.Fprintf(w, "  Demo users       broker-a, broker-b, broker-c, admin (operator's password)\n")
	}
	simulate := "go run ./cmd/clearinghouse simulate --example"
	if apiAddr != config.DefaultHTTPAddr {
		simulate += " --url http://" + apiAddr
	}
	fmt.Fprintf(w, "\nSubmit the seed example:  %s\n", simulate)
	fmt.Fprintf(w, "Stop with Ctrl-C.\n\n")
}
