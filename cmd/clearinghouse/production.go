package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"clearinghouse/app"
	"clearinghouse/config"
	"clearinghouse/store"
)

// shutdownGrace is how long requests in flight get to finish on shutdown.
const shutdownGrace = 20 * time.Second

func runMigrate(ctx context.Context, args []string, stdout io.Writer) error {
	fs := newFlagSet("migrate", "Apply the pending database migrations and exit.", stdout)
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg := config.Load()
	if err := cfg.Validate(config.Needs{Database: true}); err != nil {
		return err
	}
	return store.Migrate(ctx, cfg.DatabaseURL, newLogger(cfg.LogFormat, os.Stderr))
}

func runAPI(ctx context.Context, args []string, stdout io.Writer) error {
	fs := newFlagSet("api", "Serve the HTTP API and the portal.", stdout)
	secure := fs.Bool("secure-cookies", true, "mark the session cookie Secure (serve over HTTPS)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg := config.Load()
	needs := config.Needs{Database: true, Temporal: true, HTTP: true, Secrets: true}
	if err := cfg.Validate(needs); err != nil {
		return err
	}
	log := newLogger(cfg.LogFormat, os.Stderr)
	st, err := store.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer st.Close()
	seed := app.Seed{Operator: cfg.BootstrapOperator, Password: cfg.BootstrapPassword}
	if _, err := app.Bootstrap(ctx, st, seed, time.Now()); err != nil {
		return fmt.Errorf("creating first operator: %w", err)
	}
	tc, err := app.DialTemporal(ctx, cfg.TemporalAddress, cfg.TemporalNamespace, log)
	if err != nil {
		return err
	}
	defer tc.Close()

	docs, err := app.OpenDocuments(ctx, cfg.S3Bucket, cfg.DataDir)
	if err != nil {
		return err
	}
	server := app.NewAPI(st, tc, log, app.APIOptions{
		MarketAPIKey: cfg.MarketAPIKey, SecureCookies: *secure,
		TemporalUIURL: cfg.TemporalUIURL, Namespace: cfg.TemporalNamespace, Documents: docs,
	})
	httpServer, err := app.ServeHTTP(cfg.HTTPAddr, server.Handler())
	if err != nil {
		return err
	}
	log.Info("API listening", "addr", httpServer.Addr())
	<-ctx.Done()
	return shutdownHTTP(httpServer)
}

func shutdownHTTP(s *app.HTTPServer) error {
	ctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	return s.Shutdown(ctx)
}

func runWorker(ctx context.Context, args []string, stdout io.Writer) error {
	fs := newFlagSet("worker", "Run the Temporal worker: workflows and activities.", stdout)
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg := config.Load()
	if err := cfg.Validate(config.Needs{Database: true, Temporal: true}); err != nil {
		return err
	}
	log := newLogger(cfg.LogFormat, os.Stderr)
	st, err := store.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer st.Close()
	tc, err := app.DialTemporal(ctx, cfg.TemporalAddress, cfg.TemporalNamespace, log)
	if err != nil {
		return err
	}
	defer tc.Close()
	mailer, err := app.OpenMailer(ctx, cfg.SESFrom)
	if err != nil {
		return err
	}
	reg := app.NewRegistry()
	opts := app.WorkerOptions{Log: log, Mailer: mailer, Registry: reg}
	w, err := app.StartWorker(st, tc, opts)
	if err != nil {
		return err
	}
	defer w.Stop()
	metrics, err := app.ServeHTTP(cfg.MetricsAddr, promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	if err != nil {
		return err
	}
	defer shutdownHTTP(metrics)
	if err := app.EnsureClosingSchedule(ctx, tc, cfg.ClosingCron, ""); err != nil {
		return err
	}
	go app.SweepBatches(ctx, st, tc, "", log)
	log.Info("worker running", "closing_cron", cfg.ClosingCron, "metrics", metrics.Addr())
	<-ctx.Done()
	return nil
}
