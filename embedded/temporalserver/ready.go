package temporalserver

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"go.temporal.io/api/operatorservice/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"
)

const (
	// pollInterval is the pause between two readiness checks; short, since a check is cheap.
	pollInterval = 100 * time.Millisecond
	// attemptTimeout bounds one readiness check so that a hung call is retried.
	attemptTimeout = 2 * time.Second
)

// waitUntil runs check until it succeeds or ctx ends, and then reports the last failure.
func waitUntil(ctx context.Context, check func(context.Context) error) error {
	ticker := time.NewTicker(pollInterval)
	defer ticker.Stop()

	for {
		attemptCtx, cancel := context.WithTimeout(ctx, attemptTimeout)
		err := check(attemptCtx)
		cancel()
		if err == nil {
			return nil
		}

		select {
		case <-ctx.Done():
			return fmt.Errorf("giving up: %w (last check: %w)", ctx.Err(), err)
		case <-ticker.C:
		}
	}
}

// waitForFrontend returns once the frontend answers and shows the namespace with all its
// search attributes, both in its metadata and to the visibility query parser.
func waitForFrontend(ctx context.Context, opts Options, addr string) error {
	var c client.Client
	dial := func(ctx context.Context) error {
		var err error
		c, err = client.DialContext(ctx, client.Options{
			HostPort:  addr,
			Namespace: opts.Namespace,
			Logger:    sdklog.NewStructuredLogger(warnAndAbove(opts.Logger)),
		})
		return err
	}
	if err := waitUntil(ctx, dial); err != nil {
		return fmt.Errorf("connecting to frontend: %w", err)
	}
	defer c.Close()

	probe := namespaceProbe{client: c, namespace: opts.Namespace, attrs: opts.SearchAttributes}
	if err := waitUntil(ctx, probe.check); err != nil {
		return fmt.Errorf("waiting for namespace %q: %w", opts.Namespace, err)
	}
	return nil
}

// namespaceProbe checks that a namespace and its search attributes are usable.
type namespaceProbe struct {
	client    client.Client
	namespace string
	attrs     attrTypes
}

func (p namespaceProbe) check(ctx context.Context) error {
	if _, err := p.client.CheckHealth(ctx, &client.CheckHealthRequest{}); err != nil {
		return fmt.Errorf("checking frontend health: %w", err)
	}
	if err := p.checkAttributes(ctx); err != nil {
		return err
	}
	if len(p.attrs) == 0 {
		return nil
	}

	// Counting runs the query through the same parser as any visibility query, so it fails
	// while the frontend does not know one of the attributes yet.
	request := &workflowservice.CountWorkflowExecutionsRequest{
		Namespace: p.namespace,
		Query:     p.query(),
	}
	if _, err := p.client.CountWorkflow(ctx, request); err != nil {
		return fmt.Errorf("querying search attributes: %w", err)
	}
	return nil
}

func (p namespaceProbe) checkAttributes(ctx context.Context) error {
	request := &operatorservice.ListSearchAttributesRequest{Namespace: p.namespace}
	resp, err := p.client.OperatorService().ListSearchAttributes(ctx, request)
	if err != nil {
		return fmt.Errorf("listing search attributes: %w", err)
	}

	have := resp.GetCustomAttributes()
	for name, want := range p.attrs {
		if got, ok := have[name]; !ok || got != want {
			return fmt.Errorf("checking search attribute %q: got %s, want %s", name, got, want)
		}
	}
	return nil
}

// query names every attribute once; "IS NULL" works whatever the attribute's type.
func (p namespaceProbe) query() string {
	terms := make([]string, 0, len(p.attrs))
	for _, name := range slices.Sorted(maps.Keys(p.attrs)) {
		terms = append(terms, name+" IS NULL")
	}
	return strings.Join(terms, " OR ")
}
