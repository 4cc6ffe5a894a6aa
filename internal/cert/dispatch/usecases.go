package dispatch

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/itoir/miz/internal/audit"
	"github.com/itoir/miz/internal/cert/incident"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/persian"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
)

// Limits of what a person types.
const (
	maxNote    = 4 << 10
	maxNotes   = 32 << 10
	maxMembers = 20
	maxName    = 120
)

func notFound(id int64) error {
	return &problem.Error{Code: problem.NotFound, Key: "dispatch.not_found", Err: fmt.Errorf("dispatch %d: %w", id, store.ErrNotFound)}
}

// text normalises a person's text (internal/persian) and bounds it.
func text(field, s string, limit int) (string, error) {
	s = strings.TrimSpace(persian.Normalize(s))
	if len(s) > limit {
		return "", problem.Field(field, "dispatch.too_long", limit)
	}
	return s, nil
}

// Multiline normalises each line of a multi-line text (internal/persian) and
// keeps its line breaks, so that notes and Markdown keep their shape.
func Multiline(s string) string {
	lines := strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
	for i, l := range lines {
		lines[i] = persian.Normalize(l)
	}
	return strings.TrimSpace(strings.Join(lines, "\n"))
}

// moment reads a date and time typed in Jalali or Gregorian (Tehran time without a
// zone), or a field error; "" is the zero time when optional.
func moment(field, s string, required bool) (time.Time, error) {
	if strings.TrimSpace(s) == "" {
		if required {
			return time.Time{}, problem.Field(field, "dispatch.time.required")
		}
		return time.Time{}, nil
	}
	t, err := incident.ParseFirstSeen(s, time.Time{})
	if err != nil {
		return time.Time{}, problem.Field(field, "dispatch.time.invalid")
	}
	return t.UTC().Truncate(time.Millisecond), nil
}

// View is a case's dispatches as p may see them, with the clock at now.
type View struct {
	CaseCode   string
	Dispatches []*Dispatch
	Now        time.Time
	// CanRequest is true for the applicant while no dispatch is open; CanLead for
	// the service's responders and supervisors.
	CanRequest, CanLead bool
}

// List returns the dispatches of the case (SLA M-4.4) to its applicant and the
// CERT staff who may open it.
func (s *Service) List(ctx context.Context, p *identity.Principal, code string) (*View, error) {
	v, err := s.open(ctx, p, code)
	if err != nil {
		return nil, err
	}
	if !p.IsStaff() && !v.ActsForApplicant(p) {
		return nil, problem.New(problem.NotFound, "cases.not_found")
	}
	out := &View{CaseCode: v.TrackingCode, Now: s.now(), CanLead: IsLead(p, v.Service)}
	err = s.DB.View(ctx, func(tx *store.Tx) error {
		out.Dispatches, err = listDispatches(ctx, tx, v.ID)
		return err
	})
	if err != nil {
		return nil, err
	}
	out.CanRequest = v.ActsForApplicant(p) && v.ClosedAt.IsZero() && !hasOpen(out.Dispatches)
	return out, nil
}

func hasOpen(ds []*Dispatch) bool {
	for _, d := range ds {
		if d.LeftAt.IsZero() {
			return true
		}
	}
	return false
}

// Request asks for an investigation team on the case: the applicant's request
// starts the dispatch clock (SLA M-4.4). One request is open at a time.
func (s *Service) Request(ctx context.Context, p *identity.Principal, code, note string) (*Dispatch, error) {
	v, err := s.open(ctx, p, code)
	if err != nil {
		return nil, err
	}
	if !v.ActsForApplicant(p) {
		return nil, problem.New(problem.Forbidden, "dispatch.forbidden.applicant")
	}
	if note, err = text("note", note, maxNote); err != nil {
		return nil, err
	}
	if !v.ClosedAt.IsZero() {
		return nil, problem.New(problem.Conflict, "dispatch.closed")
	}
	var d *Dispatch
	err = s.DB.UpdateAt(ctx, s.now, func(tx *store.Tx) error {
		if err := tx.Lock(ctx, lockKey(v.ID)); err != nil {
			return fmt.Errorf("dispatch: request on %s: lock: %w", v.TrackingCode, err)
		}
		list, err := listDispatches(ctx, tx, v.ID)
		if err != nil {
			return err
		}
		if hasOpen(list) {
			return problem.New(problem.Conflict, "dispatch.open")
		}
		d = &Dispatch{CaseID: v.ID, RequestedAt: tx.Now, RequestedBy: p.ID, RequestNote: note}
		d.ID, err = tx.InsertID(ctx, `INSERT INTO cert_dispatches (case_id, requested_at, requested_by, request_note)
			VALUES (?, ?, ?, ?)`, v.ID, store.Millis(tx.Now), p.ID, note)
		if err != nil {
			return fmt.Errorf("dispatch: request on %s: %w", v.TrackingCode, err)
		}
		if err := pageLeads(ctx, tx, v.Service, v.TrackingCode); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.AccountActor(p.ID), "cert.dispatch.request", "case", v.TrackingCode,
			map[string]any{"dispatch": d.ID})
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

// TeamInput is the team a lead records: members one a line (or comma-separated),
// planned departure and estimated arrival, as typed.
type TeamInput struct {
	Members          string
	PlannedDeparture string
	ETA              string
}

// RecordTeam records the team of dispatch id (SLA M-4.4): members, planned
// departure and ETA. Only the service's responders and supervisors lead teams.
func (s *Service) RecordTeam(ctx context.Context, p *identity.Principal, code string, id int64, in TeamInput) (*Dispatch, error) {
	var members []string
	for _, m := range strings.FieldsFunc(in.Members, func(r rune) bool { return r == '\n' || r == ',' || r == '،' }) {
		m = strings.TrimSpace(persian.Normalize(m))
		if m == "" {
			continue
		}
		if len(m) > maxName {
			return nil, problem.Field("members", "dispatch.too_long", maxName)
		}
		members = append(members, m)
	}
	if len(members) == 0 {
		return nil, problem.Field("members", "dispatch.members.required")
	}
	if len(members) > maxMembers {
		return nil, problem.Field("members", "dispatch.members.too_many", maxMembers)
	}
	planned, err := moment("planned_departure", in.PlannedDeparture, true)
	if err != nil {
		return nil, err
	}
	eta, err := moment("eta", in.ETA, true)
	if err != nil {
		return nil, err
	}
	if eta.Before(planned) {
		return nil, problem.Field("eta", "dispatch.eta.before_departure")
	}
	return s.change(ctx, p, code, id, "cert.dispatch.team", func(tx *store.Tx, d *Dispatch) error {
		if !d.ArrivedAt.IsZero() {
			return problem.New(problem.Conflict, "dispatch.arrived")
		}
		_, err := tx.Exec(ctx, `UPDATE cert_dispatches SET lead_id = ?, members = ?, planned_departure = ?, eta = ?,
			team_recorded_at = ? WHERE id = ?`, p.ID, strings.Join(members, "\n"), millis(planned), millis(eta), store.Millis(tx.Now), d.ID)
		return err
	})
}

// RecordArrival records when the team arrived on site; it stops the dispatch clock.
func (s *Service) RecordArrival(ctx context.Context, p *identity.Principal, code string, id int64, when string) (*Dispatch, error) {
	t, err := moment("arrived_at", when, false)
	if err != nil {
		return nil, err
	}
	return s.change(ctx, p, code, id, "cert.dispatch.arrival", func(tx *store.Tx, d *Dispatch) error {
		if !d.TeamRecorded() {
			return problem.New(problem.Conflict, "dispatch.team.required")
		}
		if !d.ArrivedAt.IsZero() {
			return problem.New(problem.Conflict, "dispatch.arrived")
		}
		if t.IsZero() {
			t = tx.Now
		}
		if t.Before(d.RequestedAt) || t.After(tx.Now.Add(time.Minute)) {
			return problem.Field("arrived_at", "dispatch.arrival.range")
		}
		_, err := tx.Exec(ctx, `UPDATE cert_dispatches SET arrived_at = ? WHERE id = ?`, store.Millis(t), d.ID)
		return err
	})
}

// RecordDeparture records when the team left the site, with its field notes.
func (s *Service) RecordDeparture(ctx context.Context, p *identity.Principal, code string, id int64, when, notes string) (*Dispatch, error) {
	t, err := moment("left_at", when, false)
	if err != nil {
		return nil, err
	}
	if notes = Multiline(notes); len(notes) > maxNotes {
		return nil, problem.Field("field_notes", "dispatch.too_long", maxNotes)
	}
	return s.change(ctx, p, code, id, "cert.dispatch.departure", func(tx *store.Tx, d *Dispatch) error {
		if d.ArrivedAt.IsZero() {
			return problem.New(problem.Conflict, "dispatch.arrival.required")
		}
		if !d.LeftAt.IsZero() {
			return problem.New(problem.Conflict, "dispatch.left")
		}
		if t.IsZero() {
			t = tx.Now
		}
		if t.Before(d.ArrivedAt) || t.After(tx.Now.Add(time.Minute)) {
			return problem.Field("left_at", "dispatch.departure.range")
		}
		_, err := tx.Exec(ctx, `UPDATE cert_dispatches SET left_at = ?, field_notes = ? WHERE id = ?`, store.Millis(t), notes, d.ID)
		return err
	})
}

// change runs one lead's step on dispatch id of the case, audited as action.
func (s *Service) change(ctx context.Context, p *identity.Principal, code string, id int64, action string,
	fn func(tx *store.Tx, d *Dispatch) error) (*Dispatch, error) {
	v, err := s.open(ctx, p, code)
	if err != nil {
		return nil, err
	}
	if !IsLead(p, v.Service) {
		return nil, problem.New(problem.Forbidden, "dispatch.forbidden.lead")
	}
	var out *Dispatch
	err = s.DB.UpdateAt(ctx, s.now, func(tx *store.Tx) error {
		if err := tx.Lock(ctx, lockKey(v.ID)); err != nil {
			return fmt.Errorf("dispatch: %s on %s: lock: %w", action, v.TrackingCode, err)
		}
		d, err := loadDispatch(ctx, tx, v.ID, id)
		if err != nil {
			return err
		}
		if err := fn(tx, d); err != nil {
			return wrap(action, v.TrackingCode, err)
		}
		if out, err = loadDispatch(ctx, tx, v.ID, id); err != nil {
			return err
		}
		switch action {
		case "cert.dispatch.team":
			err = tellApplicant(ctx, tx, v.ApplicantAccountID, v.TrackingCode, "notice.dispatch.team")
		case "cert.dispatch.arrival":
			err = tellApplicant(ctx, tx, v.ApplicantAccountID, v.TrackingCode, "notice.dispatch.arrived")
		}
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.AccountActor(p.ID), action, "case", v.TrackingCode, map[string]any{"dispatch": id})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func wrap(action, code string, err error) error {
	if _, ok := err.(*problem.Error); ok {
		return err
	}
	return fmt.Errorf("dispatch: %s on %s: %w", action, code, err)
}

// lockKey serialises the dispatch steps of one case (PostgreSQL advisory lock).
func lockKey(caseID int64) int64 { return 0x64737063<<24 ^ caseID }
