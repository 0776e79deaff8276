package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"clearinghouse/config"
	"clearinghouse/store"
)

// errMismatch makes reconcile exit non-zero after printing its report.
var errMismatch = errors.New("reconciliation found mismatches")

func runReconcile(ctx context.Context, args []string, stdout io.Writer) error {
	fs := newFlagSet("reconcile", "Recompute balances from the transaction history and compare them\n"+
		"with what was closed and posted; check zero sums and the ledger. Exits non-zero\n"+
		"on any mismatch. Uses DATABASE_URL, or the running dev installation's database.", stdout)
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg := config.Load()
	url := cfg.DatabaseURL
	if url == "" {
		url = devCredentialsOrEnv(cfg).DatabaseURL
	}
	if url == "" {
		return errors.New("DATABASE_URL is required (or run it beside a running dev)")
	}
	st, err := store.Open(ctx, url)
	if err != nil {
		return err
	}
	defer st.Close()
	return reconcile(ctx, st, stdout)
}

func reconcile(ctx context.Context, st *store.Store, w io.Writer) error {
	checks, err := st.Reconcile(ctx)
	if err != nil {
		return err
	}
	failed := 0
	for _, c := range checks {
		if len(c.Problems) == 0 {
			fmt.Fprintf(w, "ok        %s\n", c.Name)
			continue
		}
		failed++
		fmt.Fprintf(w, "MISMATCH  %s\n", c.Name)
		for _, p := range c.Problems {
			fmt.Fprintf(w, "          - %s\n", p)
		}
	}
	pending, err := st.PendingLateContracts(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "info      %d late contract(s) wait for the next closing's adjustment\n", pending)
	if failed > 0 {
		fmt.Fprintf(w, "%d of %d checks found mismatches\n", failed, len(checks))
		return errMismatch
	}
	fmt.Fprintf(w, "all %d checks hold\n", len(checks))
	return nil
}
