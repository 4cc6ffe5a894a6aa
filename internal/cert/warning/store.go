package warning

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/itoir/miz/internal/store"
)

// Finding is one matched event, as an import hands it over to become (or refresh)
// a warning.
type Finding struct {
	OrgID, AssetID int64
	MatchedBy      string
	Feed           string
	Fingerprint    int64
	Class, Type    string
	Severity       string
	Tag            string
	IP             string
	Port           int
	ASN            int64
	Host           string
	ObservedAt     time.Time // zero when the feed did not say
	// Suppressed marks a finding of a class the constituent never wants told.
	Suppressed bool
}

// findingCols is how many values one finding binds.
const findingCols = 21

// MaxBatch is the most findings one Store call writes in one statement, under
// both databases' limits on bound values.
const MaxBatch = 1000

// Store writes findings seen by import importID (sorting fs): a new finding becomes a warning
// with its clocks started at tx.Now; one already live is marked seen again (and a
// "fixed" claim made before this sighting goes back to acknowledged). Findings must
// be distinct by (org, feed, fingerprint) within one call.
func Store(ctx context.Context, tx *store.Tx, importID int64, fs []Finding) error {
	// In index order, each batch touches neighbouring pages of the unique index.
	slices.SortFunc(fs, func(a, b Finding) int {
		return cmp.Or(cmp.Compare(a.OrgID, b.OrgID), strings.Compare(a.Feed, b.Feed), cmp.Compare(a.Fingerprint, b.Fingerprint))
	})
	for len(fs) > 0 {
		n := min(len(fs), MaxBatch)
		if err := storeBatch(ctx, tx, importID, fs[:n]); err != nil {
			return err
		}
		fs = fs[n:]
	}
	return nil
}

func storeBatch(ctx context.Context, tx *store.Tx, importID int64, fs []Finding) error {
	var q strings.Builder
	q.WriteString(`INSERT INTO cert_warnings (org_id, asset_id, matched_by, feed, fingerprint, class, type, severity, tag,
		ip, port, asn, host, observed_at, found_at, first_import_id, last_import_id, last_seen_at, state, notify_due, remediate_due) VALUES `)
	args := make([]any, 0, len(fs)*findingCols)
	now := store.Millis(tx.Now)
	for i, f := range fs {
		if i > 0 {
			q.WriteByte(',')
		}
		q.WriteString("(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")
		t := TargetsFor(f.Severity)
		var observed int64
		seen := now
		if !f.ObservedAt.IsZero() {
			observed = store.Millis(f.ObservedAt)
			seen = observed
		}
		state := Open
		if f.Suppressed {
			state = Suppressed
		}
		args = append(args, f.OrgID, f.AssetID, f.MatchedBy, f.Feed, f.Fingerprint, f.Class, f.Type, f.Severity, f.Tag,
			f.IP, f.Port, f.ASN, f.Host, observed, now, importID, importID, seen, state,
			now+t.Notify.Milliseconds(), now+t.Notify.Milliseconds()+t.Remediate.Milliseconds())
	}
	q.WriteString(` ON CONFLICT (org_id, feed, fingerprint) WHERE state <> 'closed' DO UPDATE SET
		last_import_id = excluded.last_import_id,
		last_seen_at = CASE WHEN excluded.last_seen_at > cert_warnings.last_seen_at THEN excluded.last_seen_at ELSE cert_warnings.last_seen_at END,
		seen_count = cert_warnings.seen_count + 1,
		state = CASE WHEN cert_warnings.state = 'fixed_claimed' AND excluded.last_seen_at > cert_warnings.fixed_at
			THEN 'acknowledged' ELSE cert_warnings.state END`)
	if _, err := tx.Exec(ctx, q.String(), args...); err != nil {
		return fmt.Errorf("warning: store %d findings: %w", len(fs), err)
	}
	return nil
}

// CloseAbsent closes, as re-checked, every live warning of feed that import
// importID (which read the whole feed) did not see again, and returns how many.
func CloseAbsent(ctx context.Context, tx *store.Tx, importID int64, feed string) (int64, error) {
	res, err := tx.Exec(ctx, `UPDATE cert_warnings SET state = ?, closure = ?, closed_at = ?
		WHERE feed = ? AND state <> ? AND last_import_id <> ?`,
		Closed, ClosedByRecheck, store.Millis(tx.Now), feed, Closed, importID)
	if err != nil {
		return 0, fmt.Errorf("warning: close absent of %s: %w", feed, err)
	}
	n, _ := res.RowsAffected()
	return n, nil
}

// CountNew counts the warnings import importID raised.
func CountNew(ctx context.Context, tx *store.Tx, importID int64) (int64, error) {
	var n int64
	err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM cert_warnings WHERE first_import_id = ?`, importID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("warning: count new of import %d: %w", importID, err)
	}
	return n, nil
}
