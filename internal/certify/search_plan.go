package certify

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/itoir/miz/internal/persian"
	"github.com/itoir/miz/internal/store"
)

// How a registry search is answered (issue 18: p99 ≤20 ms at 100,000 certificates
// on both databases). A search has two parts: the count, which stops at
// MaxCount+1, and one page, newest first.
//
// The matches are split in two disjoint sets: the text matches (the search key is
// a substring of a stored product or vendor key) and the exact-only matches (the
// certificate number or the holder's national ID equals the query, and the text
// does not match). The second set is a handful of rows found by the unique number
// index and the holder index; the first is counted by the narrowest index there
// is, reading no more than MaxCount+1 of its entries:
//   - three characters or more: the FTS5 trigram table (SQLite), which streams its
//     matches in rowid order, or on PostgreSQL whichever the planner prefers of the
//     pg_trgm GIN indexes and the covering index of migration 0105;
//   - one or two characters (and every term on PostgreSQL without pg_trgm): the
//     gram table certificate_terms, whose prefix range holds exactly the
//     certificates containing a term of up to four characters (every position of
//     a key starts a gram), read in growing slices until MaxCount+1 distinct
//     certificates are seen or the range ends; the terms still match anywhere in
//     a name, as before;
//   - with a vendor filter (a national ID: a few dozen certificates at most), the
//     holder index of certificates.
//
// Up to MaxCount matches, the count has read their ids, and the page sorts just
// those (the gram range, which counts without keeping ids, sorts its candidates).
// Over MaxCount, the matches are at least MaxCount/N of the registry, so walking
// the covering (issued_at, id, …) index newest first and testing each entry finds
// a page after about PerPage·N/MaxCount entries for page one; the text test of the
// walk is written so that no index can serve it, and on PostgreSQL the
// transaction turns off the scans that would sort every match instead
// (plannerSettings). Deep pages of a dense search walk further (page p reads about
// p times as many entries); the benchmark mix reads page one, and a category page.

// searchPlan is one search's conditions, shared by the count and the page.
type searchPlan struct {
	idx              textIndex
	key              string // persian.SearchKey of the query text; "" for none
	runes            int    // characters in key
	pat              string // likePattern(key)
	number, holderID string // the query read as a certificate number and as a national ID
	vendor           bool   // a vendor filter: certificates_holder drives the query
	filters          []string
	fargs            []any
}

const (
	// textCond is the exact text test: key is a substring of a stored key.
	textCond = `(product_search LIKE ? ESCAPE '\' OR vendor_search LIKE ? ESCAPE '\')`
	// walkTextCond is the same test on expressions no index covers, for the
	// newest-first walk.
	walkTextCond = `((product_search || '') LIKE ? ESCAPE '\' OR (vendor_search || '') LIKE ? ESCAPE '\')`
	// exactCond matches the certificate number or the holder's national ID.
	exactCond = `(number = ? OR holder_id = ?)`
)

func (q Query) plan(idx textIndex) searchPlan {
	m := searchPlan{idx: idx, vendor: q.VendorID != ""}
	if q.VendorID != "" {
		m.filters, m.fargs = append(m.filters, `holder_id = ?`), append(m.fargs, persian.NormalizeID(q.VendorID))
	}
	if q.Category != "" {
		m.filters, m.fargs = append(m.filters, `category = ?`), append(m.fargs, q.Category)
	}
	if q.Status != "" {
		m.filters, m.fargs = append(m.filters, `status = ?`), append(m.fargs, string(q.Status))
	}
	text := q.Q
	if utf8.RuneCountInString(text) > maxQuery {
		text = string([]rune(text)[:maxQuery])
	}
	m.key = persian.SearchKey(text)
	m.runes = utf8.RuneCountInString(m.key)
	m.pat = likePattern(m.key)
	m.number, m.holderID = CanonicalNumber(text), persian.NormalizeID(text)
	return m
}

// fts says the text matches come from SQLite's FTS5 trigram table.
func (m searchPlan) fts() bool { return m.idx == sqliteFTS && m.runes >= trigramMin && !m.vendor }

// trgm says the text matches come from PostgreSQL's pg_trgm indexes.
func (m searchPlan) trgm() bool { return m.idx == postgresTrgm && m.runes >= trigramMin && !m.vendor }

// grams says the text matches come from certificate_terms: terms too short for a
// trigram index, and every term on PostgreSQL without pg_trgm.
func (m searchPlan) grams() bool { return m.key != "" && !m.vendor && !m.fts() && !m.trgm() }

// gramRange says the grams starting with key are exactly the matches (key is no
// longer than a gram), so no LIKE need confirm them.
func (m searchPlan) gramRange() bool { return m.grams() && m.runes < termLen }

// gramCond narrows to the certificates holding a gram that starts with key (a
// prefix range: exact for short keys) or, for longer keys, the gram of key's first
// termLen characters (a superset the LIKE then tests).
func (m searchPlan) gramCond() (string, []any) {
	if m.runes < termLen {
		return `term >= ? AND term < ?`, []any{m.key, m.key + maxRune}
	}
	return `term = ?`, []any{string([]rune(m.key)[:termLen])}
}

// hit is one match the count read: its id and, where the index gave it without
// another read, its issued_at (0 when not).
type hit struct{ id, issued int64 }

// count returns the number of matches, or MaxCount+1 when there are more. Where
// it read the matches through an index (every text search but the gram range), it
// returns them too when there are at most MaxCount, so that the page need not
// search again: hits is nil otherwise. dated says every hit has its issued_at
// (not so for the FTS5 path, whose count reads no content row).
func (m searchPlan) count(ctx context.Context, tx *store.Tx) (n int, hits []hit, dated bool, err error) {
	limit := MaxCount + 1
	if m.key == "" {
		n, err = scanInt(ctx, tx, `SELECT COUNT(*) FROM (SELECT id FROM certificates`+whereAll(m.filters)+` LIMIT ?) m`,
			append(m.fargs, limit)...)
		return n, nil, false, err
	}
	exact, eargs := m.exactOnly()
	extra, err := scanHits(ctx, tx, exact, eargs...)
	if err != nil {
		return 0, nil, false, err
	}
	var text []hit
	dated = true
	switch {
	case m.fts():
		text, err = scanHits(ctx, tx, `SELECT rowid, 0 FROM certificate_fts`+
			whereAll(append([]string{`certificate_fts MATCH ?`}, m.filters...))+` LIMIT ?`,
			append(append([]any{ftsPhrase(m.key)}, m.fargs...), limit)...)
		dated = false
	case m.gramRange():
		n, err = m.countGrams(ctx, tx, limit)
		return n + len(extra), nil, false, err
	default:
		// The rows (or covering index entries) read for the text test hold
		// issued_at: the page is sorted from them, with no second read.
		conds, args := []string{textCond}, []any{m.pat, m.pat}
		if m.grams() {
			g, gargs := m.gramCond()
			conds, args = append(conds, `id IN (SELECT certificate_id FROM certificate_terms WHERE `+g+`)`), append(args, gargs...)
		}
		text, err = scanHits(ctx, tx, `SELECT id, issued_at FROM certificates`+whereAll(append(conds, m.filters...))+` LIMIT ?`,
			append(append(args, m.fargs...), limit)...)
	}
	n = len(text) + len(extra)
	if n > MaxCount || err != nil {
		return n, nil, false, err
	}
	return n, append(text, extra...), dated, nil
}

// pageOf returns a query of the ids of one page of hits, newest first; the caller
// adds LIMIT and OFFSET. Dated hits are sorted here and only the page's ids go to
// the database (on PostgreSQL a long id list sorted by issued_at was planned as a
// walk of the whole issued index); undated ones (SQLite, whose rowid lookups are
// cheap) are sorted by the database.
func pageOf(hits []hit, dated bool, page int) (string, []any, int) {
	offset := (page - 1) * PerPage
	if dated {
		slices.SortFunc(hits, func(a, b hit) int {
			if c := cmp.Compare(b.issued, a.issued); c != 0 {
				return c
			}
			return cmp.Compare(b.id, a.id)
		})
		hits = hits[min(offset, len(hits)):min(offset+PerPage, len(hits))]
		offset = 0
	}
	if len(hits) == 0 {
		return `SELECT id FROM certificates WHERE 1 = 0`, nil, 0
	}
	args := make([]any, len(hits))
	for i, h := range hits {
		args[i] = h.id
	}
	q := `SELECT id FROM certificates WHERE id IN (` + strings.TrimSuffix(strings.Repeat("?, ", len(hits)), ", ") + `)`
	if !dated {
		q += ` ORDER BY issued_at DESC, id DESC`
	}
	return q, args, offset
}

func scanHits(ctx context.Context, tx *store.Tx, q string, args ...any) ([]hit, error) {
	rows, err := tx.Query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	hits := []hit{}
	for rows.Next() {
		var h hit
		if err := rows.Scan(&h.id, &h.issued); err != nil {
			return nil, err
		}
		hits = append(hits, h)
	}
	return hits, rows.Err()
}

// countGrams counts the distinct certificates in key's gram range, up to limit.
// A certificate holds a gram for each place key occurs in its keys, so the range
// is read in slices of growing length (each from its start; the total read is
// under twice the last slice) until limit certificates are seen or it ends.
func (m searchPlan) countGrams(ctx context.Context, tx *store.Tx, limit int) (int, error) {
	g, gargs := m.gramCond()
	distinct := `COUNT(DISTINCT certificate_id)`
	join := ""
	var args []any
	if len(m.filters) > 0 {
		distinct = `COUNT(DISTINCT CASE WHEN ` + whereAll(m.filters)[len(" WHERE "):] + ` THEN c.id END)`
		join = ` CROSS JOIN certificates c WHERE c.id = t.certificate_id`
		args = append(args, m.fargs...)
	}
	for slice := 4 * limit; ; slice *= 4 {
		var read, found int
		err := tx.QueryRow(ctx, `SELECT COUNT(*), `+distinct+` FROM (SELECT certificate_id FROM certificate_terms WHERE `+g+
			` LIMIT ?) t`+join, append(append(args, gargs...), slice)...).Scan(&read, &found)
		if err != nil || found >= limit || read < slice {
			return min(found, limit), err
		}
	}
}

// sorted returns a query of the ids of every match, newest first, for searches
// with at most MaxCount matches; the caller adds LIMIT and OFFSET.
func (m searchPlan) sorted() (string, []any) {
	if m.key == "" {
		return `SELECT id FROM certificates` + whereAll(m.filters) + ` ORDER BY issued_at DESC, id DESC`, m.fargs
	}
	if m.fts() {
		// The FTS5 table holds issued_at and the filtered columns itself, so the
		// text matches are sorted without reading a certificate row.
		exact, eargs := m.exactOnly()
		return `SELECT id FROM (SELECT rowid AS id, issued_at FROM certificate_fts` +
				whereAll(append([]string{`certificate_fts MATCH ?`}, m.filters...)) +
				` UNION ALL ` + exact + `) s ORDER BY issued_at DESC, id DESC`,
			append(append([]any{ftsPhrase(m.key)}, m.fargs...), eargs...)
	}
	// issued_at + 0: the order must not come from the issued_at index, or the
	// planner may walk every certificate for a handful of matches.
	if m.grams() {
		g, gargs := m.gramCond()
		args := append(append(gargs, m.number, m.holderID, m.pat, m.pat, m.number, m.holderID), m.fargs...)
		return `SELECT c.id FROM (SELECT certificate_id AS id FROM certificate_terms WHERE ` + g +
			` UNION SELECT id FROM certificates WHERE number = ? UNION SELECT id FROM certificates WHERE holder_id = ?) e` +
			` CROSS JOIN certificates c` + whereAll(append([]string{`c.id = e.id`, `(` + textCond + ` OR ` + exactCond + `)`}, m.filters...)) +
			` ORDER BY c.issued_at + 0 DESC, c.id DESC`, args
	}
	return `SELECT id FROM certificates` + whereAll(append([]string{`(` + textCond + ` OR ` + exactCond + `)`}, m.filters...)) +
		` ORDER BY issued_at + 0 DESC, id DESC`, append([]any{m.pat, m.pat, m.number, m.holderID}, m.fargs...)
}

// exactOnly returns a query of the id and issued_at of the matches by number or
// national ID whose text does not match: a few rows, read through the number and
// holder indexes. CROSS JOIN keeps SQLite (which has no statistics) from driving
// the query by a status or category index instead.
func (m searchPlan) exactOnly() (string, []any) {
	return `SELECT c.id, c.issued_at FROM (SELECT id FROM certificates WHERE number = ?` +
			` UNION SELECT id FROM certificates WHERE holder_id = ?) e CROSS JOIN certificates c` +
			whereAll(append([]string{`c.id = e.id`, `NOT ` + textCond}, m.filters...)),
		append([]any{m.number, m.holderID, m.pat, m.pat}, m.fargs...)
}

// walk returns a query of the ids of every match, newest first, read by walking
// the issued_at index, for searches with more than MaxCount matches.
func (m searchPlan) walk() (string, []any) {
	conds, args := m.filters, m.fargs
	if m.key != "" {
		conds = append([]string{`(` + walkTextCond + ` OR ` + exactCond + `)`}, conds...)
		args = append([]any{m.pat, m.pat, m.number, m.holderID}, args...)
	}
	return `SELECT id FROM certificates` + whereAll(conds) + ` ORDER BY issued_at DESC, id DESC`, args
}

// plannerSettings sets PostgreSQL's planner for the rest of a search transaction
// (SET LOCAL; nothing on SQLite). The driver caches prepared statements, and after
// five runs PostgreSQL may keep one generic plan for every search term, although
// the best plan depends on the term ('%accounting%' matches a sixth of the
// registry, '%خزانه‌داری پویا 77%' a hundred rows): each search is planned for its
// own values. A search reads a few thousand index entries and rows at most, so
// starting parallel workers costs more than it saves. Before a walk: the planner
// cannot estimate the walk's text test (no index covers it) and would rather sort
// every match of a sequential scan, so the scans that cannot return rows in index
// order are turned off.
func plannerSettings(ctx context.Context, tx *store.Tx, walk bool) error {
	if tx.Dialect != store.Postgres {
		return nil
	}
	set := `SET LOCAL plan_cache_mode = force_custom_plan; SET LOCAL max_parallel_workers_per_gather = 0`
	if walk {
		set = `SET LOCAL enable_seqscan = off; SET LOCAL enable_bitmapscan = off`
	}
	_, err := tx.Exec(ctx, set)
	return err
}

func scanInt(ctx context.Context, tx *store.Tx, q string, args ...any) (int, error) {
	var n int
	err := tx.QueryRow(ctx, q, args...).Scan(&n)
	return n, err
}

func whereAll(conds []string) string {
	if len(conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(conds, " AND ")
}
