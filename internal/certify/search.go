package certify

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/itoir/miz/internal/persian"
	"github.com/itoir/miz/internal/store"
)

// PerPage is the registry's page size.
const PerPage = 20

// maxQuery bounds a search string; longer input is cut, not rejected.
const maxQuery = 200

// Query is a registry search. Every field is optional.
type Query struct {
	// Q matches product and vendor names (Persian-normalised: ي/ی, ك/ک, ZWNJ and
	// digit forms fold together), a certificate number or a vendor's national ID.
	Q        string
	VendorID string
	Category string
	Status   Status
	Page     int // 1-based
}

// MaxCount bounds how many matches a search counts (issue 18): counting every one
// of tens of thousands of matches would read each of them. Past it, Total is
// MaxCount and TotalCapped is set, and the page and the API say "more than".
const MaxCount = 1000

// Results is one page of a search.
type Results struct {
	Items []Certificate `json:"items"`
	// Total is the number of matches, or MaxCount when TotalCapped.
	Total int `json:"total"`
	// TotalCapped says more than Total certificates match.
	TotalCapped bool `json:"total_capped"`
	Page        int  `json:"page"`
	PerPage     int  `json:"per_page"`
}

// Pages is the number of pages of the search.
func (r Results) Pages() int { return (r.Total + r.PerPage - 1) / r.PerPage }

// likePattern escapes a search key for LIKE … ESCAPE '\'. The key is passed as a
// parameter, so quotes in it are only data.
func likePattern(key string) string {
	return "%" + strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(key) + "%"
}

// source builds a query yielding the id (and, with ordered, the issued_at) of
// every certificate matching q, for a store whose text index is idx. The count
// asks for ids alone, so SQLite's FTS5 path counts from its index without reading
// a row.
func (q Query) source(idx textIndex, ordered bool) (string, []any) {
	cols, ftsCols := `id`, `rowid AS id`
	if ordered {
		cols, ftsCols = `id, issued_at`, `rowid AS id, issued_at`
	}
	var filters []string
	var fargs []any
	if q.VendorID != "" {
		filters, fargs = append(filters, `holder_id = ?`), append(fargs, persian.NormalizeID(q.VendorID))
	}
	if q.Category != "" {
		filters, fargs = append(filters, `category = ?`), append(fargs, q.Category)
	}
	if q.Status != "" {
		filters, fargs = append(filters, `status = ?`), append(fargs, string(q.Status))
	}
	text := q.Q
	if utf8.RuneCountInString(text) > maxQuery {
		text = string([]rune(text)[:maxQuery])
	}
	key := persian.SearchKey(text)
	if key == "" {
		return `SELECT ` + cols + ` FROM certificates` + whereAll(filters), fargs
	}
	pat := likePattern(key)
	number, holderID := CanonicalNumber(text), persian.NormalizeID(text)
	if idx == sqliteFTS && utf8.RuneCountInString(key) >= trigramMin {
		// The FTS5 table holds the search keys and the filtered columns itself, so
		// matching, the filters and the order read only it; the exact number and
		// national-ID matches come from certificates. With case_sensitive 1 a
		// trigram phrase matches exactly the rows holding key as a substring, which
		// is what the LIKE tests (both sides are SearchKey output, already lower
		// case); TestSearchIndexIssue18Variants holds the two to the same answers.
		args := append([]any{ftsPhrase(key)}, fargs...)
		args = append(append(args, number, holderID), fargs...)
		return `SELECT ` + ftsCols + ` FROM certificate_fts` +
			whereAll(append([]string{`certificate_fts MATCH ?`}, filters...)) +
			` UNION SELECT ` + cols + ` FROM certificates` +
			whereAll(append([]string{`(number = ? OR holder_id = ?)`}, filters...)), args
	}
	var conds []string
	var args []any
	if narrow, nargs := idx.candidates(key, number, holderID); narrow != "" {
		conds, args = append(conds, narrow), append(args, nargs...)
	}
	conds = append(conds, `(product_search LIKE ? ESCAPE '\' OR vendor_search LIKE ? ESCAPE '\' OR number = ? OR holder_id = ?)`)
	args = append(args, pat, pat, number, holderID)
	return `SELECT ` + cols + ` FROM certificates` + whereAll(append(conds, filters...)), append(args, fargs...)
}

// denseSource is the WHERE clause of a SQLite text search for a walk of the
// certificates_issued index: the FTS5 matches are only tested for membership (the
// unary + keeps SQLite from driving the query by them). ok is false where the
// plain source is the only plan.
func (q Query) denseSource(idx textIndex) (string, []any, bool) {
	text := q.Q
	if utf8.RuneCountInString(text) > maxQuery {
		text = string([]rune(text)[:maxQuery])
	}
	key := persian.SearchKey(text)
	if idx != sqliteFTS || utf8.RuneCountInString(key) < trigramMin {
		return "", nil, false
	}
	conds := []string{`(+id IN (SELECT rowid FROM certificate_fts WHERE certificate_fts MATCH ?) OR number = ? OR holder_id = ?)`}
	args := []any{ftsPhrase(key), CanonicalNumber(text), persian.NormalizeID(text)}
	if q.VendorID != "" {
		conds, args = append(conds, `holder_id = ?`), append(args, persian.NormalizeID(q.VendorID))
	}
	if q.Category != "" {
		conds, args = append(conds, `category = ?`), append(args, q.Category)
	}
	if q.Status != "" {
		conds, args = append(conds, `status = ?`), append(args, string(q.Status))
	}
	return whereAll(conds), args, true
}

func whereAll(conds []string) string {
	if len(conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(conds, " AND ")
}

// Search returns one page of certificates matching q, newest first.
func (r *Registry) Search(ctx context.Context, q Query) (Results, error) {
	if q.Page < 1 {
		q.Page = 1
	}
	res := Results{Page: q.Page, PerPage: PerPage, Items: []Certificate{}}
	err := r.DB.View(ctx, func(tx *store.Tx) error {
		idx, err := textIndexOf(ctx, r.DB, tx)
		if err != nil {
			return err
		}
		src, args := q.source(idx, false)
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM (`+src+` LIMIT ?) m`,
			append(args, MaxCount+1)...).Scan(&res.Total); err != nil {
			return err
		}
		src, args = q.source(idx, true)
		if res.Total > MaxCount {
			res.Total, res.TotalCapped = MaxCount, true
		}
		page := `SELECT ` + certColumns + ` FROM certificates WHERE id IN (SELECT id FROM (` + src +
			`) s ORDER BY issued_at DESC, id DESC LIMIT ? OFFSET ?) ORDER BY issued_at DESC, id DESC`
		if res.TotalCapped {
			// Over MaxCount matches: walking the certificates newest first and
			// keeping the matches finds a page after a few hundred rows, where
			// sorting every match would read thousands.
			if dsrc, dargs, ok := q.denseSource(idx); ok {
				page, args = `SELECT `+certColumns+` FROM certificates`+dsrc+
					` ORDER BY issued_at DESC, id DESC LIMIT ? OFFSET ?`, dargs
			}
		}
		rows, err := tx.Query(ctx, page, append(args, PerPage, (q.Page-1)*PerPage)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			c, err := scanCertificate(rows)
			if err != nil {
				return err
			}
			res.Items = append(res.Items, c)
		}
		return rows.Err()
	})
	if err != nil {
		return res, fmt.Errorf("certify: search: %w", err)
	}
	return res, nil
}

// Each calls fn for every certificate, oldest first, for exports.
func (r *Registry) Each(ctx context.Context, fn func(Certificate) error) error {
	return r.DB.View(ctx, func(tx *store.Tx) error {
		rows, err := tx.Query(ctx, `SELECT `+certColumns+` FROM certificates ORDER BY issued_at, id`)
		if err != nil {
			return fmt.Errorf("certify: export: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			c, err := scanCertificate(rows)
			if err != nil {
				return err
			}
			if err := fn(c); err != nil {
				return err
			}
		}
		return rows.Err()
	})
}

// FeedEntry is one issuance or status change for the Atom feed.
type FeedEntry struct {
	Event
	ProductName Bilingual
	HolderName  Bilingual
}

// Recent returns the latest issuances and status changes, newest first.
func (r *Registry) Recent(ctx context.Context, limit int) ([]FeedEntry, error) {
	var out []FeedEntry
	err := r.DB.View(ctx, func(tx *store.Tx) error {
		rows, err := tx.Query(ctx, `SELECT e.seq, e.at, e.kind, e.from_status, e.to_status, e.reason, e.actor, e.tlog_index,
			c.number, c.product_name_fa, c.product_name_en, c.holder_name_fa, c.holder_name_en
			FROM certificate_events e JOIN certificates c ON c.id = e.certificate_id
			ORDER BY e.tlog_index DESC LIMIT ?`, limit)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var f FeedEntry
			var at int64
			if err := rows.Scan(&f.Seq, &at, &f.Kind, &f.FromStatus, &f.ToStatus, &f.Reason, &f.Actor, &f.TlogIndex,
				&f.Number, &f.ProductName.FA, &f.ProductName.EN, &f.HolderName.FA, &f.HolderName.EN); err != nil {
				return err
			}
			f.At = store.FromMillis(at)
			out = append(out, f)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("certify: recent: %w", err)
	}
	return out, nil
}
