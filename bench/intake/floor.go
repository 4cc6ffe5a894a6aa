package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"

	"github.com/itoir/miz/internal/store"
)

// floor is the durable floor: the smallest server that does, per case, the durable
// work Miz must do and nothing else, on Miz's own storage engine (internal/store:
// on SQLite the single writer with group commit and synchronous=FULL; on
// PostgreSQL the same pool and transactions Miz uses). Create inserts one
// row, the upload is spooled through a hash into a temporary file, synced and linked
// under its digest as internal/documents does, and its row inserted; submit updates
// the case and appends one event. Every answer follows the commit (or the file's sync)
// that makes it durable. What Miz spends above this floor is its domain: the SLA
// clock, timers, audit chain, notifications, authorisation, validation (issue 18).
type floor struct {
	db   *store.DB
	root string
}

// openFloor opens the floor's store: dbURL as store.Open takes it (empty: SQLite in
// dir), with its three tables created.
func openFloor(ctx context.Context, dbURL, dir string) (*floor, error) {
	db, err := store.Open(ctx, dbURL, filepath.Join(dir, "db"))
	if err != nil {
		return nil, err
	}
	id := "id INTEGER PRIMARY KEY"
	if db.Dialect == store.Postgres {
		id = "id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY"
	}
	err = db.Update(ctx, func(tx *store.Tx) error {
		for _, q := range []string{
			`CREATE TABLE fcases (` + id + `, code TEXT NOT NULL UNIQUE, body TEXT NOT NULL,
				state TEXT NOT NULL, created_at BIGINT NOT NULL)`,
			`CREATE TABLE fdocs (` + id + `, case_code TEXT NOT NULL, sha256 TEXT NOT NULL, size BIGINT NOT NULL)`,
			`CREATE TABLE fevents (` + id + `, case_code TEXT NOT NULL, kind TEXT NOT NULL, at BIGINT NOT NULL)`,
		} {
			if _, err := tx.Exec(ctx, q); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		db.Close()
		return nil, err
	}
	root := filepath.Join(dir, "blobs")
	if err := os.MkdirAll(filepath.Join(root, "tmp"), 0o700); err != nil {
		db.Close()
		return nil, err
	}
	return &floor{db: db, root: root}, nil
}

func (f *floor) Close() error { return f.db.Close() }

// errNoCase answers an upload or submission for a case the floor does not have (or,
// for a submission, has already submitted) with 404, as Miz refuses them.
var errNoCase = errors.New("no such case")

func (f *floor) handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/v1/cases", func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		code := rand.Text()[:12]
		err = f.db.Update(r.Context(), func(tx *store.Tx) error {
			_, err := tx.Exec(r.Context(), "INSERT INTO fcases (code, body, state, created_at) VALUES (?, ?, 'draft', ?)",
				code, string(body), tx.Now.UnixMilli())
			return err
		})
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		fmt.Fprintf(w, `{"tracking_code":%q,"state":"draft"}`, code)
	})
	mux.HandleFunc("POST /api/v1/cases/{code}/documents", func(w http.ResponseWriter, r *http.Request) {
		stored := 0
		err := eachPart(r, func(p *multipart.Part) error {
			if p.FormName() != "file" {
				_, err := io.Copy(io.Discard, p)
				return err
			}
			sha, n, err := f.put(p)
			if err != nil {
				return err
			}
			return f.db.Update(r.Context(), func(tx *store.Tx) error {
				res, err := tx.Exec(r.Context(), `INSERT INTO fdocs (case_code, sha256, size)
					SELECT ?, ?, ? WHERE EXISTS (SELECT 1 FROM fcases WHERE code = ?)`,
					r.PathValue("code"), sha, n, r.PathValue("code"))
				if err != nil {
					return err
				}
				if k, err := res.RowsAffected(); err != nil || k != 1 {
					return errNoCase
				}
				stored++
				return nil
			})
		})
		switch {
		case errors.Is(err, errNoCase):
			http.Error(w, "no such case", http.StatusNotFound)
		case err != nil:
			http.Error(w, err.Error(), http.StatusInternalServerError)
		case stored == 0:
			http.Error(w, "no file part", http.StatusBadRequest)
		default:
			w.WriteHeader(http.StatusCreated)
			_, _ = w.Write([]byte(`{}`))
		}
	})
	mux.HandleFunc("POST /api/v1/cases/{code}/submit", func(w http.ResponseWriter, r *http.Request) {
		code := r.PathValue("code")
		err := f.db.Update(r.Context(), func(tx *store.Tx) error {
			res, err := tx.Exec(r.Context(), "UPDATE fcases SET state = 'submitted' WHERE code = ? AND state = 'draft'", code)
			if err != nil {
				return err
			}
			if k, err := res.RowsAffected(); err != nil || k != 1 {
				return errNoCase
			}
			_, err = tx.Exec(r.Context(), "INSERT INTO fevents (case_code, kind, at) VALUES (?, 'submitted', ?)",
				code, tx.Now.UnixMilli())
			return err
		})
		switch {
		case errors.Is(err, errNoCase):
			http.Error(w, "no draft case with this code", http.StatusNotFound)
		case err != nil:
			http.Error(w, err.Error(), http.StatusInternalServerError)
		default:
			_, _ = w.Write([]byte(`{}`))
		}
	})
	return mux
}

// put stores r as internal/documents' disk store does: spooled through a 64 KiB
// buffer and a SHA-256, synced, then linked under its digest (an existing blob is
// kept) and the directory synced when the link is new.
func (f *floor) put(r io.Reader) (string, int64, error) {
	tmp, err := os.CreateTemp(filepath.Join(f.root, "tmp"), "put-*")
	if err != nil {
		return "", 0, err
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	h := sha256.New()
	bw := bufio.NewWriterSize(tmp, 64<<10)
	n, err := io.Copy(io.MultiWriter(bw, h), r)
	if err == nil {
		err = bw.Flush()
	}
	if err == nil {
		err = tmp.Sync()
	}
	if err != nil {
		return "", 0, err
	}
	sha := hex.EncodeToString(h.Sum(nil))
	final := filepath.Join(f.root, sha)
	switch err := os.Link(tmp.Name(), final); {
	case errors.Is(err, fs.ErrExist):
		return sha, n, nil
	case err != nil:
		return "", 0, err
	}
	d, err := os.Open(f.root)
	if err != nil {
		return "", 0, err
	}
	defer d.Close()
	return sha, n, d.Sync()
}
