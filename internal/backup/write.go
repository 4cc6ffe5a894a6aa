package backup

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"time"

	"github.com/itoir/miz/internal/documents"
	"github.com/itoir/miz/internal/store"
)

// Source is what a backup reads: the database, the document store and the key ring.
type Source struct {
	DB        *store.DB
	Documents documents.Store
	// KeysDir is the key ring directory (<data>/keys); a missing directory is no keys.
	KeysDir string
	// MizVersion is recorded in the manifest.
	MizVersion string
	// Gzip compresses the archive.
	Gzip bool
	// Progress receives one line per table and per stage; nil discards them.
	Progress io.Writer
	// Now stamps the manifest; nil means time.Now.
	Now func() time.Time
}

// Write streams an archive of src to w. Every table is read inside one snapshot, so the
// rows are consistent with each other while the server keeps writing; documents are
// walked after the snapshot, so each blob a row refers to is already stored (blobs are
// written before the rows that name them, and never change).
func Write(ctx context.Context, w io.Writer, src Source) (*Manifest, error) {
	now := time.Now
	if src.Now != nil {
		now = src.Now
	}
	progress := src.Progress
	if progress == nil {
		progress = io.Discard
	}
	m := &Manifest{Format: FormatVersion, MizVersion: src.MizVersion, Dialect: string(src.DB.Dialect), CreatedAt: now().UTC()}
	var zw *gzip.Writer
	out := w
	if src.Gzip {
		zw = gzip.NewWriter(w)
		out = zw
	}
	tw := tar.NewWriter(out)
	spool, err := os.CreateTemp("", "miz-backup-table-*")
	if err != nil {
		return nil, fmt.Errorf("backup: spool: %w", err)
	}
	defer os.Remove(spool.Name())
	defer spool.Close()

	err = src.DB.ViewSnapshot(ctx, func(tx *store.Tx) error {
		return writeTables(ctx, tx, tw, spool, m, progress)
	})
	if err != nil {
		return nil, err
	}
	if src.Documents != nil {
		if err := writeDocuments(ctx, tw, src.Documents, m); err != nil {
			return nil, err
		}
	}
	fmt.Fprintf(progress, "documents: %d blobs, %d bytes\n", m.Documents.Count, m.Documents.Bytes)
	if err := writeKeys(tw, src.KeysDir, m); err != nil {
		return nil, err
	}
	fmt.Fprintf(progress, "keys: %d files\n", len(m.Keys))
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("backup: manifest: %w", err)
	}
	if err := addFile(tw, ManifestName, b, m.CreatedAt); err != nil {
		return nil, err
	}
	if err := tw.Close(); err != nil {
		return nil, fmt.Errorf("backup: finish: %w", err)
	}
	if zw != nil {
		if err := zw.Close(); err != nil {
			return nil, fmt.Errorf("backup: finish: %w", err)
		}
	}
	return m, nil
}

// writeTables dumps every table of the snapshot, each through the spool file because a
// tar header needs the entry's size before its content.
func writeTables(ctx context.Context, tx *store.Tx, tw *tar.Writer, spool *os.File, m *Manifest, progress io.Writer) error {
	var v sql.NullInt64
	if err := tx.QueryRow(ctx, "SELECT MAX(version) FROM "+migrationsTable).Scan(&v); err != nil {
		return fmt.Errorf("backup: schema version (is the database migrated?): %w", err)
	}
	m.SchemaVersion = int(v.Int64)
	tables, err := readSchema(ctx, tx)
	if err != nil {
		return err
	}
	for _, t := range tables {
		if err := spool.Truncate(0); err != nil {
			return fmt.Errorf("backup: spool: %w", err)
		}
		if _, err := spool.Seek(0, io.SeekStart); err != nil {
			return fmt.Errorf("backup: spool: %w", err)
		}
		h := sha256.New()
		n, err := dumpTable(ctx, tx, t, io.MultiWriter(spool, h))
		if err != nil {
			return err
		}
		size, err := spool.Seek(0, io.SeekCurrent)
		if err != nil {
			return fmt.Errorf("backup: spool: %w", err)
		}
		if _, err := spool.Seek(0, io.SeekStart); err != nil {
			return fmt.Errorf("backup: spool: %w", err)
		}
		hdr := &tar.Header{Name: "db/" + t.Name + ".jsonl", Mode: 0o600, Size: size, ModTime: m.CreatedAt, Typeflag: tar.TypeReg}
		if err := tw.WriteHeader(hdr); err != nil {
			return fmt.Errorf("backup: write %s: %w", t.Name, err)
		}
		if _, err := io.CopyN(tw, spool, size); err != nil {
			return fmt.Errorf("backup: write %s: %w", t.Name, err)
		}
		m.Tables = append(m.Tables, TableSum{Name: t.Name, Columns: t.Columns, Rows: n, SHA256: hex.EncodeToString(h.Sum(nil))})
		fmt.Fprintf(progress, "table %s: %d rows\n", t.Name, n)
	}
	if m.table("audit_log") != nil {
		if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM audit_log").Scan(&m.AuditEntries); err != nil {
			return fmt.Errorf("backup: audit head: %w", err)
		}
		if m.AuditEntries > 0 {
			if err := tx.QueryRow(ctx, "SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1").Scan(&m.AuditHead); err != nil {
				return fmt.Errorf("backup: audit head: %w", err)
			}
		}
	}
	return nil
}

// writeDocuments copies every stored blob, checking on the way that its content still
// matches its address, so that a damaged blob fails the backup rather than the restore.
func writeDocuments(ctx context.Context, tw *tar.Writer, docs documents.Store, m *Manifest) error {
	return docs.Walk(ctx, func(sha string, size int64) error {
		rc, err := docs.Open(ctx, sha)
		if err != nil {
			return fmt.Errorf("backup: document %s: %w", sha, err)
		}
		defer rc.Close()
		name := path.Join("documents", "sha256", sha[0:2], sha[2:4], sha)
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o600, Size: size, ModTime: m.CreatedAt, Typeflag: tar.TypeReg}); err != nil {
			return fmt.Errorf("backup: document %s: %w", sha, err)
		}
		h := sha256.New()
		n, err := io.Copy(io.MultiWriter(tw, h), io.LimitReader(rc, size+1))
		if err != nil {
			return fmt.Errorf("backup: document %s: %w", sha, err)
		}
		if n != size || hex.EncodeToString(h.Sum(nil)) != sha {
			return fmt.Errorf("backup: document %s: stored content does not match its address (damaged blob)", sha)
		}
		m.Documents.Count++
		m.Documents.Bytes += size
		return nil
	})
}

// writeKeys copies the regular files of the key ring directory.
func writeKeys(tw *tar.Writer, dir string, m *Manifest) error {
	if dir == "" {
		return nil
	}
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("backup: keys: %w", err)
	}
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			return fmt.Errorf("backup: keys: %w", err)
		}
		if err := addFile(tw, "keys/"+e.Name(), b, m.CreatedAt); err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		m.Keys = append(m.Keys, FileSum{Name: e.Name(), Size: int64(len(b)), SHA256: hex.EncodeToString(sum[:])})
	}
	return nil
}

func addFile(tw *tar.Writer, name string, b []byte, at time.Time) error {
	if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o600, Size: int64(len(b)), ModTime: at, Typeflag: tar.TypeReg}); err != nil {
		return fmt.Errorf("backup: write %s: %w", name, err)
	}
	if _, err := tw.Write(b); err != nil {
		return fmt.Errorf("backup: write %s: %w", name, err)
	}
	return nil
}
