package temporalserver

import (
	"context"
	stdsql "database/sql"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	persistencespb "go.temporal.io/server/api/persistence/v1"
	"go.temporal.io/server/common/persistence"
	"go.temporal.io/server/common/persistence/serialization"
	"go.temporal.io/server/common/persistence/sql/sqlplugin"
	"go.temporal.io/server/common/primitives"
	"go.temporal.io/server/common/searchattribute/sadefs"
	sqliteschema "go.temporal.io/server/schema/sqlite"
	"google.golang.org/protobuf/types/known/durationpb"
)

// namespaceRetention is how long closed workflows stay visible: a week lets an operator
// look back over the last few days of work without the database growing without end.
const namespaceRetention = 7 * 24 * time.Hour

// nsRow is one row of the server's namespaces table.
type nsRow = sqlplugin.NamespaceRow

// attrTypes maps search attribute names (or column names) to their value types.
type attrTypes = map[string]enumspb.IndexedValueType

// namespaceStore writes namespaces straight into the server's database. It is used while
// the server is not running yet: each service then loads the finished namespace at start,
// instead of learning about new search attributes one cache refresh later, at a different
// moment in each service.
type namespaceStore struct {
	db sqlplugin.DB
}

// ensure creates the namespace when missing and adds the search attributes it lacks.
func (s namespaceStore) ensure(ctx context.Context, name string, attrs attrTypes) error {
	rows, err := s.db.SelectFromNamespace(ctx, sqlplugin.NamespaceFilter{Name: &name})
	if errors.Is(err, stdsql.ErrNoRows) {
		return s.insert(ctx, name, attrs)
	}
	if err != nil {
		return fmt.Errorf("reading namespace %q: %w", name, err)
	}
	return s.update(ctx, rows[0], attrs)
}

func (s namespaceStore) insert(ctx context.Context, name string, attrs attrTypes) error {
	nsConfig, err := sqliteschema.NewNamespaceConfig(clusterName, name, false, nil)
	if err != nil {
		return fmt.Errorf("building namespace %q: %w", name, err)
	}
	detail := nsConfig.Detail
	detail.Config.Retention = durationpb.New(namespaceRetention)
	if _, err := assignAliases(detail.Config, attrs); err != nil {
		return err
	}

	row := nsRow{ID: primitives.MustParseUUID(detail.Info.Id), Name: name}
	if err := encodeDetail(detail, &row); err != nil {
		return err
	}
	if _, err := s.db.InsertIntoNamespace(ctx, &row); err != nil {
		return fmt.Errorf("inserting namespace %q: %w", name, err)
	}
	return nil
}

func (s namespaceStore) update(ctx context.Context, row nsRow, want attrTypes) error {
	blob := persistence.NewDataBlob(row.Data, row.DataEncoding)
	detail, err := serialization.NewSerializer().NamespaceDetailFromBlob(blob)
	if err != nil {
		return fmt.Errorf("decoding namespace %q: %w", row.Name, err)
	}

	changed, err := assignAliases(detail.Config, want)
	if err != nil || !changed {
		return err
	}

	if err := encodeDetail(detail, &row); err != nil {
		return err
	}
	if _, err := s.db.UpdateNamespace(ctx, &row); err != nil {
		return fmt.Errorf("updating namespace %q: %w", row.Name, err)
	}
	return nil
}

func encodeDetail(detail *persistencespb.NamespaceDetail, row *nsRow) error {
	blob, err := serialization.NewSerializer().NamespaceDetailToBlob(detail)
	if err != nil {
		return fmt.Errorf("encoding namespace %q: %w", detail.GetInfo().GetName(), err)
	}
	row.Data = blob.GetData()
	row.DataEncoding = blob.GetEncodingType().String()
	return nil
}

// assignAliases maps each wanted attribute the namespace lacks onto a free column of its
// type (SQL visibility keeps custom attributes in preallocated columns such as Keyword01,
// named by per-namespace aliases). It reports whether it changed anything.
func assignAliases(cfg *persistencespb.NamespaceConfig, attrs attrTypes) (bool, error) {
	columns := sadefs.GetDBIndexSearchAttributes(nil).GetCustomSearchAttributes()
	if cfg.CustomSearchAttributeAliases == nil {
		cfg.CustomSearchAttributeAliases = map[string]string{}
	}
	aliases := cfg.CustomSearchAttributeAliases
	columnOf := make(map[string]string, len(aliases))
	for column, alias := range aliases {
		columnOf[alias] = column
	}

	changed := false
	for _, name := range slices.Sorted(maps.Keys(attrs)) {
		want := attrs[name]
		if column, ok := columnOf[name]; ok {
			if columns[column] != want {
				return false, fmt.Errorf("registering search attribute %q as %s: already %s",
					name, want, columns[column])
			}
			continue
		}

		column := freeColumn(columns, aliases, want)
		if column == "" {
			return false, fmt.Errorf("registering search attribute %q: no free %s column", name, want)
		}
		aliases[column] = name
		changed = true
	}
	return changed, nil
}

func freeColumn(columns attrTypes, used map[string]string, want enumspb.IndexedValueType) string {
	for _, column := range slices.Sorted(maps.Keys(columns)) {
		if _, taken := used[column]; !taken && columns[column] == want {
			return column
		}
	}
	return ""
}
