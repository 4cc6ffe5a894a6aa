package whitehat

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/itoir/miz/internal/audit"
	"github.com/itoir/miz/internal/course"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/persian"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
)

// openTx reads a competition that takes entries now.
func openTx(ctx context.Context, tx *store.Tx, id int64) (Competition, error) {
	c, err := getTx(ctx, tx, id)
	if err != nil {
		return c, err
	}
	if c.State != Open {
		return c, problem.New(problem.Conflict, "whitehat.not_open")
	}
	return c, nil
}

// EnrolSystem enrols one of the caller's organisation's systems in an open
// competition (an organisation's account, or a member acting for it), billing the
// entry fee in the same transaction.
func (s *Programme) EnrolSystem(ctx context.Context, p *identity.Principal, competitionID int64, name, scope string) (int64, error) {
	if p == nil {
		return 0, problem.New(problem.Unauthorized, "error.unauthorized")
	}
	org := p.ApplicantOrgID()
	if org == 0 || p.Kind == identity.KindStaff {
		return 0, problem.New(problem.Forbidden, "whitehat.system.org_only")
	}
	name, scope = persian.Normalize(name), persian.Normalize(scope)
	if name == "" || len(name) > 200 || len(scope) > 4000 {
		return 0, problem.Field("name", "whitehat.system.name")
	}
	var id int64
	err := s.update(ctx, func(tx *store.Tx) error {
		c, err := openTx(ctx, tx, competitionID)
		if err != nil {
			return err
		}
		ref := ""
		if c.EntryFeeRials > 0 {
			if s.Invoicer == nil {
				return problem.New(problem.Conflict, "course.refused.payment_unavailable")
			}
			if ref, err = s.Invoicer.Issue(ctx, tx, course.Invoice{AccountID: p.ID, OrgID: org, Item: fmt.Sprintf("whitehat:%d", c.ID),
				Rials: c.EntryFeeRials, DescriptionFa: "ورود به مسابقه کلاه‌سفید: " + c.Title.FA,
				DescriptionEn: "White-hat competition entry: " + c.Title.In("en")}); err != nil {
				return fmt.Errorf("whitehat: bill entry: %w", err)
			}
		}
		id, err = tx.InsertID(ctx, `INSERT INTO whitehat_systems (competition_id, org_id, account_id, name, scope, fee_rials,
			invoice_ref, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, c.ID, org, p.ID, name, scope, c.EntryFeeRials, ref, store.Millis(tx.Now))
		if store.IsUniqueViolation(err) {
			return problem.Field("name", "whitehat.system.duplicate")
		}
		if err != nil {
			return fmt.Errorf("whitehat: enrol system: %w", err)
		}
		return audit.Record(ctx, tx, audit.AccountActor(p.ID), "whitehat.system", "competition", fmt.Sprint(c.ID),
			map[string]any{"system": id, "org": org, "name": name, "invoice": ref})
	})
	return id, err
}

// Register registers the caller, a person, as a researcher in an open competition
// under a public alias: the standings show the alias, never the person's name.
func (s *Programme) Register(ctx context.Context, p *identity.Principal, competitionID int64, alias string) (int64, error) {
	if p == nil {
		return 0, problem.New(problem.Unauthorized, "error.unauthorized")
	}
	if p.Kind != identity.KindPerson {
		return 0, problem.New(problem.Forbidden, "whitehat.researcher.person_only")
	}
	alias = persian.Normalize(alias)
	if alias == "" || len(alias) > 60 {
		return 0, problem.Field("alias", "whitehat.researcher.alias")
	}
	var id int64
	err := s.update(ctx, func(tx *store.Tx) error {
		if _, err := openTx(ctx, tx, competitionID); err != nil {
			return err
		}
		var err error
		id, err = tx.InsertID(ctx, `INSERT INTO whitehat_researchers (competition_id, account_id, alias, created_at)
			VALUES (?, ?, ?, ?)`, competitionID, p.ID, alias, store.Millis(tx.Now))
		if store.IsUniqueViolation(err) {
			return problem.Field("alias", "whitehat.researcher.taken")
		}
		if err != nil {
			return fmt.Errorf("whitehat: register: %w", err)
		}
		return audit.Record(ctx, tx, audit.AccountActor(p.ID), "whitehat.register", "competition", fmt.Sprint(competitionID),
			map[string]any{"researcher": id, "alias": alias})
	})
	return id, err
}

// entered is the SQL condition, on whitehat_systems s, that a system is in its
// competition: it has no entry fee, or its invoice is paid. A system whose fee is
// unpaid, cancelled or refunded is not listed, counted or open to findings (§6):
// researchers attack only what its owner has entered and paid for.
const entered = `(s.invoice_ref = '' OR EXISTS (SELECT 1 FROM invoices i WHERE i.number = s.invoice_ref AND i.state = 'paid'))`

// System is an enrolled system as researchers see it.
type System struct {
	ID    int64  `json:"id"`
	Name  string `json:"name"`
	Scope string `json:"scope"`
}

// Systems lists the systems entered in a competition that is not a draft: enrolled,
// and paid for where the competition has an entry fee.
func (s *Programme) Systems(ctx context.Context, competitionID int64) ([]System, error) {
	var out []System
	err := s.DB.View(ctx, func(tx *store.Tx) error {
		rows, err := tx.Query(ctx, `SELECT s.id, s.name, s.scope FROM whitehat_systems s JOIN whitehat_competitions c
			ON c.id = s.competition_id WHERE s.competition_id = ? AND c.state <> 'draft' AND `+entered+` ORDER BY s.id`, competitionID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var sy System
			if err := rows.Scan(&sy.ID, &sy.Name, &sy.Scope); err != nil {
				return err
			}
			out = append(out, sy)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("whitehat: systems of %d: %w", competitionID, err)
	}
	return out, nil
}

// EntryInvoice is the number of the invoice of the entry fee of system id, for the
// organisation that enrolled it ("" when the competition charges none): where the
// desk sends it to pay before the system is listed.
func (s *Programme) EntryInvoice(ctx context.Context, p *identity.Principal, id int64) (string, error) {
	if p == nil {
		return "", problem.New(problem.Unauthorized, "error.unauthorized")
	}
	var ref string
	err := s.DB.View(ctx, func(tx *store.Tx) error {
		return tx.QueryRow(ctx, `SELECT invoice_ref FROM whitehat_systems WHERE id = ? AND org_id = ?`, id, p.ApplicantOrgID()).Scan(&ref)
	})
	if errors.Is(err, sql.ErrNoRows) {
		return "", problem.New(problem.NotFound, "error.not_found")
	}
	if err != nil {
		return "", fmt.Errorf("whitehat: entry invoice of %d: %w", id, err)
	}
	return ref, nil
}
