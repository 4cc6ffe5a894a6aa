// Package oversight gives administrators the audit log to read: entries found by who,
// what and when, with the names of the accounts that acted, and the state of the
// hash chain held to its signed anchors (issue 13, "an audit-log viewer with filters
// and the chain-verification status"). Adapters reach the audit log only through it.
package oversight

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/itoir/miz/internal/audit"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
)

// Service reads the audit log for administrators.
type Service struct {
	DB *store.DB
	// Anchors checks the chain against its signed heads; nil verifies the chain alone.
	Anchors *audit.Anchorer
}

// Filter selects entries; Actor is an account's username or an actor string such as
// "system" or "job:sla"; Action matches a prefix ("case." finds every case action).
type Filter struct {
	Actor, Action, ObjectKind, ObjectID string
	From, To                            time.Time
	Before                              int64
}

// Entry is one audit entry as a reader sees it.
type Entry struct {
	Seq        int64
	At         time.Time
	Actor      string // as recorded: "account:12", "system", …
	ActorName  string // the account's username, when the actor is an account
	Action     string
	ObjectKind string
	ObjectID   string
	// Summary is the entry's small description as sorted key=value pairs.
	Summary []string
	Hash    string
}

// Page is a page of entries, newest first; Next is the Before of the following page
// (0 when there is none).
type Page struct {
	Entries []Entry
	Next    int64
}

func mayRead(who *identity.Principal) error {
	if who == nil {
		return problem.New(problem.Unauthorized, "error.unauthorized")
	}
	if !who.Admin {
		return problem.New(problem.Forbidden, "oversight.forbidden")
	}
	return nil
}

// Entries returns a page of the entries matching f, for an administrator.
func (s *Service) Entries(ctx context.Context, who *identity.Principal, f Filter) (*Page, error) {
	if err := mayRead(who); err != nil {
		return nil, err
	}
	af := audit.Filter{Actor: f.Actor, Action: f.Action, ObjectKind: f.ObjectKind, ObjectID: f.ObjectID,
		From: f.From, To: f.To, Before: f.Before, Limit: 50}
	if f.Actor != "" && !strings.Contains(f.Actor, ":") && f.Actor != "system" {
		id, err := s.accountID(ctx, f.Actor)
		if errors.Is(err, sql.ErrNoRows) || errors.Is(err, store.ErrNotFound) {
			return nil, problem.Field("actor", "oversight.actor.unknown", f.Actor)
		}
		if err != nil {
			return nil, err
		}
		af.Actor = audit.AccountActor(id)
	}
	es, more, err := audit.Search(ctx, s.DB, af)
	if err != nil {
		return nil, err
	}
	names, err := s.names(ctx, es)
	if err != nil {
		return nil, err
	}
	p := &Page{}
	for _, e := range es {
		out := Entry{Seq: e.Seq, At: e.At, Actor: e.Actor, Action: e.Action, ObjectKind: e.ObjectKind,
			ObjectID: e.ObjectID, Hash: e.Hash}
		if id, ok := accountOf(e.Actor); ok {
			out.ActorName = names[id]
		}
		for _, k := range sortedKeys(e.Summary) {
			out.Summary = append(out.Summary, k+"="+fmt.Sprint(e.Summary[k]))
		}
		p.Entries = append(p.Entries, out)
	}
	if more && len(es) > 0 {
		p.Next = es[len(es)-1].Seq
	}
	return p, nil
}

func (s *Service) accountID(ctx context.Context, username string) (int64, error) {
	var id int64
	err := s.DB.View(ctx, func(tx *store.Tx) error {
		return tx.QueryRow(ctx, `SELECT id FROM accounts WHERE username = ?`, username).Scan(&id)
	})
	return id, err
}

// names maps the account ids acting in es to their usernames, in one query.
func (s *Service) names(ctx context.Context, es []audit.Entry) (map[int64]string, error) {
	ids := map[int64]bool{}
	for _, e := range es {
		if id, ok := accountOf(e.Actor); ok {
			ids[id] = true
		}
	}
	out := map[int64]string{}
	if len(ids) == 0 {
		return out, nil
	}
	var args []any
	for id := range ids {
		args = append(args, id)
	}
	q := `SELECT id, username FROM accounts WHERE id IN (?` + strings.Repeat(", ?", len(args)-1) + `)`
	err := s.DB.View(ctx, func(tx *store.Tx) error {
		rows, err := tx.Query(ctx, q, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			var name string
			if err := rows.Scan(&id, &name); err != nil {
				return err
			}
			out[id] = name
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("oversight: actor names: %w", err)
	}
	return out, nil
}

func accountOf(actor string) (int64, bool) {
	s, ok := strings.CutPrefix(actor, "account:")
	if !ok {
		return 0, false
	}
	id, err := strconv.ParseInt(s, 10, 64)
	return id, err == nil
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
