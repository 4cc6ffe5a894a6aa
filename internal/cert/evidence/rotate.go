package evidence

import (
	"context"
	"fmt"
	"sort"

	"github.com/itoir/miz/internal/audit"
	"github.com/itoir/miz/internal/store"
)

// keyFor is the key that wrapped a file's data key: the current one, or one the
// ring holds (a key retired by a rotation whose files are not all rewrapped yet).
func (s *Service) keyFor(id string) (*Key, error) {
	if s.Key != nil && s.Key.ID() == id {
		return s.Key, nil
	}
	if s.Ring != nil {
		return s.Ring.Find(id)
	}
	return nil, fmt.Errorf("evidence: file was sealed with key %s, this desk holds %s", id, s.Key.ID())
}

// KeyUse counts the stored files by the ID of the key that wraps their data key.
func (s *Service) KeyUse(ctx context.Context) (map[string]int, error) {
	out := map[string]int{}
	err := s.DB.View(ctx, func(tx *store.Tx) error {
		rows, err := tx.Query(ctx, `SELECT key_id, COUNT(*) FROM cert_evidence GROUP BY key_id`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id string
			var n int
			if err := rows.Scan(&id, &n); err != nil {
				return err
			}
			out[id] = n
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("evidence: key use: %w", err)
	}
	return out, nil
}

// Rewrap wraps again, under the current key, the data key of every file another
// key wrapped: batch files a transaction, each batch audited
// (cert.evidence.rewrapped, with the keys it came from), progress reported after
// each. The files' contents are not touched: their data keys stay the same, only
// the key that guards them changes. An interrupted run leaves every file under one
// key or the other and is finished by running it again; a second run finds
// nothing to do and returns 0.
func (s *Service) Rewrap(ctx context.Context, batch int, progress func(done, total int)) (int, error) {
	if batch <= 0 {
		batch = 500
	}
	cur := s.Key.ID()
	var total int
	if err := s.DB.View(ctx, func(tx *store.Tx) error {
		return tx.QueryRow(ctx, `SELECT COUNT(*) FROM cert_evidence WHERE key_id <> ?`, cur).Scan(&total)
	}); err != nil {
		return 0, fmt.Errorf("evidence: rewrap: %w", err)
	}
	done := 0
	for {
		n := 0
		err := s.DB.Update(ctx, func(tx *store.Tx) error {
			n = 0
			type row struct {
				id      int64
				keyID   string
				wrapped []byte
			}
			var todo []row
			rows, err := tx.Query(ctx, `SELECT id, key_id, wrapped_key FROM cert_evidence WHERE key_id <> ? ORDER BY id LIMIT ?`, cur, batch)
			if err != nil {
				return err
			}
			for rows.Next() {
				var r row
				if err := rows.Scan(&r.id, &r.keyID, &r.wrapped); err != nil {
					rows.Close()
					return err
				}
				todo = append(todo, r)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
			from := map[string]int{}
			for _, r := range todo {
				k, err := s.keyFor(r.keyID)
				if err != nil {
					return err
				}
				raw, err := open(k.aead, r.wrapped, wrapAD)
				if err != nil {
					return fmt.Errorf("evidence: unwrap data key of file %d: %w", r.id, err)
				}
				sealed, err := seal(s.Key.aead, raw, wrapAD)
				if err != nil {
					return err
				}
				if _, err := tx.Exec(ctx, `UPDATE cert_evidence SET key_id = ?, wrapped_key = ? WHERE id = ? AND key_id = ?`,
					cur, sealed, r.id, r.keyID); err != nil {
					return err
				}
				from[r.keyID]++
				n++
			}
			if n == 0 {
				return nil
			}
			ids := make([]string, 0, len(from))
			for id := range from {
				ids = append(ids, id)
			}
			sort.Strings(ids)
			return audit.Record(ctx, tx, "system", "cert.evidence.rewrapped", "evidence_key", cur,
				map[string]any{"files": n, "from_keys": ids})
		})
		if err != nil {
			return done, fmt.Errorf("evidence: rewrap: %w", err)
		}
		if n == 0 {
			return done, nil
		}
		done += n
		if progress != nil {
			progress(done, max(total, done))
		}
	}
}
