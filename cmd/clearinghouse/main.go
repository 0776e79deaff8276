// Command clearinghouse runs the clearing house of the data-usage-rights
// market: everything in one process for development (dev), or its parts
// separately for production (api, worker, migrate), plus the operators'
// tools (simulate).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	// The closing schedule runs in Asia/Tokyo: carry the zone database in
	// the binary so that it works on machines without one.
	_ "time/tzdata"
)

const usage = `clearinghouse runs the clearing house of the data-usage-rights market.

Usage:
  clearinghouse <command> [flags]

Commands:
  dev        everything in one process: embedded PostgreSQL and Temporal (with
             its Web UI), the worker and the API; --demo loads the seed example
  api        the HTTP API and portal (needs DATABASE_URL, TEMPORAL_ADDRESS)
  worker     the Temporal worker (needs DATABASE_URL, TEMPORAL_ADDRESS)
  migrate    apply database migrations (needs DATABASE_URL)
  simulate   submit generated contracts to a running clearing house, as the market
  reconcile  recompute balances from the history and check closings and ledger

Run "clearinghouse <command> --help" for a command's flags and environment.
`

type command struct {
	run func(ctx context.Context, args []string, stdout io.Writer) error
}

var commands = map[string]command{
	"dev":       {runDev},
	"api":       {runAPI},
	"worker":    {runWorker},
	"migrate":   {runMigrate},
	"simulate":  {runSimulate},
	"reconcile": {runReconcile},
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stdout, usage)
		return 0
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "unknown command %q\n\n%s", args[0], usage)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := cmd.run(ctx, args[1:], stdout)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "clearinghouse %s: %v\n", args[0], err)
		return 1
	}
	return 0
}

// newLogger makes the process's logger: JSON for machines in production,
// text for people in dev.
func newLogger(format string, w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: slog.LevelInfo}
	if format == "text" {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}

// envHelp lists the environment variables, for --help.
const envHelp = `
Environment:
  DATABASE_URL                 PostgreSQL URL (dev: a private cluster under the data folder)
  TEMPORAL_ADDRESS             Temporal frontend host:port (dev: an embedded server)
  TEMPORAL_NAMESPACE           Temporal namespace (default "default")
  CLEARING_HTTP_ADDR           API and portal address (default 127.0.0.1:8080)
  CLEARING_TEMPORAL_UI_ADDR    Temporal Web UI address in dev (default 127.0.0.1:8233)
  CLEARING_TEMPORAL_UI_URL     Web UI base URL for links from the portal
  CLEARING_DATA_DIR            dev data folder (default ./.data)
  CLEARING_MARKET_API_KEY      the market's bearer credential (dev: generated)
  CLEARING_BOOTSTRAP_OPERATOR  first operator's login id, created when no user exists
  CLEARING_BOOTSTRAP_PASSWORD  its password, also the demo users' (dev: generated)
  CLEARING_LOG_FORMAT          json or text (default json; dev: text)
  CLEARING_CLOSING_CRON        monthly closing time, cron in Japan time (default "0 2 1 * *")
  CLEARING_S3_BUCKET           keep PDFs in this S3 bucket (AWS settings from the environment);
                               unset: under the data folder's documents/
  CLEARING_SES_FROM            send mail through Amazon SES from this address; unset: outbox only
  CLEARING_METRICS_ADDR        where the worker serves /metrics (default 127.0.0.1:9464)
`

func newFlagSet(name, summary string, stdout io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stdout)
	fs.Usage = func() {
		fmt.Fprintf(stdout, "Usage: clearinghouse %s [flags]\n\n%s\n\nFlags:\n", name, summary)
		fs.PrintDefaults()
		fmt.Fprint(stdout, envHelp)
	}
	return fs
}
