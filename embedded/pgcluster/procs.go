package pgcluster

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// leftoverTimeout bounds the wait for the processes of a killed server to notice that
// their postmaster is gone; they normally exit within milliseconds.
const leftoverTimeout = 30 * time.Second

// pollInterval is how often a wait checks its condition again.
const pollInterval = 50 * time.Millisecond

// claimDataDir makes sure no server works in dataDir: it fails if one runs, waits for
// the remains of a crashed one to exit, and removes a stale postmaster.pid.
func claimDataDir(ctx context.Context, dataDir string) error {
	pidFile := filepath.Join(dataDir, "postmaster.pid")
	pid := readPID(pidFile)

	if pid > 0 && slices.Contains(serverProcesses(dataDir), pid) {
		return fmt.Errorf("a PostgreSQL server (pid %d) is already running on %s: "+
			"stop it, or use another cluster folder", pid, dataDir)
	}

	if err := waitLeftovers(ctx, dataDir); err != nil {
		return err
	}

	// A postmaster.pid whose server is gone would stop PostgreSQL if its pid now
	// belongs to another process of the same user.
	if err := os.Remove(pidFile); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("removing stale postmaster.pid: %w", err)
	}

	return nil
}

func waitLeftovers(ctx context.Context, dataDir string) error {
	ctx, cancel := context.WithTimeout(ctx, leftoverTimeout)
	defer cancel()

	ticker := time.NewTicker(pollInterval)
	defer ticker.Stop()

	for {
		pids := serverProcesses(dataDir)
		if len(pids) == 0 {
			return nil
		}

		select {
		case <-ctx.Done():
			return fmt.Errorf("waiting for processes %v of an earlier server on %s to exit: %w",
				pids, dataDir, ctx.Err())
		case <-ticker.C:
		}
	}
}

// readPID returns the process id on the first line of a postmaster.pid file, or 0.
func readPID(path string) int {
	raw, err := os.ReadFile(path)
	if err != nil {
		return 0
	}

	first, _, _ := strings.Cut(string(raw), "\n")
	pid, err := strconv.Atoi(strings.TrimSpace(first))
	if err != nil {
		return 0
	}
	return pid
}

// serverProcesses lists the PostgreSQL processes whose working folder is dataDir: a
// postmaster and all its children change into their data directory. Processes this
// user may not inspect are skipped; PostgreSQL's own lock file covers them.
func serverProcesses(dataDir string) []int {
	want, err := filepath.EvalSymlinks(dataDir)
	if err != nil {
		return nil
	}

	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}

	var pids []int
	for _, entry := range entries {
		pid, err := strconv.Atoi(entry.Name())
		if err == nil && isServerIn(pid, want) {
			pids = append(pids, pid)
		}
	}
	return pids
}

func isServerIn(pid int, dir string) bool {
	proc := filepath.Join("/proc", strconv.Itoa(pid))

	comm, err := os.ReadFile(filepath.Join(proc, "comm"))
	if err != nil {
		return false
	}
	name := strings.TrimSpace(string(comm))
	if name != "postgres" && name != "postmaster" {
		return false
	}

	cwd, err := os.Readlink(filepath.Join(proc, "cwd"))
	return err == nil && cwd == dir
}
