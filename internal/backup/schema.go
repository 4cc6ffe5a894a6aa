package backup

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/itoir/miz/internal/store"
)

// Kind is the portable type of a column, the same on both dialects.
type Kind string

// The column kinds Miz's migrations use: BIGINT/INTEGER, TEXT, {{BOOL}}, {{BLOB}}, and
// floating point for completeness.
const (
	KindInt   Kind = "int"
	KindText  Kind = "text"
	KindBool  Kind = "bool"
	KindBlob  Kind = "blob"
	KindFloat Kind = "float"
)

// Column is one column of a table as an archive records it.
type Column struct {
	Name string `json:"name"`
	Kind Kind   `json:"kind"`
}

// table is what the catalog says about one table.
type table struct {
	Name     string
	Columns  []Column // sorted by name, the order rows are encoded in
	Key      []string // primary-key columns in key order; empty when there is none
	Refs     []string // tables its foreign keys point to
	Identity []string // PostgreSQL identity or serial columns, whose sequences a restore resets
}

// migrationsTable is bookkeeping of the database it lives in, written by the migrations
// themselves, so it is neither backed up nor restored.
const migrationsTable = "schema_migrations"

// readSchema lists the tables of the current database (SQLite) or schema (PostgreSQL)
// in an order where each table comes after the tables it references.
func readSchema(ctx context.Context, tx *store.Tx) ([]table, error) {
	var ts []table
	var err error
	if tx.Dialect == store.Postgres {
		ts, err = readPostgresSchema(ctx, tx)
	} else {
		ts, err = readSQLiteSchema(ctx, tx)
	}
	if err != nil {
		return nil, fmt.Errorf("backup: read schema: %w", err)
	}
	for i := range ts {
		sort.Slice(ts[i].Columns, func(a, b int) bool { return ts[i].Columns[a].Name < ts[i].Columns[b].Name })
	}
	return dependencyOrder(ts), nil
}

func readSQLiteSchema(ctx context.Context, tx *store.Tx) ([]table, error) {
	// Ordinary tables only: virtual tables (the FTS5 index of the registry search,
	// issue 18) and their shadow tables are derived data, rebuilt by their triggers as
	// the rows are restored, and SQLite-only.
	names, err := queryStrings(ctx, tx, `SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'table'
		AND name NOT LIKE 'sqlite_%' ORDER BY name`)
	if err != nil {
		return nil, err
	}
	var ts []table
	for _, name := range names {
		if name == migrationsTable {
			continue
		}
		t := table{Name: name}
		rows, err := tx.Query(ctx, `SELECT name, type, pk FROM pragma_table_info(?) ORDER BY pk, cid`, name)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var col, typ string
			var pk int
			if err := rows.Scan(&col, &typ, &pk); err != nil {
				rows.Close()
				return nil, err
			}
			t.Columns = append(t.Columns, Column{Name: col, Kind: sqliteKind(typ)})
			if pk > 0 {
				t.Key = append(t.Key, col)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		if t.Refs, err = queryStrings(ctx, tx, `SELECT DISTINCT "table" FROM pragma_foreign_key_list(?)`, name); err != nil {
			return nil, err
		}
		ts = append(ts, t)
	}
	return ts, nil
}

// tableNames lists the tables other than schema_migrations, cheaply: a restore asks it
// to make sure its target holds nothing yet.
func tableNames(ctx context.Context, tx *store.Tx) ([]string, error) {
	q := `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> ? ORDER BY name`
	if tx.Dialect == store.Postgres {
		q = `SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename <> ? ORDER BY tablename`
	}
	return queryStrings(ctx, tx, q, migrationsTable)
}

// sqliteKind maps a declared type to a kind by SQLite's own affinity rules, with
// BOOLEAN (which SQLite treats as NUMERIC) recognised first.
func sqliteKind(decl string) Kind {
	d := strings.ToUpper(decl)
	switch {
	case strings.Contains(d, "BOOL"):
		return KindBool
	case strings.Contains(d, "INT"):
		return KindInt
	case strings.Contains(d, "CHAR"), strings.Contains(d, "CLOB"), strings.Contains(d, "TEXT"):
		return KindText
	case d == "", strings.Contains(d, "BLOB"):
		return KindBlob
	default:
		return KindFloat
	}
}

func readPostgresSchema(ctx context.Context, tx *store.Tx) ([]table, error) {
	names, err := queryStrings(ctx, tx, `SELECT table_name FROM information_schema.tables
		WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`)
	if err != nil {
		return nil, err
	}
	byName := map[string]*table{}
	ts := make([]table, 0, len(names))
	for _, n := range names {
		if n != migrationsTable {
			ts = append(ts, table{Name: n})
		}
	}
	for i := range ts {
		byName[ts[i].Name] = &ts[i]
	}
	rows, err := tx.Query(ctx, `SELECT table_name, column_name, data_type,
			is_identity = 'YES' OR COALESCE(column_default, '') LIKE 'nextval(%'
		FROM information_schema.columns WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var tname, col, typ string
		var ident bool
		if err := rows.Scan(&tname, &col, &typ, &ident); err != nil {
			return nil, err
		}
		t := byName[tname]
		if t == nil {
			continue
		}
		k, err := postgresKind(typ)
		if err != nil {
			return nil, fmt.Errorf("%s.%s: %w", tname, col, err)
		}
		t.Columns = append(t.Columns, Column{Name: col, Kind: k})
		if ident {
			t.Identity = append(t.Identity, col)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	keys, err := queryPairs(ctx, tx, `SELECT kcu.table_name, kcu.column_name
		FROM information_schema.table_constraints tc
		JOIN information_schema.key_column_usage kcu ON kcu.constraint_schema = tc.constraint_schema
			AND kcu.constraint_name = tc.constraint_name AND kcu.table_name = tc.table_name
		WHERE tc.constraint_type = 'PRIMARY KEY' AND tc.table_schema = current_schema()
		ORDER BY kcu.table_name, kcu.ordinal_position`)
	if err != nil {
		return nil, err
	}
	for _, p := range keys {
		if t := byName[p[0]]; t != nil {
			t.Key = append(t.Key, p[1])
		}
	}
	refs, err := queryPairs(ctx, tx, `SELECT DISTINCT c.relname, r.relname FROM pg_constraint k
		JOIN pg_class c ON c.oid = k.conrelid JOIN pg_class r ON r.oid = k.confrelid
		JOIN pg_namespace n ON n.oid = k.connamespace
		WHERE k.contype = 'f' AND n.nspname = current_schema() ORDER BY 1, 2`)
	if err != nil {
		return nil, err
	}
	for _, p := range refs {
		if t := byName[p[0]]; t != nil {
			t.Refs = append(t.Refs, p[1])
		}
	}
	return ts, nil
}

func postgresKind(typ string) (Kind, error) {
	switch typ {
	case "bigint", "integer", "smallint":
		return KindInt, nil
	case "text", "character varying", "character", "json", "jsonb", "uuid":
		return KindText, nil
	case "boolean":
		return KindBool, nil
	case "bytea":
		return KindBlob, nil
	case "double precision", "real", "numeric":
		return KindFloat, nil
	}
	return "", fmt.Errorf("column type %q is not supported by backups", typ)
}

// dependencyOrder sorts tables so that every table follows those it references, ties
// broken by name; tables caught in a reference cycle keep name order at the end.
func dependencyOrder(ts []table) []table {
	sort.Slice(ts, func(i, j int) bool { return ts[i].Name < ts[j].Name })
	placed := map[string]bool{}
	present := map[string]bool{}
	for _, t := range ts {
		present[t.Name] = true
	}
	var out []table
	for len(out) < len(ts) {
		progress := false
		for _, t := range ts {
			if placed[t.Name] || !refsPlaced(t, placed, present) {
				continue
			}
			placed[t.Name], progress = true, true
			out = append(out, t)
		}
		if !progress {
			for _, t := range ts {
				if !placed[t.Name] {
					placed[t.Name] = true
					out = append(out, t)
				}
			}
		}
	}
	return out
}

func refsPlaced(t table, placed, present map[string]bool) bool {
	for _, r := range t.Refs {
		if r != t.Name && present[r] && !placed[r] {
			return false
		}
	}
	return true
}

func queryStrings(ctx context.Context, tx *store.Tx, q string, args ...any) ([]string, error) {
	rows, err := tx.Query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

func queryPairs(ctx context.Context, tx *store.Tx, q string) ([][2]string, error) {
	rows, err := tx.Query(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out [][2]string
	for rows.Next() {
		var p [2]string
		if err := rows.Scan(&p[0], &p[1]); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}
