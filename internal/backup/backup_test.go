package backup

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

// openEmpty opens an unmigrated database of the named dialect.
func openEmpty(t *testing.T, dialect store.Dialect) *store.DB {
	t.Helper()
	url := ""
	if dialect == store.Postgres {
		url = storetest.PostgresURL(t)
	}
	db, err := store.Open(context.Background(), url, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// seedAwkwardRows writes the values that differ most between the dialects: text whose
// byte order is not its locale order, NULLs, booleans, blobs with every byte, and a
// table without a primary key holding duplicate rows.
func seedAwkwardRows(t *testing.T, db *store.DB) {
	t.Helper()
	err := db.Update(context.Background(), func(tx *store.Tx) error {
		for _, k := range []string{"b", "B", "a", "é", "a b", "", "z\nline"} {
			if _, err := tx.Exec(context.Background(), "INSERT INTO kv (key, value) VALUES (?, ?)", k, "«"+k+"» <&> \"q\""); err != nil {
				return err
			}
		}
		for _, a := range []struct {
			k  string
			at int64
		}{{"k", 1}, {"k", 1}, {"K", 2}, {"k", -5}} {
			if _, err := tx.Exec(context.Background(), "INSERT INTO login_attempts (key, at) VALUES (?, ?)", a.k, a.at); err != nil {
				return err
			}
		}
		all := make([]byte, 256)
		for i := range all {
			all[i] = byte(i)
		}
		if _, err := tx.Exec(context.Background(), "INSERT INTO tlog_leaves (idx, data, leaf_hash, created_at) VALUES (?, ?, ?, ?)",
			0, all, []byte{}, int64(1)<<62); err != nil {
			return err
		}
		_, err := tx.Exec(context.Background(), `INSERT INTO accounts (username, kind, is_admin, created_at) VALUES (?, 'staff', ?, 1)`, "root", true)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestRowsRoundTripBetweenDialects(t *testing.T) {
	for _, dir := range []struct {
		name     string
		from, to store.Dialect
	}{{"sqlite to postgres", store.SQLite, store.Postgres}, {"postgres to sqlite", store.Postgres, store.SQLite},
		{"sqlite to sqlite", store.SQLite, store.SQLite}} {
		t.Run(dir.name, func(t *testing.T) {
			ctx := context.Background()
			src := openEmpty(t, dir.from)
			if err := src.Migrate(ctx, nil); err != nil {
				t.Fatal(err)
			}
			seedAwkwardRows(t, src)
			var buf bytes.Buffer
			want, err := Write(ctx, &buf, Source{DB: src, Gzip: true})
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(t.TempDir(), "a.tar.gz")
			if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
				t.Fatal(err)
			}
			dst := openEmpty(t, dir.to)
			data := t.TempDir()
			if _, err := Restore(ctx, path, Target{DB: dst, DocumentsDir: filepath.Join(data, "documents"), KeysDir: filepath.Join(data, "keys")}); err != nil {
				t.Fatal(err)
			}
			buf.Reset()
			got, err := Write(ctx, &buf, Source{DB: dst})
			if err != nil {
				t.Fatal(err)
			}
			if len(got.Tables) != len(want.Tables) {
				t.Fatalf("%d tables after the round trip, %d before", len(got.Tables), len(want.Tables))
			}
			for i, w := range want.Tables {
				if g := got.Tables[i]; g.Name != w.Name || g.Rows != w.Rows || g.SHA256 != w.SHA256 {
					t.Errorf("table %s: %d rows %s, want %s %d rows %s", g.Name, g.Rows, shortHash(g.SHA256), w.Name, w.Rows, shortHash(w.SHA256))
				}
			}
			// The identity sequence moved past the restored account.
			err = dst.Update(ctx, func(tx *store.Tx) error {
				id, err := tx.InsertID(ctx, `INSERT INTO accounts (username, kind, created_at) VALUES ('next', 'staff', 2)`)
				if err == nil && id != 2 {
					t.Errorf("next account id %d, want 2", id)
				}
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestDependencyOrderPutsParentsFirst(t *testing.T) {
	got := dependencyOrder([]table{{Name: "a", Refs: []string{"c"}}, {Name: "b"}, {Name: "c", Refs: []string{"b", "c"}},
		{Name: "x", Refs: []string{"y"}}, {Name: "y", Refs: []string{"x"}}})
	var names []string
	for _, t := range got {
		names = append(names, t.Name)
	}
	if want := "b c a x y"; joinNames(names) != want {
		t.Fatalf("order %q, want %q", joinNames(names), want)
	}
}

func joinNames(ns []string) string {
	var b bytes.Buffer
	for i, n := range ns {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(n)
	}
	return b.String()
}
