// Package temporalserver runs a complete Temporal server inside the calling process: the
// frontend, history, matching and worker services on one SQLite database, with the
// Temporal Web UI beside them. It backs the all-in-one dev mode and the end-to-end tests.
//
// It is the only package that links the Temporal server and its UI, which are slow to
// build; everything else talks to the server through the SDK at FrontendAddress.
// Everything it starts listens on 127.0.0.1 only.
//
// Several servers may run one after another (or side by side) in one process. Two limits
// come from the server itself: its SQLite driver keeps each database open until the
// process exits, even after Stop, and a few of its internal gRPC connections outlive
// Stop, idle.
package temporalserver

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"go.temporal.io/server/common/primitives"
	"go.temporal.io/server/temporal"
)

// startTimeout caps Start when the caller's context has no earlier deadline. A first
// start on a slow machine takes a few seconds; a minute means something is wrong.
const startTimeout = time.Minute

// Server is a running embedded Temporal server and, optionally, its Web UI.
type Server struct {
	temporal  temporal.Server
	logger    serverLogger
	ui        *webUI
	frontend  string
	namespace string

	stopOnce sync.Once
	stopErr  error
}

// Start runs a server as opts describe and returns once the frontend answers and the
// namespace, with its search attributes, can be used. ctx bounds the start only; the
// server runs until Stop.
func Start(ctx context.Context, opts Options) (*Server, error) {
	opts, err := opts.normalized()
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, startTimeout)
	defer cancel()

	s, err := startTemporal(ctx, opts)
	if err != nil {
		return nil, err
	}
	if err := waitForFrontend(ctx, opts, s.frontend); err != nil {
		return nil, errors.Join(err, s.Stop())
	}
	if opts.UIAddr == "" {
		return s, nil
	}

	s.ui, err = startUI(ctx, opts.UIAddr, s.frontend, opts.Namespace)
	if err != nil {
		return nil, errors.Join(err, s.Stop())
	}
	return s, nil
}

func startTemporal(ctx context.Context, opts Options) (*Server, error) {
	store, err := storeConfig(opts)
	if err != nil {
		return nil, err
	}
	if err := ensureNamespaceStored(ctx, store, opts); err != nil {
		return nil, err
	}

	addrs, err := allocateServices(opts.FrontendAddr)
	if err != nil {
		return nil, err
	}
	cfg, err := serverConfig(addrs, persistenceConfig(store))
	if err != nil {
		return nil, err
	}

	logger := newServerLogger(opts.Logger)
	srv, err := runServer(serverOptions(cfg, addrs, logger))
	if err != nil {
		return nil, err
	}
	return &Server{
		temporal:  srv,
		logger:    logger,
		frontend:  addrs[primitives.FrontendService],
		namespace: opts.Namespace,
	}, nil
}

// runServer builds and starts the server. The server reports a broken start-up (such as
// a port taken in the meantime) through its logger's Fatal, which panics here; the panic
// becomes an error.
func runServer(options []temporal.ServerOption) (srv temporal.Server, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("starting temporal server: %v", r)
		}
	}()

	srv, err = temporal.NewServer(options...)
	if err != nil {
		return nil, fmt.Errorf("creating temporal server: %w", err)
	}
	if err := srv.Start(); err != nil {
		return nil, fmt.Errorf("starting temporal server: %w", err)
	}
	return srv, nil
}

// FrontendAddress returns the host:port of the gRPC frontend that clients dial.
func (s *Server) FrontendAddress() string {
	return s.frontend
}

// UIAddress returns the host:port of the Web UI, or "" when it was not started.
func (s *Server) UIAddress() string {
	if s.ui == nil {
		return ""
	}
	return s.ui.addr
}

// Namespace returns the namespace Start created or found.
func (s *Server) Namespace() string {
	return s.namespace
}

// Stop stops the Web UI and then the server, releasing their ports. The server's own logs
// end here, shutdown noise included. Calling Stop again returns the first result.
func (s *Server) Stop() error {
	s.stopOnce.Do(func() {
		var errs []error
		if s.ui != nil {
			errs = append(errs, s.ui.stop())
		}
		s.logger.mute()
		if err := s.temporal.Stop(); err != nil {
			errs = append(errs, fmt.Errorf("stopping temporal server: %w", err))
		}
		s.stopErr = errors.Join(errs...)
	})
	return s.stopErr
}
