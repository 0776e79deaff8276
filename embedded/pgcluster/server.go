package pgcluster

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
)

// server is a running postmaster process.
type server struct {
	cmd      *exec.Cmd
	log      *slog.Logger
	exited   chan struct{} // closed once the process has exited
	waitErr  error         // how it exited; read only after exited is closed
	ready    atomic.Bool   // from now on an exit is logged, not returned by Start
	stopping atomic.Bool
}

// launch starts cmd and watches it. The kernel sends the parent-death signal when the
// thread that started the child ends, not the process, so the starting goroutine keeps
// its thread locked until the server has exited.
func launch(cmd *exec.Cmd, log *slog.Logger) (*server, error) {
	s := &server{cmd: cmd, log: log, exited: make(chan struct{})}
	started := make(chan error, 1)

	go func() {
		runtime.LockOSThread()
		if err := cmd.Start(); err != nil {
			started <- err
			return
		}
		started <- nil

		s.waitErr = cmd.Wait()
		close(s.exited)
		if s.ready.Load() && !s.stopping.Load() {
			log.Warn("PostgreSQL server exited unexpectedly", "err", s.waitErr)
		}
	}()

	if err := <-started; err != nil {
		return nil, fmt.Errorf("starting postgres: %w", err)
	}
	return s, nil
}

// waitReady polls until the server accepts connections at url, the server exits or
// ctx ends.
func (s *server) waitReady(ctx context.Context, url, dataDir string) error {
	ticker := time.NewTicker(pollInterval)
	defer ticker.Stop()

	for {
		if pidFileReady(dataDir) && ping(ctx, url) == nil {
			s.ready.Store(true)
			return nil
		}

		select {
		case <-s.exited:
			return fmt.Errorf("server exited while starting: %v", s.waitErr)
		case <-ctx.Done():
			return fmt.Errorf("waiting for server to accept connections: %w", ctx.Err())
		case <-ticker.C:
		}
	}
}

// pidFileReady reports whether postmaster.pid says the server is ready (PostgreSQL 10
// and later record a status there). Checking it before connecting keeps the log free
// of "the database system is starting up" lines.
func pidFileReady(dataDir string) bool {
	raw, err := os.ReadFile(filepath.Join(dataDir, "postmaster.pid"))
	if err != nil {
		return false
	}

	const statusLine = 7 // zero-based; the lines before it hold pid, folder, port and more
	lines := strings.Split(string(raw), "\n")
	return len(lines) > statusLine && strings.TrimSpace(lines[statusLine]) == "ready"
}

// pingTimeout bounds one connection attempt to a server that is starting.
const pingTimeout = 5 * time.Second

func ping(ctx context.Context, url string) error {
	ctx, cancel := context.WithTimeout(ctx, pingTimeout)
	defer cancel()

	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return err
	}
	return conn.Close(ctx)
}

// Shutdown steps: a fast shutdown first; if it hangs, an immediate shutdown (the next
// start then recovers from the log); last, SIGKILL.
var stopSteps = []struct {
	signal syscall.Signal
	wait   time.Duration
}{
	{syscall.SIGINT, time.Minute},
	{syscall.SIGQUIT, 10 * time.Second},
	{syscall.SIGKILL, 10 * time.Second},
}

// stop shuts the server down and waits for it. A server that had already exited is
// not an error here: its exit was logged when it happened.
func (s *server) stop() error {
	s.stopping.Store(true)

	for _, step := range stopSteps {
		err := s.cmd.Process.Signal(step.signal)
		if err != nil && !errors.Is(err, os.ErrProcessDone) {
			return fmt.Errorf("signalling PostgreSQL server: %w", err)
		}
		if s.waitExit(step.wait) {
			return nil
		}
		s.log.Warn("PostgreSQL server did not stop in time", "signal", step.signal.String())
	}

	return fmt.Errorf("stopping PostgreSQL server (pid %d): still running", s.cmd.Process.Pid)
}

func (s *server) waitExit(limit time.Duration) bool {
	timer := time.NewTimer(limit)
	defer timer.Stop()

	select {
	case <-s.exited:
		return true
	case <-timer.C:
		return false
	}
}
