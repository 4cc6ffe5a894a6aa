package backup

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/itoir/miz/internal/store"
)

// maxParams keeps one multi-row INSERT under both dialects' bound-parameter limits.
const maxParams = 30000

// loadTable inserts the rows of one db/<table>.jsonl stream, checking its row count and
// the SHA-256 of its bytes against the manifest as it goes.
func loadTable(ctx context.Context, tx *store.Tx, t table, r io.Reader, want *TableSum) error {
	h := sha256.New()
	br := bufio.NewReaderSize(io.TeeReader(r, h), 1<<16)
	perBatch := maxParams / len(t.Columns)
	if perBatch > 500 {
		perBatch = 500
	}
	full := insertSQL(t, perBatch)
	var args []any
	var n, pending int64
	flush := func() error {
		if pending == 0 {
			return nil
		}
		q := full
		if pending != int64(perBatch) {
			q = insertSQL(t, int(pending))
		}
		if _, err := tx.Exec(ctx, q, args...); err != nil {
			return fmt.Errorf("backup: restore %s: insert near row %d: %w", t.Name, n, err)
		}
		args, pending = args[:0], 0
		return nil
	}
	for {
		line, err := br.ReadBytes('\n')
		if len(line) > 0 {
			if line[len(line)-1] != '\n' {
				return fmt.Errorf("backup: restore %s: last row is cut short: archive damaged", t.Name)
			}
			row, derr := decodeRow(line, t.Columns)
			if derr != nil {
				return fmt.Errorf("backup: restore %s row %d: %w", t.Name, n+1, derr)
			}
			args = append(args, row...)
			n++
			if pending++; pending == int64(perBatch) {
				if err := flush(); err != nil {
					return err
				}
			}
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("backup: restore %s: %w", t.Name, err)
		}
	}
	if err := flush(); err != nil {
		return err
	}
	if sum := hex.EncodeToString(h.Sum(nil)); n != want.Rows || sum != want.SHA256 {
		return fmt.Errorf("backup: restore %s: %d rows hashing to %s, manifest says %d rows hashing to %s: archive damaged or altered",
			t.Name, n, sum[:12], want.Rows, shortHash(want.SHA256))
	}
	return nil
}

func insertSQL(t table, rows int) string {
	cols := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		cols[i] = quoteIdent(c.Name)
	}
	one := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ") + ")"
	vals := strings.TrimSuffix(strings.Repeat(one+", ", rows), ", ")
	return "INSERT INTO " + quoteIdent(t.Name) + " (" + strings.Join(cols, ", ") + ") VALUES " + vals
}

// verifyTable reads back what was inserted, encoded exactly as a backup would encode
// it, and compares it with the manifest: the proof that the target database holds
// the same values, whatever its dialect.
func verifyTable(ctx context.Context, tx *store.Tx, t table, want *TableSum) error {
	h := sha256.New()
	n, err := dumpTable(ctx, tx, t, h)
	if err != nil {
		return err
	}
	if sum := hex.EncodeToString(h.Sum(nil)); n != want.Rows || sum != want.SHA256 {
		return fmt.Errorf("backup: restore %s: the database holds %d rows hashing to %s, the archive %d rows hashing to %s",
			t.Name, n, sum[:12], want.Rows, shortHash(want.SHA256))
	}
	return nil
}

// resetSequences moves PostgreSQL identity sequences past the restored ids, so that
// the next insert does not collide with a restored row.
func resetSequences(ctx context.Context, tx *store.Tx, ts []table) error {
	if tx.Dialect != store.Postgres {
		return nil // SQLite picks max(rowid)+1 by itself
	}
	for _, t := range ts {
		for _, col := range t.Identity {
			q := `SELECT setval(pg_get_serial_sequence(?, ?), COALESCE((SELECT MAX(` + quoteIdent(col) + `) FROM ` +
				quoteIdent(t.Name) + `), 0) + 1, false)`
			if _, err := tx.Exec(ctx, q, quoteIdent(t.Name), col); err != nil {
				return fmt.Errorf("backup: restore %s: reset sequence of %s: %w", t.Name, col, err)
			}
		}
	}
	return nil
}

// sameColumns reports whether the archive and the target agree on a table's columns.
func sameColumns(a, b []Column) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func columnList(cs []Column) string {
	s := make([]string, len(cs))
	for i, c := range cs {
		s[i] = c.Name + " " + string(c.Kind)
	}
	return strings.Join(s, ", ")
}

func shortHash(s string) string {
	if len(s) > 12 {
		return s[:12]
	}
	return s
}
