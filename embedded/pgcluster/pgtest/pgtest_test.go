package pgtest

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"testing"

	"github.com/jackc/pgx/v5"
)

func TestMain(m *testing.M) {
	os.Exit(Main(m))
}

func connect(t *testing.T, dbURL string) *pgx.Conn {
	t.Helper()

	conn, err := pgx.Connect(t.Context(), dbURL)
	if err != nil {
		t.Fatalf("connecting to test database: %v", err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

func tableCount(t *testing.T, conn *pgx.Conn) int {
	t.Helper()

	const sql = "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
	var n int
	if err := conn.QueryRow(t.Context(), sql).Scan(&n); err != nil {
		t.Fatalf("counting tables: %v", err)
	}
	return n
}

func TestDatabasesAreIndependent(t *testing.T) {
	first, second := NewDatabase(t), NewDatabase(t)
	if first == second {
		t.Fatalf("two calls gave the same database %s", first)
	}

	a, b := connect(t, first), connect(t, second)
	if n := tableCount(t, a); n != 0 {
		t.Fatalf("new database has %d tables, want 0", n)
	}

	if _, err := a.Exec(t.Context(), "CREATE TABLE only_here (n int)"); err != nil {
		t.Fatalf("creating table: %v", err)
	}
	if n := tableCount(t, b); n != 0 {
		t.Errorf("other database sees %d tables, want 0", n)
	}
}

func TestParallelDatabases(t *testing.T) {
	for i := range 8 {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			t.Parallel()

			conn := connect(t, NewDatabase(t))
			sql := fmt.Sprintf("CREATE TABLE rows AS SELECT generate_series(1, %d) AS n", i+1)
			if _, err := conn.Exec(t.Context(), sql); err != nil {
				t.Fatalf("running %q: %v", sql, err)
			}

			var n int
			err := conn.QueryRow(t.Context(), "SELECT count(*) FROM rows").Scan(&n)
			if err != nil {
				t.Fatalf("counting rows: %v", err)
			}
			if n != i+1 {
				t.Errorf("rows: got %d, want %d", n, i+1)
			}
		})
	}
}

func TestDatabaseDroppedAfterTest(t *testing.T) {
	var dbURL string
	t.Run("user", func(t *testing.T) {
		dbURL = NewDatabase(t)
		connect(t, dbURL) // left open on purpose: the drop must end it
	})

	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatalf("parsing database URL: %v", err)
	}
	name := u.Path[1:]
	u.Path = "/postgres"

	conn := connect(t, u.String())
	var exists bool
	const sql = "SELECT EXISTS (SELECT FROM pg_database WHERE datname = $1)"
	if err := conn.QueryRow(t.Context(), sql, name).Scan(&exists); err != nil {
		t.Fatalf("looking for database %s: %v", name, err)
	}
	if exists {
		t.Errorf("database %s still exists after its test ended", name)
	}
}

func TestExistingServerFromEnvironment(t *testing.T) {
	admin, err := shared.server()
	if err != nil {
		t.Fatalf("starting shared server: %v", err)
	}
	t.Setenv(URLVariable, admin)

	var p provider
	defer p.close()

	dbURL, err := p.newDatabase(t)
	if err != nil {
		t.Fatalf("newDatabase with %s set: %v", URLVariable, err)
	}
	if p.cluster != nil {
		t.Errorf("a cluster was started although %s was set", URLVariable)
	}

	conn := connect(t, dbURL)
	if n := tableCount(t, conn); n != 0 {
		t.Errorf("new database has %d tables, want 0", n)
	}
}

func TestDatabaseName(t *testing.T) {
	var p provider
	long := "TestSomething/with a very long subtest name that goes on and on and on"

	first, second := p.databaseName(long), p.databaseName(long)
	if first == second {
		t.Errorf("databaseName(%q) twice: both %s, want different", long, first)
	}
	if len(first) > 63 {
		t.Errorf("databaseName(%q) = %s: %d bytes, want at most 63", long, first, len(first))
	}
	for _, r := range first {
		if (r < 'a' || r > 'z') && (r < '0' || r > '9') && r != '_' {
			t.Errorf("databaseName(%q) = %s: holds %q, which needs quoting", long, first, r)
		}
	}
}
