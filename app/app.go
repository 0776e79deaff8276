// Package app wires the clearing house's parts (store, Temporal client,
// worker, API) into running services, the same way for every subcommand and
// for the end-to-end tests.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"
	sdkworker "go.temporal.io/sdk/worker"

	"clearinghouse/activities"
	"clearinghouse/api"
	"clearinghouse/auth"
	"clearinghouse/documents"
	"clearinghouse/store"
	"clearinghouse/worker"
)

// DialTemporal connects to a Temporal frontend. The SDK's own logging goes
// to log at WARN and above.
func DialTemporal(ctx context.Context, address, namespace string, log *slog.Logger) (client.Client, error) {
	quiet := slog.New(levelFilter{log.Handler(), slog.LevelWarn})
	c, err := client.DialContext(ctx, client.Options{
		HostPort:  address,
		Namespace: namespace,
		Logger:    sdklog.NewStructuredLogger(quiet),
	})
	if err != nil {
		return nil, fmt.Errorf("connecting to Temporal at %s: %w", address, err)
	}
	return c, nil
}

// NewRegistry is the process's metrics registry, with the Go runtime and
// process collectors.
func NewRegistry() *prometheus.Registry {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return reg
}

// APIOptions configures the HTTP API.
type APIOptions struct {
	MarketAPIKey  string
	SecureCookies bool
	TemporalUIURL string
	Namespace     string
	ChunkSize     int
	TaskQueue     string
	Now           func() time.Time
	Documents     documents.Store
	// Registry receives the API's metrics; nil makes a new one.
	Registry *prometheus.Registry
	// ShowOneTimeCodes shows one-time codes in the outbox listing (dev).
	ShowOneTimeCodes bool
}

// NewAPI builds the HTTP API on st and tc, with its identity provider and
// metrics (Go runtime and process included).
func NewAPI(st *store.Store, tc client.Client, log *slog.Logger, o APIOptions) *api.Server {
	now := o.Now
	if now == nil {
		now = time.Now
	}
	reg := o.Registry
	if reg == nil {
		reg = NewRegistry()
	}
	provider := &auth.LocalProvider{Store: st, Params: auth.DefaultHashParams}
	return api.New(api.Deps{
		Store: st, Temporal: tc, Log: log, Now: now,
		Auth:         &auth.Service{Store: st, Provider: provider, Now: now},
		MarketAPIKey: o.MarketAPIKey, SecureCookies: o.SecureCookies,
		TemporalUIURL: o.TemporalUIURL, Namespace: o.Namespace, ChunkSize: o.ChunkSize,
		TaskQueue: o.TaskQueue, Documents: o.Documents,
		Registry: reg, ShowOneTimeCodes: o.ShowOneTimeCodes,
	})
}

// WorkerOptions configures a worker; zero values mean the defaults.
type WorkerOptions struct {
	Log       *slog.Logger
	Now       func() time.Time
	TaskQueue string
	// Mailer sends mail; nil keeps it in the outbox table.
	Mailer activities.Mailer
	// Registry receives the activities' metrics; nil records none.
	Registry prometheus.Registerer
}

// StartWorker starts a worker with every workflow and activity.
func StartWorker(st *store.Store, tc client.Client, o WorkerOptions) (sdkworker.Worker, error) {
	now := o.Now
	if now == nil {
		now = time.Now
	}
	acts := &activities.Activities{Store: st, Log: o.Log, Now: now, Mailer: o.Mailer}
	if o.Registry != nil {
		acts.Metrics = activities.NewMetrics(o.Registry)
	}
	w := worker.New(tc, acts, o.TaskQueue)
	if err := w.Start(); err != nil {
		return nil, fmt.Errorf("starting worker: %w", err)
	}
	return w, nil
}

// HTTPServer serves h on a listener it opens on addr.
type HTTPServer struct {
	srv  *http.Server
	ln   net.Listener
	done chan error
}

// ServeHTTP starts serving h on addr ("host:0" picks a free port).
func ServeHTTP(addr string, h http.Handler) (*HTTPServer, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listening on %s: %w", addr, err)
	}
	s := &HTTPServer{
		srv: &http.Server{
			Handler:           h,
			ReadHeaderTimeout: 10 * time.Second,
			ReadTimeout:       2 * time.Minute,
			WriteTimeout:      2 * time.Minute,
			IdleTimeout:       2 * time.Minute,
			MaxHeaderBytes:    64 << 10,
		},
		ln:   ln,
		done: make(chan error, 1),
	}
	go func() { s.done <- s.srv.Serve(ln) }()
	return s, nil
}

// Addr is the address the server listens on.
func (s *HTTPServer) Addr() string { return s.ln.Addr().String() }

// Shutdown stops accepting requests and waits for those in flight.
func (s *HTTPServer) Shutdown(ctx context.Context) error {
	if err := s.srv.Shutdown(ctx); err != nil {
		return fmt.Errorf("stopping HTTP server: %w", err)
	}
	if err := <-s.done; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serving HTTP: %w", err)
	}
	return nil
}

// levelFilter drops records below a level, for chatty libraries.
type levelFilter struct {
	slog.Handler
	min slog.Level
}

func (f levelFilter) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= f.min && f.Handler.Enabled(ctx, l)
}

func (f levelFilter) WithAttrs(attrs []slog.Attr) slog.Handler {
	return levelFilter{f.Handler.WithAttrs(attrs), f.min}
}

func (f levelFilter) WithGroup(name string) slog.Handler {
	return levelFilter{f.Handler.WithGroup(name), f.min}
}
