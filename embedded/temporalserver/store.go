package temporalserver

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"go.temporal.io/server/common/config"
	"go.temporal.io/server/common/log"
	"go.temporal.io/server/common/metrics"
	"go.temporal.io/server/common/persistence/sql"
	"go.temporal.io/server/common/persistence/sql/sqlplugin"
	sqliteplugin "go.temporal.io/server/common/persistence/sql/sqlplugin/sqlite"
	"go.temporal.io/server/common/resolver"
	sqliteschema "go.temporal.io/server/schema/sqlite"
)

// DatabaseFile is the name of the SQLite file kept in Options.DataDir.
const DatabaseFile = "temporal.db"

// storeConfig describes the SQLite database for opts and, for a file that does not
// exist yet, creates it with the server's schema.
//
// TODO: the server's SQLite plugin never closes a database it opened, so after Stop the
// file stays open, and an in-memory database stays in memory, until the process exits; a
// test process that starts many ephemeral servers holds all their data until it ends.
func storeConfig(opts Options) (*config.SQL, error) {
	if opts.Ephemeral {
		return memoryStore(), nil
	}

	if err := os.MkdirAll(opts.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("creating data folder: %w", err)
	}
	path := filepath.Join(opts.DataDir, DatabaseFile)
	cfg := &config.SQL{
		PluginName:        sqliteplugin.PluginName,
		DatabaseName:      path,
		ConnectAttributes: map[string]string{"mode": "rwc"},
	}

	_, err := os.Stat(path)
	if err == nil {
		return cfg, nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("checking database file: %w", err)
	}
	if err := sqliteschema.SetupSchema(cfg); err != nil {
		return nil, fmt.Errorf("creating database schema: %w", err)
	}
	return cfg, nil
}

// memoryStore describes a fresh in-memory database. The server's SQLite plugin sets up
// the schema itself for memory databases. The name is random so that every Start in the
// process gets its own database: the plugin shares one connection per name.
func memoryStore() *config.SQL {
	return &config.SQL{
		PluginName:   sqliteplugin.PluginName,
		DatabaseName: "temporal-" + rand.Text(),
		ConnectAttributes: map[string]string{
			"mode":  "memory",
			"cache": "shared",
		},
	}
}

// openStore opens the database outside the server, before it starts.
func openStore(cfg *config.SQL) (sqlplugin.DB, error) {
	noopResolver := resolver.NewNoopResolver()
	db, err := sql.NewSQLDB(sqlplugin.DbKindMain, cfg, noopResolver, log.NewNoopLogger(),
		metrics.NoopMetricsHandler)
	if err != nil {
		return nil, fmt.Errorf("opening database: %w", err)
	}
	return db, nil
}

// persistenceConfig points every store of the server at the one SQLite database.
func persistenceConfig(cfg *config.SQL) config.Persistence {
	return config.Persistence{
		DefaultStore:    sqliteplugin.PluginName,
		VisibilityStore: sqliteplugin.PluginName,
		// One shard is plenty for one process and keeps SQLite writes few.
		NumHistoryShards: 1,
		DataStores: map[string]config.DataStore{
			sqliteplugin.PluginName: {SQL: cfg},
		},
	}
}

// ensureNamespaceStored opens the database and makes sure the namespace and its search
// attributes are in it, so that every service finds them when it loads its namespace cache.
func ensureNamespaceStored(ctx context.Context, cfg *config.SQL, opts Options) error {
	db, err := openStore(cfg)
	if err != nil {
		return err
	}
	defer func() { _ = db.Close() }()

	return namespaceStore{db: db}.ensure(ctx, opts.Namespace, opts.SearchAttributes)
}
