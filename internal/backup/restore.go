package backup

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/itoir/miz/internal/audit"
	"github.com/itoir/miz/internal/store"
)

// ErrNotEmpty is returned (wrapped) when the target database already holds tables.
var ErrNotEmpty = errors.New("target database is not empty")

// Target is where a restore writes: an empty database and an empty data directory's
// document store and key ring.
type Target struct {
	DB *store.DB
	// DocumentsDir is the disk document store's root (<data>/documents).
	DocumentsDir string
	// KeysDir is the key ring directory (<data>/keys).
	KeysDir string
	// Progress receives one line per table and per stage; nil discards them.
	Progress io.Writer
}

// Restore loads the archive at path into tgt. The schema is migrated to the archive's
// version and every row inserted in one transaction, committed only once each table
// reads back with the manifest's row count and hash, every blob with its address and
// every key file with its hash; a failed restore therefore leaves the database empty.
// Then the schema is brought up to this binary's version and the audit chain must
// verify to the archive's head.
func Restore(ctx context.Context, path string, tgt Target) (*Manifest, error) {
	progress := tgt.Progress
	if progress == nil {
		progress = io.Discard
	}
	m, err := ReadManifest(path)
	if err != nil {
		return nil, err
	}
	if latest := tgt.DB.LatestVersion(); m.SchemaVersion > latest {
		return nil, fmt.Errorf("backup: archive is at schema version %d but this binary knows only %d: restore it with a newer miz", m.SchemaVersion, latest)
	}
	fmt.Fprintf(progress, "archive: %s backup of schema version %d taken %s, %d tables, %d documents\n",
		m.Dialect, m.SchemaVersion, m.CreatedAt.Format("2006-01-02 15:04:05Z"), len(m.Tables), m.Documents.Count)
	err = tgt.DB.Update(ctx, func(tx *store.Tx) error {
		return restoreInTx(ctx, tx, path, m, tgt, progress)
	})
	if err != nil {
		return nil, err
	}
	if err := tgt.DB.Migrate(ctx, nil); err != nil {
		return nil, fmt.Errorf("backup: migrate restored database: %w", err)
	}
	res, err := audit.Verify(ctx, tgt.DB, nil)
	if err != nil {
		return nil, fmt.Errorf("backup: restored audit chain: %w", err)
	}
	if res.Entries != m.AuditEntries || (res.Entries > 0 && res.Head != m.AuditHead) {
		return nil, fmt.Errorf("backup: restored audit chain has %d entries and head %s, the archive %d and %s",
			res.Entries, shortHash(res.Head), m.AuditEntries, shortHash(m.AuditHead))
	}
	fmt.Fprintf(progress, "audit chain: %d entries, head %s\n", res.Entries, res.Head)
	return m, nil
}

func restoreInTx(ctx context.Context, tx *store.Tx, path string, m *Manifest, tgt Target, progress io.Writer) error {
	existing, err := tableNames(ctx, tx)
	if err != nil {
		return fmt.Errorf("backup: list tables: %w", err)
	}
	if len(existing) > 0 {
		return fmt.Errorf("backup: %w: it already has %d tables (%s…); restore into an empty database or schema",
			ErrNotEmpty, len(existing), strings.Join(existing[:min(3, len(existing))], ", "))
	}
	if err := tx.MigrateTo(ctx, m.SchemaVersion); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if tx.Dialect == store.SQLite {
		// Checked at commit instead of per row; on PostgreSQL the archive's table order,
		// parents first, satisfies the foreign keys as rows arrive.
		if _, err := tx.Exec(ctx, "PRAGMA defer_foreign_keys = ON"); err != nil {
			return fmt.Errorf("backup: defer foreign keys: %w", err)
		}
	}
	tables, err := readSchema(ctx, tx)
	if err != nil {
		return err
	}
	byName, err := matchTables(tables, m)
	if err != nil {
		return err
	}
	// Migrations may seed rows (a singleton state row, say); the archive holds those rows
	// as they were, so clear them first, children before parents.
	for i := len(tables) - 1; i >= 0; i-- {
		if _, err := tx.Exec(ctx, "DELETE FROM "+quoteIdent(tables[i].Name)); err != nil {
			return fmt.Errorf("backup: clear seeded rows of %s: %w", tables[i].Name, err)
		}
	}
	loaded := map[string]bool{}
	var docs DocSum
	keys := 0
	err = walkArchive(path, func(name string, r io.Reader) error {
		switch {
		case name == ManifestName:
			return nil
		case strings.HasPrefix(name, "db/") && strings.HasSuffix(name, ".jsonl"):
			tname := strings.TrimSuffix(strings.TrimPrefix(name, "db/"), ".jsonl")
			t, ok := byName[tname]
			if !ok || loaded[tname] {
				return fmt.Errorf("backup: archive entry %s is not in the manifest or appears twice: archive altered", name)
			}
			if err := loadTable(ctx, tx, t, r, m.table(tname)); err != nil {
				return err
			}
			loaded[tname] = true
			fmt.Fprintf(progress, "table %s: %d rows\n", tname, m.table(tname).Rows)
			return nil
		case strings.HasPrefix(name, "documents/"):
			sha, err := blobAddress(name)
			if err != nil {
				return err
			}
			n, err := writeBlob(tgt.DocumentsDir, sha, r)
			if err != nil {
				return err
			}
			docs.Count++
			docs.Bytes += n
			return nil
		case strings.HasPrefix(name, "keys/"):
			keys++
			return writeKey(tgt.KeysDir, name, r, m)
		}
		return fmt.Errorf("backup: unexpected archive entry %q", name)
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(progress, "documents: %d blobs, %d bytes\n", docs.Count, docs.Bytes)
	fmt.Fprintf(progress, "keys: %d files\n", keys)
	if len(loaded) != len(m.Tables) {
		return fmt.Errorf("backup: archive holds %d of the %d tables its manifest lists: archive damaged", len(loaded), len(m.Tables))
	}
	if docs != m.Documents {
		return fmt.Errorf("backup: archive holds %d documents (%d bytes), its manifest %d (%d bytes): archive damaged",
			docs.Count, docs.Bytes, m.Documents.Count, m.Documents.Bytes)
	}
	if keys != len(m.Keys) {
		return fmt.Errorf("backup: archive holds %d key files, its manifest %d: archive damaged", keys, len(m.Keys))
	}
	for _, t := range tables {
		if err := verifyTable(ctx, tx, t, m.table(t.Name)); err != nil {
			return err
		}
	}
	fmt.Fprintf(progress, "verified: %d tables read back with the manifest's row counts and hashes\n", len(tables))
	return resetSequences(ctx, tx, tables)
}

// matchTables checks that the freshly migrated schema has exactly the archive's tables
// with the same columns, and indexes the schema by name.
func matchTables(tables []table, m *Manifest) (map[string]table, error) {
	byName := map[string]table{}
	for _, t := range tables {
		want := m.table(t.Name)
		if want == nil {
			return nil, fmt.Errorf("backup: table %s exists at schema version %d but is missing from the archive: archive altered", t.Name, m.SchemaVersion)
		}
		if !sameColumns(t.Columns, want.Columns) {
			return nil, fmt.Errorf("backup: table %s: archive has columns (%s), this database (%s)", t.Name, columnList(want.Columns), columnList(t.Columns))
		}
		byName[t.Name] = t
	}
	for _, ts := range m.Tables {
		if _, ok := byName[ts.Name]; !ok {
			return nil, fmt.Errorf("backup: archive table %s does not exist at schema version %d", ts.Name, m.SchemaVersion)
		}
	}
	return byName, nil
}
