package consent

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/itoir/miz/internal/audit"
	"github.com/itoir/miz/internal/cert/dispatch"
	"github.com/itoir/miz/internal/cert/incident"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/persian"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
)

// Limits of what a person types.
const (
	maxSystems = 50
	maxSystem  = 255
	maxPurpose = 2 << 10
	maxAction  = 2 << 10
)

// GrantInput is a consent as typed: the kind of access, the systems one a line,
// the purpose and the period (Jalali or Gregorian date and time, Tehran time).
type GrantInput struct {
	Access  string
	Systems string
	Purpose string
	From    string
	Until   string
}

func moment(field, s string, now time.Time) (time.Time, error) {
	if strings.TrimSpace(s) == "" {
		if field == "valid_from" {
			return now, nil
		}
		return time.Time{}, problem.Field(field, "consent.time.required")
	}
	t, err := incident.ParseFirstSeen(s, time.Time{})
	if err != nil {
		return time.Time{}, problem.Field(field, "consent.time.invalid")
	}
	return t.UTC().Truncate(time.Millisecond), nil
}

// check validates a grant and returns the consent it describes; every problem is
// a field error.
func (in GrantInput) check(now time.Time) (*Consent, error) {
	c := &Consent{Access: strings.TrimSpace(strings.ToLower(in.Access))}
	if !slices.Contains(Accesses, c.Access) {
		return nil, problem.Field("access", "consent.access.invalid")
	}
	seen := map[string]bool{}
	for _, l := range strings.Split(in.Systems, "\n") {
		l = strings.TrimSpace(persian.Normalize(l))
		if l == "" || seen[l] {
			continue
		}
		if len(l) > maxSystem {
			return nil, problem.Field("systems", "consent.too_long", maxSystem)
		}
		seen[l] = true
		c.Systems = append(c.Systems, l)
	}
	if len(c.Systems) == 0 {
		return nil, problem.Field("systems", "consent.systems.required")
	}
	if len(c.Systems) > maxSystems {
		return nil, problem.Field("systems", "consent.systems.too_many", maxSystems)
	}
	if c.Purpose = dispatch.Multiline(in.Purpose); c.Purpose == "" {
		return nil, problem.Field("purpose", "consent.purpose.required")
	}
	if len(c.Purpose) > maxPurpose {
		return nil, problem.Field("purpose", "consent.too_long", maxPurpose)
	}
	var err error
	if c.ValidFrom, err = moment("valid_from", in.From, now); err != nil {
		return nil, err
	}
	if c.ValidUntil, err = moment("valid_until", in.Until, now); err != nil {
		return nil, err
	}
	switch {
	case !c.ValidUntil.After(c.ValidFrom):
		return nil, problem.Field("valid_until", "consent.period.order")
	case !c.ValidUntil.After(now):
		return nil, problem.Field("valid_until", "consent.period.past")
	case c.ValidUntil.Sub(c.ValidFrom) > MaxPeriod:
		return nil, problem.Field("valid_until", "consent.period.long", int(MaxPeriod/(24*time.Hour)))
	}
	return c, nil
}

// Grant records the organisation's consent to access (SLA ). Only the
// case's organisation grants: its own account or a member acting for it.
func (s *Service) Grant(ctx context.Context, p *identity.Principal, code string, in GrantInput) (*Consent, error) {
	v, err := s.open(ctx, p, code)
	if err != nil {
		return nil, err
	}
	if !authorised(p, v) {
		return nil, problem.New(problem.Forbidden, "consent.forbidden.grant")
	}
	c, err := in.check(s.now())
	if err != nil {
		return nil, err
	}
	if !v.ClosedAt.IsZero() {
		return nil, problem.New(problem.Conflict, "consent.closed")
	}
	err = s.DB.UpdateAt(ctx, s.now, func(tx *store.Tx) error {
		c.CaseID, c.CaseCode, c.OrgID, c.GrantedBy, c.GrantedAt = v.ID, v.TrackingCode, v.ApplicantOrgID, p.ID, tx.Now
		var err error
		c.ID, err = tx.InsertID(ctx, `INSERT INTO cert_consents (case_id, org_id, granted_by, granted_at, access, systems,
			purpose, valid_from, valid_until) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, c.CaseID, c.OrgID, p.ID, store.Millis(tx.Now),
			c.Access, strings.Join(c.Systems, "\n"), c.Purpose, store.Millis(c.ValidFrom), store.Millis(c.ValidUntil))
		if err != nil {
			return fmt.Errorf("consent: grant on %s: %w", v.TrackingCode, err)
		}
		return audit.Record(ctx, tx, audit.AccountActor(p.ID), "cert.consent.grant", "case", v.TrackingCode,
			map[string]any{"consent": c.ID, "access": c.Access, "systems": len(c.Systems),
				"valid_from": store.Millis(c.ValidFrom), "valid_until": store.Millis(c.ValidUntil)})
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// Revoke ends a consent now; the organisation may revoke at any time.
func (s *Service) Revoke(ctx context.Context, p *identity.Principal, code string, id int64, reason string) (*Consent, error) {
	v, err := s.open(ctx, p, code)
	if err != nil {
		return nil, err
	}
	if !authorised(p, v) {
		return nil, problem.New(problem.Forbidden, "consent.forbidden.grant")
	}
	if reason = dispatch.Multiline(reason); len(reason) > maxPurpose {
		return nil, problem.Field("reason", "consent.too_long", maxPurpose)
	}
	var out *Consent
	err = s.DB.UpdateAt(ctx, s.now, func(tx *store.Tx) error {
		if err := tx.Lock(ctx, lockKey(v.ID)); err != nil {
			return fmt.Errorf("consent: revoke on %s: lock: %w", v.TrackingCode, err)
		}
		c, err := loadConsent(ctx, tx, v.ID, id)
		if err != nil {
			return err
		}
		if st := c.StatusAt(tx.Now); st == StatusRevoked || st == StatusExpired {
			return problem.New(problem.Conflict, "consent.already_ended")
		}
		if _, err := tx.Exec(ctx, `UPDATE cert_consents SET revoked_at = ?, revoked_by = ?, revoke_reason = ? WHERE id = ?`,
			store.Millis(tx.Now), p.ID, reason, id); err != nil {
			return fmt.Errorf("consent: revoke %d: %w", id, err)
		}
		if out, err = loadConsent(ctx, tx, v.ID, id); err != nil {
			return err
		}
		out.CaseCode = v.TrackingCode
		return audit.Record(ctx, tx, audit.AccountActor(p.ID), "cert.consent.revoke", "case", v.TrackingCode,
			map[string]any{"consent": id})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// AccessInput is one access a responder records: under which consent, to which
// system, doing what.
type AccessInput struct {
	ConsentID int64
	System    string
	Action    string
}

// RecordAccess records an access to the organisation's systems. It is
// refused unless it names a consent of this case that is live now, whose scope
// holds the system: a revoked, expired or not yet begun consent allows nothing.
func (s *Service) RecordAccess(ctx context.Context, p *identity.Principal, code string, in AccessInput) (*Action, error) {
	v, err := s.open(ctx, p, code)
	if err != nil {
		return nil, err
	}
	if !responder(p, v.Service) {
		return nil, problem.New(problem.Forbidden, "consent.forbidden.access")
	}
	in.System = strings.TrimSpace(persian.Normalize(in.System))
	if in.System == "" {
		return nil, problem.Field("system", "consent.system.required")
	}
	if in.Action = dispatch.Multiline(in.Action); in.Action == "" {
		return nil, problem.Field("action", "consent.action.required")
	}
	if len(in.Action) > maxAction {
		return nil, problem.Field("action", "consent.too_long", maxAction)
	}
	if in.ConsentID == 0 {
		return nil, problem.Field("consent", "consent.required")
	}
	var a *Action
	err = s.DB.UpdateAt(ctx, s.now, func(tx *store.Tx) error {
		if err := tx.Lock(ctx, lockKey(v.ID)); err != nil {
			return fmt.Errorf("consent: access on %s: lock: %w", v.TrackingCode, err)
		}
		c, err := loadConsent(ctx, tx, v.ID, in.ConsentID)
		if err != nil {
			return err
		}
		if st := c.StatusAt(tx.Now); st != StatusLive {
			return &problem.Error{Code: problem.Conflict, Key: "consent.not_live." + st, Field: "consent"}
		}
		if !c.Covers(in.System) {
			return problem.Field("system", "consent.system.out_of_scope", in.System)
		}
		a = &Action{ConsentID: c.ID, Actor: p.ID, At: tx.Now, System: in.System, Action: in.Action}
		a.ID, err = tx.InsertID(ctx, `INSERT INTO cert_access_actions (case_id, consent_id, actor, at, system, action)
			VALUES (?, ?, ?, ?, ?, ?)`, v.ID, c.ID, p.ID, store.Millis(tx.Now), in.System, in.Action)
		if err != nil {
			return fmt.Errorf("consent: access on %s: %w", v.TrackingCode, err)
		}
		return audit.Record(ctx, tx, audit.AccountActor(p.ID), "cert.consent.access", "case", v.TrackingCode,
			map[string]any{"consent": c.ID, "action": a.ID})
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

// View is the consents of a case and the accesses made under them.
type View struct {
	CaseCode string
	Now      time.Time
	Consents []*Consent
	Actions  []Action
	// CanGrant is true for the organisation; CanAccess for CERT staff.
	CanGrant, CanAccess bool
}

// List returns the case's consents and accesses to the organisation and CERT staff.
func (s *Service) List(ctx context.Context, p *identity.Principal, code string) (*View, error) {
	v, err := s.open(ctx, p, code)
	if err != nil {
		return nil, err
	}
	if !authorised(p, v) && !responder(p, v.Service) {
		return nil, problem.New(problem.NotFound, "cases.not_found")
	}
	out := &View{CaseCode: v.TrackingCode, Now: s.now(), CanGrant: authorised(p, v) && v.ClosedAt.IsZero(),
		CanAccess: responder(p, v.Service)}
	err = s.DB.View(ctx, func(tx *store.Tx) error {
		if out.Consents, err = listConsents(ctx, tx, v.ID); err != nil {
			return err
		}
		out.Actions, err = listActions(ctx, tx, v.ID)
		return err
	})
	for _, c := range out.Consents {
		c.CaseCode = v.TrackingCode
	}
	return out, err
}

// Get returns one consent of the case, for its printable record.
func (s *Service) Get(ctx context.Context, p *identity.Principal, code string, id int64) (*Consent, error) {
	v, err := s.open(ctx, p, code)
	if err != nil {
		return nil, err
	}
	if !authorised(p, v) && !responder(p, v.Service) {
		return nil, problem.New(problem.NotFound, "cases.not_found")
	}
	var c *Consent
	err = s.DB.View(ctx, func(tx *store.Tx) error {
		c, err = loadConsent(ctx, tx, v.ID, id)
		return err
	})
	if err == nil {
		c.CaseCode = v.TrackingCode
	}
	return c, err
}
