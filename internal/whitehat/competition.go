package whitehat

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/itoir/miz/internal/audit"
	"github.com/itoir/miz/internal/authz"
	"github.com/itoir/miz/internal/course"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/persian"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
)

// CompetitionInput is a competition as staff describe it.
type CompetitionInput struct {
	Title         course.Text `json:"title"`
	Rules         course.Text `json:"rules"`
	EntryFeeRials int64       `json:"entry_fee_rials"`
}

// Create adds a draft competition (staff who edit the CERT's catalog).
func (s *Programme) Create(ctx context.Context, p *identity.Principal, in CompetitionInput) (*Competition, error) {
	if err := allowed(p, authz.Competition, authz.Create); err != nil {
		return nil, err
	}
	in.Title.FA, in.Title.EN = persian.Normalize(in.Title.FA), persian.Normalize(in.Title.EN)
	in.Rules.FA, in.Rules.EN = persian.Normalize(in.Rules.FA), persian.Normalize(in.Rules.EN)
	switch {
	case in.Title.FA == "" || len(in.Title.FA) > 200 || len(in.Title.EN) > 200:
		return nil, problem.Field("title_fa", "whitehat.title.required")
	case in.EntryFeeRials < 0:
		return nil, problem.Field("entry_fee_rials", "course.fee.invalid")
	}
	if err := course.CheckFee(ctx, s.Invoicer, "whitehat", in.EntryFeeRials); err != nil {
		return nil, err
	}
	var id int64
	err := s.update(ctx, func(tx *store.Tx) (err error) {
		id, err = tx.InsertID(ctx, `INSERT INTO whitehat_competitions (title_fa, title_en, rules_fa, rules_en, entry_fee_rials,
			state, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, in.Title.FA, in.Title.EN, in.Rules.FA, in.Rules.EN,
			in.EntryFeeRials, string(Draft), p.ID, store.Millis(tx.Now))
		if err != nil {
			return fmt.Errorf("whitehat: create: %w", err)
		}
		return audit.Record(ctx, tx, audit.AccountActor(p.ID), "whitehat.create", "competition", fmt.Sprint(id),
			map[string]any{"title": in.Title.FA, "entry_fee_rials": in.EntryFeeRials})
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, p, id)
}

// SetState opens a draft competition or closes an open one; closing publishes its
// results.
func (s *Programme) SetState(ctx context.Context, p *identity.Principal, id int64, to State) (*Competition, error) {
	if err := allowed(p, authz.Competition, authz.Publish); err != nil {
		return nil, err
	}
	err := s.update(ctx, func(tx *store.Tx) error {
		c, err := getTx(ctx, tx, id)
		if err != nil {
			return err
		}
		col := "opened_at"
		switch {
		case c.State == Draft && to == Open:
		case c.State == Open && to == Closed:
			col = "closed_at"
		default:
			return problem.New(problem.Conflict, "whitehat.state.invalid")
		}
		if _, err := tx.Exec(ctx, "UPDATE whitehat_competitions SET state = ?, "+col+" = ? WHERE id = ? AND state = ?",
			string(to), store.Millis(tx.Now), id, string(c.State)); err != nil {
			return fmt.Errorf("whitehat: %s %d: %w", to, id, err)
		}
		return audit.Record(ctx, tx, audit.AccountActor(p.ID), "whitehat."+string(to), "competition", fmt.Sprint(id), nil)
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, p, id)
}

const compColumns = `id, title_fa, title_en, rules_fa, rules_en, entry_fee_rials, state, opened_at, closed_at,
	(SELECT COUNT(*) FROM whitehat_systems s WHERE s.competition_id = whitehat_competitions.id AND ` + entered + `),
	(SELECT COUNT(*) FROM whitehat_researchers r WHERE r.competition_id = whitehat_competitions.id)`

func scanCompetition(row interface{ Scan(...any) error }) (Competition, error) {
	var c Competition
	var opened, closed int64
	err := row.Scan(&c.ID, &c.Title.FA, &c.Title.EN, &c.Rules.FA, &c.Rules.EN, &c.EntryFeeRials, &c.State, &opened, &closed,
		&c.Systems, &c.Researchers)
	if opened != 0 {
		c.OpenedAt = store.FromMillis(opened)
	}
	if closed != 0 {
		c.ClosedAt = store.FromMillis(closed)
	}
	return c, err
}

func getTx(ctx context.Context, tx *store.Tx, id int64) (Competition, error) {
	c, err := scanCompetition(tx.QueryRow(ctx, "SELECT "+compColumns+" FROM whitehat_competitions WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return c, notFound("whitehat.not_found")
	}
	if err != nil {
		return c, fmt.Errorf("whitehat: get %d: %w", id, err)
	}
	return c, nil
}

func staff(p *identity.Principal) bool {
	return authz.Decide(p, authz.Update, authz.Resource{Kind: authz.Competition, Service: Service}) ||
		authz.Decide(p, authz.Act, authz.Resource{Kind: authz.Competition, Service: Service})
}

// Get returns a competition; drafts only to staff.
func (s *Programme) Get(ctx context.Context, p *identity.Principal, id int64) (*Competition, error) {
	var c Competition
	err := s.DB.View(ctx, func(tx *store.Tx) (err error) {
		c, err = getTx(ctx, tx, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	if c.State == Draft && !staff(p) {
		return nil, notFound("whitehat.not_found")
	}
	return &c, nil
}

// List returns the competitions, newest first; drafts only to staff.
func (s *Programme) List(ctx context.Context, p *identity.Principal) ([]Competition, error) {
	q := "SELECT " + compColumns + " FROM whitehat_competitions WHERE state <> 'draft' ORDER BY id DESC"
	if staff(p) {
		q = "SELECT " + compColumns + " FROM whitehat_competitions ORDER BY id DESC"
	}
	var out []Competition
	err := s.DB.View(ctx, func(tx *store.Tx) error {
		rows, err := tx.Query(ctx, q)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			c, err := scanCompetition(rows)
			if err != nil {
				return err
			}
			out = append(out, c)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("whitehat: list: %w", err)
	}
	return out, nil
}
