package certify

import (
	"context"
	"fmt"
	"strings"

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

// Search returns one page of certificates matching q, newest first (the plan is
// in search_plan.go).
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
		if err := plannerSettings(ctx, tx, false); err != nil {
			return err
		}
		m := q.plan(idx)
		found, hits, dated, err := m.count(ctx, tx)
		if err != nil {
			return err
		}
		res.Total = found
		if res.Total > MaxCount {
			res.Total, res.TotalCapped = MaxCount, true
		}
		ids, args := m.sorted()
		offset := (q.Page - 1) * PerPage
		if hits != nil {
			ids, args, offset = pageOf(hits, dated, q.Page)
		}
		if res.TotalCapped {
			ids, args = m.walk()
			if err := plannerSettings(ctx, tx, true); err != nil {
				return err
			}
		}
		rows, err := tx.Query(ctx, `SELECT `+certColumns+` FROM certificates WHERE id IN (`+ids+
			` LIMIT ? OFFSET ?) ORDER BY issued_at DESC, id DESC`, append(args, PerPage, offset)...)
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
