// Package pgcluster provisions a private PostgreSQL cluster from the machine's
// PostgreSQL installation, so that the dev mode and the tests need no database setup.
//
// A cluster lives in one folder: data/ (the data directory), password (the generated
// superuser password, mode 0600), port (the remembered TCP port), server.log, and
// lock, which a running cluster keeps locked against a second start.
//
// The server listens on 127.0.0.1 only, without a Unix socket. It runs postgres
// directly, not through pg_ctl, as a child of this process that the kernel shuts down
// when this process dies: a crashed or killed program leaves no server behind to block
// its next start. When this process runs as root the server runs as the postgres
// system user (or nobody), because PostgreSQL refuses to run as root.
package pgcluster

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// superuser is the name of the cluster's superuser role.
const superuser = "postgres"

// Options configures Start.
type Options struct {
	// Dir is the cluster folder: created if missing, reused if it holds a cluster.
	Dir string

	// Port is the TCP port on 127.0.0.1. Zero picks a free port on first start and
	// remembers it in Dir; later starts reuse it, or pick another if it is taken.
	Port int

	// Fast trades crash safety for speed (fsync, synchronous_commit and
	// full_page_writes off): for tests and benchmarks, never for data worth keeping.
	Fast bool

	// BinDir overrides where initdb and postgres are looked for.
	BinDir string

	// Logger receives progress messages; nil discards them.
	Logger *slog.Logger
}

// Cluster is a running private PostgreSQL server.
type Cluster struct {
	port     int
	password string
	server   *server
	lock     *os.File // held while the cluster runs, so no other program starts it

	stopOnce sync.Once
	stopErr  error
}

// Start provisions the cluster in opts.Dir when it holds none, starts the server and
// returns once it accepts connections.
func Start(ctx context.Context, opts Options) (*Cluster, error) {
	if opts.Dir == "" {
		return nil, errors.New("starting PostgreSQL cluster: no folder given")
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}

	dir, err := filepath.Abs(opts.Dir)
	if err != nil {
		return nil, fmt.Errorf("resolving cluster folder: %w", err)
	}

	c, err := start(ctx, dir, opts)
	if err != nil {
		return nil, fmt.Errorf("starting PostgreSQL cluster in %s: %w", dir, err)
	}

	return c, nil
}

// URL returns the superuser's connection URL for database on this cluster. It holds
// the password: keep it out of logs.
func (c *Cluster) URL(database string) string {
	u := url.URL{
		Scheme:   "postgres",
		User:     url.UserPassword(superuser, c.password),
		Host:     net.JoinHostPort("127.0.0.1", strconv.Itoa(c.port)),
		Path:     "/" + database,
		RawQuery: "sslmode=disable",
	}
	return u.String()
}

// CreateDatabase creates database name; a database of that name already there is fine.
func (c *Cluster) CreateDatabase(ctx context.Context, name string) error {
	conn, err := pgx.Connect(ctx, c.URL("postgres"))
	if err != nil {
		return fmt.Errorf("connecting to create database %s: %w", name, err)
	}
	defer conn.Close(context.WithoutCancel(ctx))

	_, err = conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize())

	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == duplicateDatabase {
		return nil
	}
	if err != nil {
		return fmt.Errorf("creating database %s: %w", name, err)
	}

	return nil
}

// duplicateDatabase is PostgreSQL's error code for CREATE DATABASE of an existing name.
const duplicateDatabase = "42P04"

// Stop shuts the server down (fast shutdown: open sessions are ended, committed work
// is kept), waits for it to exit and releases the folder. A server that had already
// exited is not an error. Calling Stop again does nothing more.
func (c *Cluster) Stop() error {
	c.stopOnce.Do(func() {
		c.stopErr = c.server.stop()
		c.lock.Close()
	})
	return c.stopErr
}

// readyTimeout bounds the wait for a starting server when ctx has no earlier deadline.
// It is generous because after a crash the server first replays up to max_wal_size of
// write-ahead log.
const readyTimeout = 5 * time.Minute
