package certify

import (
	"context"
	"fmt"
	"strings"

	"github.com/itoir/miz/internal/store"
)

// termLen is the length, in characters, of the grams in certificate_terms. Every
// position of a stored search key starts one gram (shorter at the end of the key),
// so any substring of a key begins some gram: a query of termLen characters or more
// finds its candidates with one equality, a shorter one with a prefix range.
const termLen = 4

// maxRune sorts after every character, closing a prefix range in byte order.
const maxRune = "\U0010FFFF"

// terms returns the distinct grams of the search keys, in the order first seen.
// It must agree with the backfill in migration 0016, which uses substr on the
// same stored keys.
func terms(keys ...string) []string {
	seen := map[string]bool{}
	var out []string
	for _, k := range keys {
		rs := []rune(k)
		for i := range rs {
			g := string(rs[i:min(i+termLen, len(rs))])
			if !seen[g] {
				seen[g] = true
				out = append(out, g)
			}
		}
	}
	return out
}

// indexTerms writes the grams of a newly issued certificate's search keys.
func indexTerms(ctx context.Context, tx *store.Tx, id int64, keys ...string) error {
	ts := terms(keys...)
	if len(ts) == 0 {
		return nil
	}
	args := make([]any, 0, 2*len(ts))
	for _, t := range ts {
		args = append(args, t, id)
	}
	q := `INSERT INTO certificate_terms (term, certificate_id) VALUES ` +
		strings.TrimSuffix(strings.Repeat("(?, ?), ", len(ts)), ", ")
	if _, err := tx.Exec(ctx, q, args...); err != nil {
		return fmt.Errorf("certify: index search terms: %w", err)
	}
	return nil
}

// candidates narrows a text search to the certificates that can match key: those
// with a gram starting the key, plus the exact number and holder-ID matches. It is
// a superset of the matches; the caller keeps the exact LIKE test on top. A
// one-character key would read most of the index, so it gets no narrowing ("").
func candidates(key, number, holderID string) (string, []any) {
	rs := []rune(key)
	if len(rs) < 2 {
		return "", nil
	}
	terms := `SELECT certificate_id FROM certificate_terms WHERE term = ?`
	args := []any{string(rs[:min(termLen, len(rs))])}
	if len(rs) < termLen {
		terms = `SELECT certificate_id FROM certificate_terms WHERE term >= ? AND term < ?`
		args = []any{key, key + maxRune}
	}
	return `id IN (` + terms + ` UNION SELECT id FROM certificates WHERE number = ?` +
		` UNION SELECT id FROM certificates WHERE holder_id = ?)`, append(args, number, holderID)
}
