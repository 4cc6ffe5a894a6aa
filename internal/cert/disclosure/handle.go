package disclosure

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/itoir/miz/internal/audit"
	"github.com/itoir/miz/internal/cert/incident"
	"github.com/itoir/miz/internal/i18n"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/notify"
	"github.com/itoir/miz/internal/persian"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
)

// List returns the reports for analysts, newest first.
func (s *Service) List(ctx context.Context, p *identity.Principal) ([]*Vuln, error) {
	if err := s.mustAnalyst(p); err != nil {
		return nil, err
	}
	var out []*Vuln
	err := s.DB.View(ctx, func(tx *store.Tx) (err error) {
		out, err = listVulns(ctx, tx, ` ORDER BY v.id DESC LIMIT 500`)
		return err
	})
	return out, err
}

// Get returns one report to an analyst.
func (s *Service) Get(ctx context.Context, p *identity.Principal, id int64) (*Vuln, error) {
	if err := s.mustAnalyst(p); err != nil {
		return nil, err
	}
	var v *Vuln
	err := s.DB.View(ctx, func(tx *store.Tx) (err error) {
		v, err = loadVuln(ctx, tx, id)
		return err
	})
	return v, err
}

// VerifyInput is an analyst's verdict: confirmed with the owner organisation's
// national ID, or not confirmed.
type VerifyInput struct {
	Confirmed       bool
	OwnerNationalID string
}

// Verify records an analyst's verdict on a received report; a confirmed one names
// the owner organisation, which must be known to the desk.
func (s *Service) Verify(ctx context.Context, p *identity.Principal, id int64, in VerifyInput) (*Vuln, error) {
	if err := s.mustAnalyst(p); err != nil {
		return nil, err
	}
	nid := persian.NormalizeID(in.OwnerNationalID)
	if in.Confirmed && nid == "" {
		return nil, problem.Field("owner", "vuln.owner.required")
	}
	return s.change(ctx, p, id, "cert.vuln.verify", func(tx *store.Tx, v *Vuln) error {
		if v.Status != StatusReceived {
			return problem.New(problem.Conflict, "vuln.state.received")
		}
		if !in.Confirmed {
			_, err := tx.Exec(ctx, `UPDATE cert_vuln_reports SET status = 'rejected', analyst_id = ?, verified_at = ? WHERE id = ?`,
				p.ID, store.Millis(tx.Now), id)
			return err
		}
		var org int64
		err := tx.QueryRow(ctx, `SELECT id FROM organizations WHERE national_id = ?`, nid).Scan(&org)
		if errors.Is(err, sql.ErrNoRows) {
			return problem.Field("owner", "vuln.owner.unknown", nid)
		}
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE cert_vuln_reports SET status = 'verified', analyst_id = ?, verified_at = ?, owner_org_id = ?
			WHERE id = ?`, p.ID, store.Millis(tx.Now), org, id)
		return err
	})
}

// NotifyOwner tells the owner organisation of a verified vulnerability: a notice
// to each of its accounts (in-app, and e-mail where it has an address) through
// internal/notify (SLA M-4.3, A-4.6). The report becomes "owner informed" only
// with that notice; an owner with no account to tell is refused.
func (s *Service) NotifyOwner(ctx context.Context, p *identity.Principal, id int64) (*Vuln, error) {
	if err := s.mustAnalyst(p); err != nil {
		return nil, err
	}
	return s.change(ctx, p, id, "cert.vuln.notify_owner", func(tx *store.Tx, v *Vuln) error {
		if v.Status != StatusVerified {
			return problem.New(problem.Conflict, "vuln.state.verified")
		}
		accounts, err := orgAccounts(ctx, tx, v.OwnerOrgID)
		if err != nil {
			return err
		}
		if len(accounts) == 0 {
			return problem.New(problem.Conflict, "vuln.owner.no_account")
		}
		sev := ""
		if v.CVSSSeverity != "" {
			sev = " (CVSS " + v.CVSSVersion + ": " + v.CVSSScore + " " + v.CVSSSeverity + ")"
		}
		for _, a := range accounts {
			_, err := notify.Tell(ctx, tx, a, notify.Alert{Kind: notify.KindDecision, BaseURL: s.BaseURL, RefKind: "vulnerability",
				RefID: v.Ref, InApp: notify.InApp{
					TitleFa: fmt.Sprintf(i18n.T(i18n.Fa, "notice.vuln.title"), v.Ref),
					TitleEn: fmt.Sprintf(i18n.T(i18n.En, "notice.vuln.title"), v.Ref),
					BodyFa:  fmt.Sprintf(i18n.T(i18n.Fa, "notice.vuln.body"), v.System, v.Title, sev),
					BodyEn:  fmt.Sprintf(i18n.T(i18n.En, "notice.vuln.body"), v.System, v.Title, sev),
				}})
			if err != nil {
				return err
			}
		}
		_, err = tx.Exec(ctx, `UPDATE cert_vuln_reports SET status = 'owner_informed', notified_at = ?, notified_by = ?,
			notice_accounts = ? WHERE id = ?`, store.Millis(tx.Now), p.ID, len(accounts), id)
		return err
	})
}

// orgAccounts lists the enabled accounts of an organisation: its own and those
// of its members.
func orgAccounts(ctx context.Context, tx *store.Tx, org int64) ([]int64, error) {
	rows, err := tx.Query(ctx, `SELECT id FROM accounts WHERE org_id = ? AND disabled = FALSE ORDER BY id`, org)
	if err != nil {
		return nil, fmt.Errorf("disclosure: accounts of organisation %d: %w", org, err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// SetEmbargo sets the date before which the vulnerability is not disclosed.
func (s *Service) SetEmbargo(ctx context.Context, p *identity.Principal, id int64, until string) (*Vuln, error) {
	if err := s.mustAnalyst(p); err != nil {
		return nil, err
	}
	t, err := incident.ParseFirstSeen(until, time.Time{})
	if strings.TrimSpace(until) == "" || err != nil {
		return nil, problem.Field("embargo_until", "vuln.embargo.invalid")
	}
	return s.change(ctx, p, id, "cert.vuln.embargo", func(tx *store.Tx, v *Vuln) error {
		if v.Status != StatusVerified && v.Status != StatusOwnerInformed {
			return problem.New(problem.Conflict, "vuln.state.verified")
		}
		if !t.After(tx.Now) || t.After(tx.Now.AddDate(1, 0, 0)) {
			return problem.Field("embargo_until", "vuln.embargo.range")
		}
		_, err := tx.Exec(ctx, `UPDATE cert_vuln_reports SET embargo_until = ? WHERE id = ?`, store.Millis(t), id)
		return err
	})
}

// Disclose publishes a vulnerability whose owner was informed, once its embargo
// has passed; its reporter is then credited if they wished.
func (s *Service) Disclose(ctx context.Context, p *identity.Principal, id int64) (*Vuln, error) {
	if err := s.mustAnalyst(p); err != nil {
		return nil, err
	}
	return s.change(ctx, p, id, "cert.vuln.disclose", func(tx *store.Tx, v *Vuln) error {
		if v.Status != StatusOwnerInformed {
			return problem.New(problem.Conflict, "vuln.state.informed")
		}
		if v.EmbargoUntil.IsZero() || tx.Now.Before(v.EmbargoUntil) {
			return problem.New(problem.Conflict, "vuln.embargo.running")
		}
		_, err := tx.Exec(ctx, `UPDATE cert_vuln_reports SET status = 'disclosed', disclosed_at = ? WHERE id = ?`, store.Millis(tx.Now), id)
		return err
	})
}

// Credits lists, for everyone, the disclosed reports whose reporters asked to be
// credited, newest first; nothing undisclosed is ever listed.
func (s *Service) Credits(ctx context.Context) ([]Credit, error) {
	var out []Credit
	err := s.DB.View(ctx, func(tx *store.Tx) error {
		list, err := listVulns(ctx, tx, ` WHERE v.status = 'disclosed' AND v.credit_wanted = TRUE AND v.disclosed_at > 0
			ORDER BY v.disclosed_at DESC LIMIT 500`)
		for _, v := range list {
			out = append(out, Credit{Ref: v.Ref, Title: v.Title, Reporter: v.ReporterName, Severity: v.CVSSSeverity, DisclosedAt: v.DisclosedAt})
		}
		return err
	})
	return out, err
}

// change runs one analyst's step on report id, audited as action.
func (s *Service) change(ctx context.Context, p *identity.Principal, id int64, action string, fn func(tx *store.Tx, v *Vuln) error) (*Vuln, error) {
	var out *Vuln
	err := s.DB.UpdateAt(ctx, s.now, func(tx *store.Tx) error {
		if err := tx.Lock(ctx, 0x76756c6e<<24^id); err != nil {
			return fmt.Errorf("disclosure: %s %d: lock: %w", action, id, err)
		}
		v, err := loadVuln(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := fn(tx, v); err != nil {
			var pe *problem.Error
			if errors.As(err, &pe) {
				return err
			}
			return fmt.Errorf("disclosure: %s %d: %w", action, id, err)
		}
		if out, err = loadVuln(ctx, tx, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.AccountActor(p.ID), action, "vulnerability", v.Ref, map[string]any{"status": out.Status})
	})
	return out, err
}
