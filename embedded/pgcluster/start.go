package pgcluster

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// starter carries what one Start has learned about the machine and the folder.
type starter struct {
	folder
	opts Options
	bins binaries
	acc  account
	log  *slog.Logger
}

// start provisions and starts the cluster in dir, holding the folder's lock for as
// long as the cluster runs.
func start(ctx context.Context, dir string, opts Options) (*Cluster, error) {
	s, err := newStarter(ctx, dir, opts)
	if err != nil {
		return nil, err
	}

	lock, err := s.lock(s.acc)
	if err != nil {
		return nil, err
	}

	c, err := s.startLocked(ctx)
	if err != nil {
		lock.Close()
		return nil, err
	}

	c.lock = lock
	return c, nil
}

// newStarter finds the programs and the server user, and makes the cluster folder.
func newStarter(ctx context.Context, dir string, opts Options) (*starter, error) {
	acc, err := serverAccount()
	if err != nil {
		return nil, err
	}

	bins, err := findBinaries(ctx, opts.BinDir)
	if err != nil {
		return nil, err
	}

	if err := acc.checkReach(dir); err != nil {
		return nil, err
	}

	s := &starter{folder: folder{dir}, opts: opts, bins: bins, acc: acc, log: opts.Logger}
	return s, s.make(acc)
}

// startLocked makes sure a matching cluster exists and no server uses it, then
// starts one.
func (s *starter) startLocked(ctx context.Context) (*Cluster, error) {
	if err := s.matchVersion(ctx); err != nil {
		return nil, err
	}

	s.log.Info("found PostgreSQL", "version", s.bins.version, "bin_dir", s.bins.dir,
		"user", s.acc.name)

	if err := s.ensureCluster(ctx); err != nil {
		return nil, err
	}
	if err := claimDataDir(ctx, s.dataDir()); err != nil {
		return nil, err
	}
	if err := s.acc.ownTree(s.dataDir()); err != nil {
		return nil, err
	}

	return s.run(ctx)
}

// matchVersion makes sure the binaries can run the existing cluster. When they are of
// another major version and none was asked for, the Debian folder of the cluster's
// version is tried.
func (s *starter) matchVersion(ctx context.Context) error {
	raw, err := os.ReadFile(s.dataDir() + "/PG_VERSION")
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("reading cluster version: %w", err)
	}

	want := strings.TrimSpace(string(raw))
	if want == s.bins.major {
		return nil
	}

	if dir := debianBinDir(want); s.opts.BinDir == "" && hasServerPrograms(dir) {
		bins, err := probeVersion(ctx, dir)
		s.bins = bins
		return err
	}

	return fmt.Errorf("the cluster was made by PostgreSQL %s, but the programs in %s are "+
		"version %s: set BinDir to a PostgreSQL %s installation, or remove the folder to "+
		"start afresh", want, s.bins.dir, s.bins.version, want)
}

func (s *starter) ensureCluster(ctx context.Context) error {
	exists, err := s.hasCluster()
	if err != nil || exists {
		return err
	}

	begin := time.Now()
	s.log.Info("creating PostgreSQL cluster", "dir", s.dir)
	if err := s.initCluster(ctx); err != nil {
		return err
	}

	s.log.Info("created PostgreSQL cluster", "dir", s.dir, "took", time.Since(begin))
	return nil
}

// initCluster runs initdb in data.init and renames it to data once it succeeds.
func (s *starter) initCluster(ctx context.Context) error {
	if err := os.RemoveAll(s.initDir()); err != nil {
		return fmt.Errorf("removing unfinished cluster: %w", err)
	}
	if err := writeFile(s.passwordFile(), newPassword()+"\n", s.acc); err != nil {
		return err
	}

	logFile, offset, err := s.openLog(s.acc)
	if err != nil {
		return err
	}
	defer logFile.Close()

	cmd := s.command(ctx, "initdb", s.initdbArgs()...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("running initdb: %w%s", err, s.logTail(offset))
	}

	if err := os.Rename(s.initDir(), s.dataDir()); err != nil {
		return fmt.Errorf("moving new cluster into place: %w", err)
	}
	return nil
}

// initdbArgs asks for UTF-8 with the C locale, which exists on every machine, and
// password authentication with the generated password for every connection.
func (s *starter) initdbArgs() []string {
	args := []string{
		"--pgdata", s.initDir(),
		"--username", superuser,
		"--pwfile", s.passwordFile(),
		"--auth", "scram-sha-256",
		"--encoding", "UTF8",
		"--locale", "C",
	}
	if s.opts.Fast {
		args = append(args, "--no-sync")
	}
	return args
}

// command prepares a PostgreSQL program to run as the server user in the cluster
// folder. Cancelling ctx kills its whole process group.
func (s *starter) command(ctx context.Context, program string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, s.bins.path(program), args...)
	cmd.Dir = s.dir
	cmd.Env = childEnv()
	cmd.SysProcAttr = s.acc.procAttr()
	cmd.Cancel = func() error {
		return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
	return cmd
}

// childEnv is this process's environment without the PG* variables, which would
// point the programs elsewhere, and with the C locale for their messages.
func childEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "PG") && !strings.HasPrefix(kv, "LC_") &&
			!strings.HasPrefix(kv, "LANG") {
			env = append(env, kv)
		}
	}
	return append(env, "LC_ALL=C")
}

// portAttempts bounds how often a start picks a new port because another program
// took the chosen one between the check and the server binding it.
const portAttempts = 3

// run starts the server, on a fresh port when the chosen one was taken meanwhile.
func (s *starter) run(ctx context.Context) (*Cluster, error) {
	password, err := s.readPassword()
	if err != nil {
		return nil, err
	}

	for attempt := 1; ; attempt++ {
		port, auto, err := s.choosePort()
		if err != nil {
			return nil, err
		}

		c, err := s.startServer(ctx, port, password)
		if err == nil || !auto || attempt == portAttempts || !errors.Is(err, errPortTaken) {
			return c, err
		}

		s.log.Info("port was taken while starting, picking another", "port", port)
		if err := os.Remove(s.portFile()); err != nil {
			return nil, fmt.Errorf("forgetting taken port: %w", err)
		}
	}
}

// choosePort returns the port to use and whether it was picked automatically.
func (s *starter) choosePort() (int, bool, error) {
	if s.opts.Port != 0 {
		if !portFree(s.opts.Port) {
			return 0, false, fmt.Errorf("port %d of 127.0.0.1 is in use", s.opts.Port)
		}
		return s.opts.Port, false, nil
	}

	old := s.rememberedPort()
	if old != 0 && portFree(old) {
		return old, true, nil
	}

	port, err := freePort()
	if err != nil {
		return 0, true, err
	}
	if old != 0 {
		s.log.Info("remembered port is in use, picked another", "old", old, "new", port)
	}

	return port, true, s.rememberPort(port, s.acc)
}

// errPortTaken marks a start that failed because the port was in use.
var errPortTaken = errors.New("port in use")

func (s *starter) startServer(ctx context.Context, port int, pw string) (*Cluster, error) {
	logFile, offset, err := s.openLog(s.acc)
	if err != nil {
		return nil, err
	}

	begin := time.Now()
	srv, err := launch(s.serverCommand(port, logFile), s.log)
	logFile.Close() // the server holds its own copy
	if err != nil {
		return nil, err
	}

	c := &Cluster{port: port, password: pw, server: srv}
	ctx, cancel := context.WithTimeout(ctx, readyTimeout)
	defer cancel()

	if err := srv.waitReady(ctx, c.URL("postgres"), s.dataDir()); err != nil {
		_ = srv.stop() // a failure to stop would only hide the cause in err
		return nil, s.startError(err, offset)
	}

	s.log.Info("PostgreSQL is ready", "port", port, "took", time.Since(begin))
	return c, nil
}

func (s *starter) startError(err error, offset int64) error {
	tail := s.logTail(offset)
	if strings.Contains(tail, "could not bind") || strings.Contains(tail, "already in use") {
		err = fmt.Errorf("%w: %w", errPortTaken, err)
	}
	return fmt.Errorf("%w%s", err, tail)
}

// serverCommand runs postgres in the foreground as a child of this process. The
// kernel interrupts it (fast shutdown) if this process dies first.
func (s *starter) serverCommand(port int, logFile *os.File) *exec.Cmd {
	cmd := exec.Command(s.bins.path("postgres"), s.serverArgs(port)...)
	cmd.Dir = s.dir
	cmd.Env = childEnv()
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr = s.acc.procAttr()
	cmd.SysProcAttr.Pdeathsig = syscall.SIGINT
	return cmd
}

// serverArgs passes the settings on the command line, so they hold at every start
// whatever the configuration files say.
func (s *starter) serverArgs(port int) []string {
	settings := []string{
		"listen_addresses=127.0.0.1",
		"port=" + strconv.Itoa(port),
		// No Unix socket: its path may not exceed about 107 bytes, and TCP suffices.
		"unix_socket_directories=",
		"max_connections=200",
		// Sized for a developer machine loading data in bulk.
		"shared_buffers=256MB",
		"maintenance_work_mem=256MB",
		"max_wal_size=2GB",
		// No replicas, so bulk loads into new tables may skip the write-ahead log.
		"wal_level=minimal",
		"max_wal_senders=0",
	}
	if s.opts.Fast {
		settings = append(settings, "fsync=off", "synchronous_commit=off",
			"full_page_writes=off")
	}

	args := []string{"-D", s.dataDir()}
	for _, setting := range settings {
		args = append(args, "-c", setting)
	}
	return args
}
