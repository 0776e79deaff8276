// Package pgtest gives each test a fresh PostgreSQL database of its own.
//
// The databases live in one private cluster per test binary, started on first use in
// a temporary folder (see package pgcluster), or, when CLEARING_TEST_DATABASE_URL
// holds a superuser URL, on that existing server. A package whose tests use
// NewDatabase calls Main from its TestMain:
//
//	func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }
package pgtest

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"clearinghouse/embedded/pgcluster"

	"github.com/jackc/pgx/v5"
)

// URLVariable names the environment variable holding the superuser URL of an existing
// server to create the test databases on instead of starting a private cluster.
const URLVariable = "CLEARING_TEST_DATABASE_URL"

// shared serves every test of this binary. It is package state because TestMain and
// the tests have no other place in common.
var shared provider

// Main runs the tests, then stops the binary's cluster if one was started and removes
// its folder. It returns the exit code for os.Exit.
func Main(m *testing.M) int {
	code := m.Run()

	if err := shared.close(); err != nil {
		fmt.Fprintf(os.Stderr, "pgtest: %v\n", err)
		if code == 0 {
			code = 1
		}
	}
	return code
}

// NewDatabase creates an empty database for t alone, drops it when t ends, and
// returns its superuser URL. It is safe to call from parallel tests.
func NewDatabase(t testing.TB) string {
	t.Helper()

	dbURL, err := shared.newDatabase(t)
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	return dbURL
}

// provider hands out databases on one server, starting a private cluster lazily.
type provider struct {
	mu       sync.Mutex
	resolved bool
	adminURL string
	err      error
	cluster  *pgcluster.Cluster
	tempDir  string

	created atomic.Int64 // numbers the databases of this binary
}

// adminTimeout bounds one administrative statement; CREATE DATABASE copies a template.
const adminTimeout = time.Minute

func (p *provider) newDatabase(t testing.TB) (string, error) {
	admin, err := p.server()
	if err != nil {
		return "", err
	}

	name := p.databaseName(t.Name())
	dbURL, err := withDatabase(admin, name)
	if err != nil {
		return "", err
	}

	ctx, cancel := context.WithTimeout(t.Context(), adminTimeout)
	defer cancel()

	// template0 guarantees an empty database whatever was added to template1.
	create := "CREATE DATABASE " + pgx.Identifier{name}.Sanitize() +
		" TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'"
	if err := execAdmin(ctx, admin, create); err != nil {
		return "", fmt.Errorf("creating test database: %w", err)
	}

	t.Cleanup(func() { dropDatabase(t, admin, name) })
	return dbURL, nil
}

// dropDatabase runs after t's context is cancelled, so it brings its own. FORCE ends
// connections the test left open (PostgreSQL 13 or later).
func dropDatabase(t testing.TB, admin, name string) {
	ctx, cancel := context.WithTimeout(context.Background(), adminTimeout)
	defer cancel()

	drop := "DROP DATABASE IF EXISTS " + pgx.Identifier{name}.Sanitize() + " WITH (FORCE)"
	if err := execAdmin(ctx, admin, drop); err != nil {
		t.Errorf("pgtest: dropping test database %s: %v", name, err)
	}
}

// databaseName makes a name unique across tests, test binaries and machines sharing
// one server, that still says which test made it. PostgreSQL allows 63 bytes.
func (p *provider) databaseName(testName string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(testName) {
		if b.Len() == 32 {
			break
		}
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}

	suffix := strings.ToLower(rand.Text()[:8])
	return fmt.Sprintf("test_%s_%d_%s", b.String(), p.created.Add(1), suffix)
}

// server returns the superuser URL of the server to use, starting the private
// cluster on first use. A failure is remembered and reported to every caller.
func (p *provider) server() (string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()

	if !p.resolved {
		p.resolved = true
		p.adminURL, p.err = p.resolve()
	}
	return p.adminURL, p.err
}

// clusterTimeout bounds the start of the private cluster, initdb included, on a busy
// machine.
const clusterTimeout = 2 * time.Minute

func (p *provider) resolve() (string, error) {
	if admin := os.Getenv(URLVariable); admin != "" {
		return admin, nil
	}

	dir, err := os.MkdirTemp("", "pgtest-")
	if err != nil {
		return "", fmt.Errorf("creating cluster folder: %w", err)
	}
	p.tempDir = dir

	// When root runs the tests the server runs as another user, which must be able to
	// pass through this folder (MkdirTemp makes it 0700).
	if err := os.Chmod(dir, 0o711); err != nil {
		return "", fmt.Errorf("opening cluster folder to the server user: %w", err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), clusterTimeout)
	defer cancel()

	// Only warnings: progress messages would clutter the test output.
	quiet := &slog.HandlerOptions{Level: slog.LevelWarn}
	p.cluster, err = pgcluster.Start(ctx, pgcluster.Options{
		Dir:    filepath.Join(dir, "cluster"),
		Fast:   true,
		Logger: slog.New(slog.NewTextHandler(os.Stderr, quiet)),
	})
	if err != nil {
		hint := "or set " + URLVariable + " to a superuser URL of a server"
		return "", fmt.Errorf("%w (%s)", err, hint)
	}

	return p.cluster.URL("postgres"), nil
}

// close stops the private cluster, if any, and removes its folder.
func (p *provider) close() error {
	p.mu.Lock()
	defer p.mu.Unlock()

	var errs []error
	if p.cluster != nil {
		errs = append(errs, p.cluster.Stop())
	}
	if p.tempDir != "" {
		errs = append(errs, os.RemoveAll(p.tempDir))
	}

	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("shutting down test cluster: %w", err)
	}
	return nil
}

// withDatabase returns the server URL admin pointing at database name instead.
func withDatabase(admin, name string) (string, error) {
	u, err := url.Parse(admin)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return "", fmt.Errorf("reading server URL: want postgres://user:password@host/db, "+
			"got something else (%v)", err)
	}

	u.Path = "/" + name
	u.RawPath = ""
	return u.String(), nil
}

func execAdmin(ctx context.Context, admin, sql string) error {
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		return fmt.Errorf("connecting to server: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))

	_, err = conn.Exec(ctx, sql)
	return err
}
