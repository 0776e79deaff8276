package pgcluster

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// startTimeout bounds each Start in these tests; a first start runs initdb.
const startTimeout = 2 * time.Minute

// clusterDir returns a cluster folder inside a fresh temporary folder that an
// unprivileged server user may traverse (os.MkdirTemp makes it 0700).
func clusterDir(t *testing.T) string {
	t.Helper()

	parent, err := os.MkdirTemp("", "pgcluster-test-")
	if err != nil {
		t.Fatalf("creating temporary folder: %v", err)
	}
	t.Cleanup(func() { os.RemoveAll(parent) })

	if err := os.Chmod(parent, 0o711); err != nil {
		t.Fatalf("opening temporary folder to the server user: %v", err)
	}
	return filepath.Join(parent, "cluster")
}

func testOptions(t *testing.T, dir string) Options {
	return Options{
		Dir:    dir,
		Fast:   true,
		Logger: slog.New(slog.NewTextHandler(t.Output(), nil)),
	}
}

// mustStart starts a cluster, stops it at the end of the test and reports how long
// the start took.
func mustStart(t *testing.T, opts Options) (*Cluster, time.Duration) {
	t.Helper()

	ctx, cancel := context.WithTimeout(t.Context(), startTimeout)
	defer cancel()

	begin := time.Now()
	c, err := Start(ctx, opts)
	if err != nil {
		t.Fatalf("Start(%+v): %v", opts, err)
	}
	took := time.Since(begin)

	t.Cleanup(func() {
		if err := c.Stop(); err != nil {
			t.Errorf("Stop: %v", err)
		}
	})
	return c, took
}

func connect(t *testing.T, url string) *pgx.Conn {
	t.Helper()

	conn, err := pgx.Connect(t.Context(), url)
	if err != nil {
		t.Fatalf("connecting to %s: %v", url, err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

func mustExec(t *testing.T, conn *pgx.Conn, sql string) {
	t.Helper()

	if _, err := conn.Exec(t.Context(), sql); err != nil {
		t.Fatalf("running %q: %v", sql, err)
	}
}

func countRows(t *testing.T, url, table string) int {
	t.Helper()

	conn := connect(t, url)
	var n int
	if err := conn.QueryRow(t.Context(), "SELECT count(*) FROM "+table).Scan(&n); err != nil {
		t.Fatalf("counting rows of %s: %v", table, err)
	}
	conn.Close(t.Context())
	return n
}

func TestStartCreatesThenReusesCluster(t *testing.T) {
	dir := clusterDir(t)
	opts := testOptions(t, dir)

	first, took := mustStart(t, opts)
	t.Logf("first start (initdb included) took %v", took)

	checkServerUser(t, first)
	checkPrivate(t, filepath.Join(dir, "password"))

	if err := first.CreateDatabase(t.Context(), "app"); err != nil {
		t.Fatalf("CreateDatabase(app): %v", err)
	}
	if err := first.CreateDatabase(t.Context(), "app"); err != nil {
		t.Fatalf("CreateDatabase(app) again: got %v, want nil", err)
	}

	conn := connect(t, first.URL("app"))
	mustExec(t, conn, "CREATE TABLE kept (n int)")
	mustExec(t, conn, "INSERT INTO kept SELECT generate_series(1, 10)")
	conn.Close(t.Context())

	url := first.URL("app")
	stopTwice(t, first)

	second, took := mustStart(t, opts)
	t.Logf("restart took %v", took)

	if got := second.URL("app"); got != url {
		t.Errorf("URL after restart: got %s, want %s (same port and password)", got, url)
	}
	if got := countRows(t, second.URL("app"), "kept"); got != 10 {
		t.Errorf("rows kept across restart: got %d, want 10", got)
	}
}

// stopTwice checks that Stop ends the server and that a second Stop is harmless.
func stopTwice(t *testing.T, c *Cluster) {
	t.Helper()

	if err := c.Stop(); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	if err := c.Stop(); err != nil {
		t.Fatalf("second Stop: got %v, want nil", err)
	}

	select {
	case <-c.server.exited:
	default:
		t.Fatalf("server process %d still running after Stop", c.server.cmd.Process.Pid)
	}
	if err := ping(t.Context(), c.URL("postgres")); err == nil {
		t.Fatalf("server still accepts connections after Stop")
	}
}

// checkServerUser checks that a root test runs the server as an unprivileged user.
func checkServerUser(t *testing.T, c *Cluster) {
	t.Helper()

	uid := processUID(t, c.server.cmd.Process.Pid)
	want := strconv.Itoa(os.Geteuid())
	if os.Geteuid() == 0 {
		acc, err := serverAccount()
		if err != nil {
			t.Fatalf("serverAccount: %v", err)
		}
		want = strconv.FormatUint(uint64(acc.uid), 10)
	}

	name := uid
	if u, err := user.LookupId(uid); err == nil {
		name = u.Username
	}
	if uid != want {
		t.Fatalf("server runs as uid %s (%s), want uid %s", uid, name, want)
	}
	t.Logf("server pid %d runs as %s (uid %s)", c.server.cmd.Process.Pid, name, uid)
}

func processUID(t *testing.T, pid int) string {
	t.Helper()

	raw, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "status"))
	if err != nil {
		t.Fatalf("reading status of process %d: %v", pid, err)
	}
	for line := range strings.Lines(string(raw)) {
		if rest, ok := strings.CutPrefix(line, "Uid:"); ok {
			return strings.Fields(rest)[1] // real, effective, saved, filesystem
		}
	}
	t.Fatalf("no Uid line in status of process %d", pid)
	return ""
}

func checkPrivate(t *testing.T, path string) {
	t.Helper()

	info, err := os.Stat(path)
	if err != nil {
		t.Fatalf("checking %s: %v", path, err)
	}
	if got := info.Mode().Perm(); got != 0o600 {
		t.Errorf("mode of %s: got %v, want 0600", path, got)
	}
}

func TestStartAfterCrashLeavesStalePID(t *testing.T) {
	opts := testOptions(t, clusterDir(t))
	opts.Fast = false // asynchronous commits could be lost when the server is killed

	first, _ := mustStart(t, opts)
	conn := connect(t, first.URL("postgres"))
	mustExec(t, conn, "CREATE TABLE survivor (n int)")
	mustExec(t, conn, "INSERT INTO survivor VALUES (1), (2), (3)")
	conn.Close(t.Context())

	if err := first.server.cmd.Process.Kill(); err != nil {
		t.Fatalf("killing postmaster: %v", err)
	}
	<-first.server.exited
	if err := first.Stop(); err != nil { // releases the folder, as a dying program would
		t.Fatalf("Stop after the crash: got %v, want nil", err)
	}

	pidFile := filepath.Join(opts.Dir, "data", "postmaster.pid")
	if _, err := os.Stat(pidFile); err != nil {
		t.Fatalf("want a stale postmaster.pid after the crash: %v", err)
	}

	second, took := mustStart(t, opts)
	t.Logf("start after crash (with recovery) took %v", took)

	if got := countRows(t, second.URL("postgres"), "survivor"); got != 3 {
		t.Errorf("rows after crash: got %d, want 3", got)
	}
}

// helperDirVariable tells a re-executed test binary to start a cluster in that folder,
// print the server's pid and wait to be killed.
const helperDirVariable = "PGCLUSTER_TEST_HELPER_DIR"

func TestServerStopsWhenProgramDies(t *testing.T) {
	if dir := os.Getenv(helperDirVariable); dir != "" {
		runHelper(t, dir)
		return
	}

	dir := clusterDir(t)
	helper := exec.Command(os.Args[0], "-test.run=^TestServerStopsWhenProgramDies$")
	helper.Env = append(os.Environ(), helperDirVariable+"="+dir)
	stdin, _ := helper.StdinPipe() // never written: the helper waits on it
	stdout, _ := helper.StdoutPipe()
	if err := helper.Start(); err != nil {
		t.Fatalf("starting helper: %v", err)
	}
	defer stdin.Close()

	pid := readHelperPID(t, stdout)
	helper.Process.Kill()
	helper.Wait()

	waitGone(t, pid)
	c, _ := mustStart(t, testOptions(t, dir))
	stopTwice(t, c)
}

func runHelper(t *testing.T, dir string) {
	c, err := Start(t.Context(), Options{Dir: dir, Fast: true})
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	fmt.Printf("pid=%d\n", c.server.cmd.Process.Pid)
	io.Copy(io.Discard, os.Stdin) // until killed
}

func readHelperPID(t *testing.T, stdout io.Reader) int {
	t.Helper()

	scanner := bufio.NewScanner(stdout)
	for scanner.Scan() {
		if rest, ok := strings.CutPrefix(scanner.Text(), "pid="); ok {
			pid, err := strconv.Atoi(rest)
			if err != nil {
				t.Fatalf("reading helper output %q: %v", scanner.Text(), err)
			}
			return pid
		}
	}
	t.Fatalf("helper ended without printing the server pid")
	return 0
}

// waitGone polls until process pid has exited (a zombie counts as exited).
func waitGone(t *testing.T, pid int) {
	t.Helper()

	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()

	ticker := time.NewTicker(pollInterval)
	defer ticker.Stop()

	stat := filepath.Join("/proc", strconv.Itoa(pid), "stat")
	for {
		raw, err := os.ReadFile(stat)
		if err != nil || strings.Contains(string(raw), ") Z ") {
			return
		}

		select {
		case <-ctx.Done():
			t.Fatalf("server %d still running after its program was killed", pid)
		case <-ticker.C:
		}
	}
}

func TestStartFailureQuotesServerLog(t *testing.T) {
	opts := testOptions(t, clusterDir(t))
	c, _ := mustStart(t, opts)
	stopTwice(t, c)

	conf := filepath.Join(opts.Dir, "data", "postgresql.conf")
	file, err := os.OpenFile(conf, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatalf("opening %s: %v", conf, err)
	}
	fmt.Fprintln(file, "this is not a setting")
	file.Close()

	_, err = Start(t.Context(), opts)
	if err == nil {
		t.Fatalf("Start with a broken postgresql.conf: got nil error, want one")
	}
	msg := err.Error()
	if !strings.Contains(msg, "server.log") || !strings.Contains(msg, "syntax error") {
		t.Errorf("Start with a broken postgresql.conf: got %v, want the log's tail", err)
	}
	t.Logf("error seen: %v", err)
}

func TestStartRefusesFolderInUse(t *testing.T) {
	opts := testOptions(t, clusterDir(t))
	mustStart(t, opts)

	ctx, cancel := context.WithTimeout(t.Context(), startTimeout)
	defer cancel()

	c, err := Start(ctx, opts)
	if err == nil {
		c.Stop()
		t.Fatalf("second Start on %s: got nil error, want one", opts.Dir)
	}
	if !strings.Contains(err.Error(), "already running") {
		t.Errorf("second Start on %s: got %v, want an error saying a server is running",
			opts.Dir, err)
	}
}

func TestClaimRefusesDataDirInUse(t *testing.T) {
	opts := testOptions(t, clusterDir(t))
	c, _ := mustStart(t, opts)

	dataDir := filepath.Join(opts.Dir, "data")
	err := claimDataDir(t.Context(), dataDir)
	if err == nil || !strings.Contains(err.Error(), "already running") {
		t.Fatalf("claimDataDir(%s) with a server on it: got %v, want an error saying so",
			dataDir, err)
	}
	if err := ping(t.Context(), c.URL("postgres")); err != nil {
		t.Errorf("server after the refused claim: %v", err)
	}
}

func TestStartPicksNewPortWhenRememberedIsTaken(t *testing.T) {
	opts := testOptions(t, clusterDir(t))

	first, _ := mustStart(t, opts)
	oldPort := first.port
	if err := first.Stop(); err != nil {
		t.Fatalf("Stop: %v", err)
	}

	l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(oldPort)))
	if err != nil {
		t.Fatalf("occupying port %d: %v", oldPort, err)
	}
	defer l.Close()

	fixed := opts
	fixed.Port = oldPort
	_, err = Start(t.Context(), fixed)
	if err == nil || !strings.Contains(err.Error(), "in use") {
		t.Fatalf("Start on taken port %d: got %v, want an error saying so", oldPort, err)
	}

	second, _ := mustStart(t, opts)
	if second.port == oldPort {
		t.Fatalf("port after restart: got %d, which is taken, want another", second.port)
	}
	if got := (folder{opts.Dir}).rememberedPort(); got != second.port {
		t.Errorf("remembered port: got %d, want %d", got, second.port)
	}
}

func TestStartWithoutBinaries(t *testing.T) {
	opts := testOptions(t, clusterDir(t))
	opts.BinDir = t.TempDir()

	_, err := Start(t.Context(), opts)
	if !errors.Is(err, ErrNoBinaries) {
		t.Fatalf("Start with empty BinDir: got %v, want ErrNoBinaries", err)
	}
	if !strings.Contains(err.Error(), "apt-get install postgresql") {
		t.Errorf("error %q does not say what to install", err)
	}
}

func TestStartRefusesFolderServerUserCannotReach(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("only a root process hands the server to another user")
	}

	closed, err := os.MkdirTemp("", "pgcluster-test-") // mode 0700, owned by root
	if err != nil {
		t.Fatalf("creating temporary folder: %v", err)
	}
	t.Cleanup(func() { os.RemoveAll(closed) })
	opts := testOptions(t, filepath.Join(closed, "cluster"))

	_, err = Start(t.Context(), opts)
	if err == nil || !strings.Contains(err.Error(), "cannot enter folder "+closed+":") {
		t.Fatalf("Start under %s: got %v, want an error naming that folder", closed, err)
	}
}

func TestCompareVersions(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"9.6", "15", -1},
		{"15", "9.6", 1},
		{"16", "16", 0},
		{"10", "9.6", 1},
		{"17", "18", -1},
	}
	for _, tt := range tests {
		if got := compareVersions(tt.a, tt.b); got != tt.want {
			t.Errorf("compareVersions(%q, %q): got %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestMajorVersion(t *testing.T) {
	tests := map[string]string{
		"15.18":   "15",
		"9.6.24":  "9.6",
		"17beta1": "17",
		"18devel": "18",
		"16":      "16",
	}
	for version, want := range tests {
		if got := majorVersion(version); got != want {
			t.Errorf("majorVersion(%q): got %q, want %q", version, got, want)
		}
	}
}

func TestStartTakesOverDataOfAnotherUser(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("only root can hand the data to another user")
	}
	nobody, err := user.Lookup("nobody")
	if err != nil {
		t.Skipf("no nobody user: %v", err)
	}
	uid, _ := strconv.Atoi(nobody.Uid)

	opts := testOptions(t, clusterDir(t))
	c, _ := mustStart(t, opts)
	stopTwice(t, c)

	dataDir := filepath.Join(opts.Dir, "data")
	err = filepath.WalkDir(dataDir, func(path string, _ fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(path, uid, -1)
	})
	if err != nil {
		t.Fatalf("handing %s to nobody: %v", dataDir, err)
	}

	c, _ = mustStart(t, opts)
	checkServerUser(t, c)
}
