package constituent

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/itoir/miz/internal/audit"
	"github.com/itoir/miz/internal/cert/triage"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/persian"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
)

// Rules are how an organisation wants to be told about findings.
type Rules struct {
	OrgID  int64
	Sector string
	// Channel is "email" (e-mail to contacts and the in-app notice) or "inapp".
	Channel string
	// Lang is the language a notice leads with: "fa" or "en".
	Lang string
	// IntervalMinutes gathers findings into one notice per interval; 0 tells at once.
	// A finding whose CERT notification target falls sooner is told sooner.
	IntervalMinutes int
	// Suppress lists RSIT classes, or class/type pairs, never notified.
	Suppress []string
}

// DefaultRules are an organisation's rules until it sets its own.
func DefaultRules(orgID int64) Rules {
	return Rules{OrgID: orgID, Channel: "email", Lang: "fa", IntervalMinutes: 60}
}

// Suppresses reports whether findings of class/typ are never notified.
func (r Rules) Suppresses(class, typ string) bool {
	return slices.Contains(r.Suppress, class) || slices.Contains(r.Suppress, class+"/"+typ)
}

// RulesOf reads an organisation's rules (0: the caller's own).
func (s *Service) RulesOf(ctx context.Context, p *identity.Principal, orgID int64) (Rules, error) {
	orgID, err := orgOf(p, orgID)
	if err != nil {
		return Rules{}, err
	}
	var r Rules
	err = s.DB.View(ctx, func(tx *store.Tx) (err error) {
		r, err = RulesTx(ctx, tx, orgID)
		return err
	})
	return r, err
}

// RulesTx reads an organisation's rules in tx; the defaults when it set none.
func RulesTx(ctx context.Context, tx *store.Tx, orgID int64) (Rules, error) {
	r := DefaultRules(orgID)
	var suppress string
	err := tx.QueryRow(ctx, `SELECT sector, channel, lang, interval_minutes, suppress FROM cert_constituents WHERE org_id = ?`, orgID).
		Scan(&r.Sector, &r.Channel, &r.Lang, &r.IntervalMinutes, &suppress)
	if errors.Is(err, sql.ErrNoRows) {
		return r, nil
	}
	if err != nil {
		return r, fmt.Errorf("constituent: rules of %d: %w", orgID, err)
	}
	r.Suppress = strings.Fields(suppress)
	return r, nil
}

// validSuppression reports whether s is an RSIT class or class/type.
func validSuppression(s string) bool {
	class, typ, hasType := strings.Cut(s, "/")
	for _, k := range triage.Taxonomy() {
		if k.ID == class {
			return !hasType || slices.Contains(k.Types, typ)
		}
	}
	return false
}

// SetRules stores an organisation's notification rules.
func (s *Service) SetRules(ctx context.Context, p *identity.Principal, r Rules) error {
	orgID, err := orgOf(p, r.OrgID)
	if err != nil {
		return err
	}
	if r.Channel != "email" && r.Channel != "inapp" {
		return problem.Field("channel", "constituent.channel.invalid")
	}
	if r.Lang != "fa" && r.Lang != "en" {
		return problem.Field("lang", "constituent.lang.invalid")
	}
	if r.IntervalMinutes < 0 || r.IntervalMinutes > 10080 {
		return problem.Field("interval", "constituent.interval.invalid")
	}
	for _, c := range r.Suppress {
		if !validSuppression(c) {
			return problem.Field("suppress", "constituent.suppress.invalid", c)
		}
	}
	r.Sector = persian.Normalize(r.Sector)
	return s.update(ctx, func(tx *store.Tx) error {
		now := store.Millis(tx.Now)
		_, err := tx.Exec(ctx, `INSERT INTO cert_constituents (org_id, sector, channel, lang, interval_minutes, suppress, updated_at, updated_by)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (org_id) DO UPDATE SET sector = excluded.sector, channel = excluded.channel, lang = excluded.lang,
			interval_minutes = excluded.interval_minutes, suppress = excluded.suppress, updated_at = excluded.updated_at,
			updated_by = excluded.updated_by`,
			orgID, r.Sector, r.Channel, r.Lang, r.IntervalMinutes, strings.Join(r.Suppress, " "), now, p.ID)
		if err != nil {
			return fmt.Errorf("constituent: set rules of %d: %w", orgID, err)
		}
		return audit.Record(ctx, tx, audit.AccountActor(p.ID), "cert.rules.set", "organization", strconv.FormatInt(orgID, 10),
			map[string]any{"channel": r.Channel, "lang": r.Lang, "interval": r.IntervalMinutes, "suppress": r.Suppress})
	})
}

// Suppressions reads every organisation that suppresses some class of finding,
// for an import to mark those findings as it stores them.
func Suppressions(ctx context.Context, db *store.DB) (map[int64]Rules, error) {
	out := map[int64]Rules{}
	err := db.View(ctx, func(tx *store.Tx) error {
		rows, err := tx.Query(ctx, `SELECT org_id, suppress FROM cert_constituents WHERE suppress <> ''`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			var s string
			if err := rows.Scan(&id, &s); err != nil {
				return err
			}
			r := DefaultRules(id)
			r.Suppress = strings.Fields(s)
			out[id] = r
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("constituent: suppressions: %w", err)
	}
	return out, nil
}
