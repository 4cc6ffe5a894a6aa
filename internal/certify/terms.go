package certify

import (
	"context"
	"fmt"
	"strings"
	"sync"

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

// textIndex names the index that narrows a text search on one store.
type textIndex int

const (
	termsOnly    textIndex = iota // certificate_terms alone (PostgreSQL without pg_trgm)
	sqliteFTS                     // FTS5 trigram table certificate_fts (migration 0095)
	postgresTrgm                  // pg_trgm GIN indexes on the search keys (migration 0095)
)

// trgmKnown remembers, per PostgreSQL database, whether migration 0095 could build
// the pg_trgm indexes; it is fixed once the schema is migrated.
var trgmKnown sync.Map // *store.DB → bool

// textIndexOf tells which index narrows text searches on db.
func textIndexOf(ctx context.Context, db *store.DB, tx *store.Tx) (textIndex, error) {
	if tx.Dialect == store.SQLite {
		return sqliteFTS, nil
	}
	if v, ok := trgmKnown.Load(db); ok {
		if v.(bool) {
			return postgresTrgm, nil
		}
		return termsOnly, nil
	}
	var has bool
	if err := tx.QueryRow(ctx, `SELECT to_regclass('certificates_product_trgm') IS NOT NULL`).Scan(&has); err != nil {
		return termsOnly, fmt.Errorf("certify: search index: %w", err)
	}
	trgmKnown.Store(db, has)
	return textIndexOf(ctx, db, tx)
}

// trigramMin is the shortest key a trigram index can narrow.
const trigramMin = 3

// ftsPhrase quotes key as one FTS5 phrase: with the case-sensitive trigram
// tokenizer of migration 0095 it matches exactly the rows holding key as a
// substring; FTS5 operators and quotes in key are only data.
func ftsPhrase(key string) string { return `"` + strings.ReplaceAll(key, `"`, `""`) + `"` }
