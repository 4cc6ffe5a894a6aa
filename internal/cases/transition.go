package cases

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/itoir/miz/internal/audit"
	"github.com/itoir/miz/internal/authz"
	"github.com/itoir/miz/internal/catalog"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/sla"
	"github.com/itoir/miz/internal/store"
)

// TransitionInput names a transition of the case's process and what it demands.
type TransitionInput struct {
	Transition string
	// Reason is shown to the applicant; required where the catalog says so.
	Reason string
	// Decision records approve or reject where the catalog requires a decision.
	Decision string
	// Version, when not zero, must equal the case's version (the client's If-Match).
	Version int
	// Checklist is the service module's structured record of the step, such as
	// CERTIFY's review checklist; the engine passes it to the module untouched.
	Checklist json.RawMessage

	// deficiencies are the items of a return as incomplete, for the applicant's notice.
	deficiencies []Deficiency
}

// Decisions a transition that requires one may record.
const (
	DecisionApprove = "approve"
	DecisionReject  = "reject"
)

// Transition moves a case along its published process (SLA C-4.3): the transition
// must leave the current state, p must hold the transition's role on the service
// (C-4.3, through authz), and the reason, decision and documents it requires must be
// there. Of two concurrent transitions on one case, exactly one wins; the other gets
// a Conflict.
func (e *Engine) Transition(ctx context.Context, p *identity.Principal, code string, in TransitionInput) (*Case, error) {
	var c *Case
	err := e.update(ctx, func(tx *store.Tx) error {
		var err error
		if c, err = lookup(ctx, tx, code); err != nil {
			return err
		}
		svc, k, err := e.process(ctx, c)
		if err != nil {
			return err
		}
		t, ok := k.Transition(in.Transition)
		if !ok {
			return problem.Field("transition", "cases.transition.unknown", in.Transition)
		}
		return e.apply(ctx, tx, p, c, svc, k, t, in)
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// apply checks and takes transition t on c inside tx, writing the case, its event,
// the clock cache, the timers and the audit entry together.
func (e *Engine) apply(ctx context.Context, tx *store.Tx, p *identity.Principal, c *Case,
	svc *catalog.Service, k *catalog.CaseKind, t *catalog.Transition, in TransitionInput) error {
	if in.Version != 0 && in.Version != c.Version {
		return problem.New(problem.Conflict, "cases.stale")
	}
	if err := checkActor(p, c, t); err != nil {
		return err
	}
	if err := e.needToKnow(ctx, tx, p, c); err != nil {
		return err
	}
	if t.From != c.State {
		return problem.New(problem.Conflict, "cases.transition.wrong_state", t.ID, c.State)
	}
	if awaitsPayment(k, c, t) {
		return problem.New(problem.Conflict, "cases.payment.awaited")
	}
	in.Reason = strings.TrimSpace(in.Reason)
	if t.RequiresReason && in.Reason == "" {
		return problem.Field("reason", "cases.reason.required")
	}
	if t.RequiresDecision && in.Decision != DecisionApprove && in.Decision != DecisionReject {
		return problem.Field("decision", "cases.decision.required")
	}
	if t.RequiresDocuments {
		missing, err := missingDocuments(ctx, tx, svc, k, c, t)
		if err != nil {
			return err
		}
		if len(missing) > 0 {
			return problem.New(problem.Invalid, "cases.documents.missing", strings.Join(missing, "، "))
		}
	}
	if t.FourEyes {
		if err := checkFourEyes(ctx, tx, p, c); err != nil {
			return err
		}
	}
	mod := e.module(svc)
	if mod != nil {
		if err := mod.BeforeTransition(ctx, tx, c, svc, t, in, p); err != nil {
			return err
		}
	}
	from, _ := k.State(c.State)
	to, ok := k.State(t.To)
	if !ok {
		return fmt.Errorf("cases: %s: transition %s leads to unknown state %s", c.TrackingCode, t.ID, t.To)
	}
	ev := Event{At: tx.Now, FromState: c.State, ToState: to.ID, Holder: to.Holder, Pause: to.Pause,
		Transition: t.ID, ActorAccountID: p.ID, ActorRole: t.Role, Reason: in.Reason, Decision: in.Decision,
		Resubmission: from != nil && from.Pause == catalog.PauseIncomplete && to.Holder == catalog.HolderOrganization}
	if err := e.move(ctx, tx, c, k, to, ev); err != nil {
		return err
	}
	if mod != nil {
		if err := mod.AfterTransition(ctx, tx, c, svc, t, in, p); err != nil {
			return err
		}
	}
	if err := e.invoiceStep(ctx, tx, c, svc, to); err != nil {
		return err
	}
	told := false
	if teller, ok := mod.(ApplicantTeller); ok {
		told = teller.TellsApplicant(t, in)
	}
	if err := e.notifyStep(ctx, tx, stepNotice{c: c, svc: svc, k: k, from: from, to: to, t: t, in: in, moduleTold: told}); err != nil {
		return err
	}
	return audit.Record(ctx, tx, actor(p), "case.transition", "case", c.TrackingCode, map[string]any{
		"transition": t.ID, "from": ev.FromState, "to": ev.ToState, "role": t.Role, "decision": in.Decision,
		"resubmission": ev.Resubmission})
}

// move writes the new state under the optimistic version check, records the event and
// refreshes the clock cache and timers. The history is read once, before the event is
// written, and the clock is computed from it with the new event appended, so that the
// state and the clock cache go out in one UPDATE (issue 18: the transition used to
// read the history's last seq, write, read the whole history back and update the
// case row a second time).
func (e *Engine) move(ctx context.Context, tx *store.Tx, c *Case, k *catalog.CaseKind, to *catalog.State, ev Event) error {
	submitted, closed := c.SubmittedAt, time.Time{} // leaving a final state reopens
	if submitted.IsZero() && to.Holder == catalog.HolderOrganization {
		submitted = tx.Now
	}
	if to.Terminal {
		closed = tx.Now
	}
	evs, err := loadEvents(ctx, tx, c.ID)
	if err != nil {
		return fmt.Errorf("cases: %s: history: %w", c.TrackingCode, err)
	}
	cal, err := e.calendarFor(ctx, tx, c)
	if err != nil {
		return err
	}
	ev.Seq = 1
	if len(evs) > 0 {
		ev.Seq = evs[len(evs)-1].Seq + 1 // loadEvents orders by seq
	}
	ev.At = store.FromMillis(store.Millis(ev.At)) // as loadEvents would read it back
	evs = append(evs, ev)
	// SLA-CLOCK rule 6: the clock is recomputed from the history, new event included.
	clk := computeClock(evs, k, cal, tx.Now)
	res, err := tx.Exec(ctx, `UPDATE cases SET state = ?, holder = ?, submitted_at = ?, closed_at = ?, version = version + 1,
		due_at = ?, used_seconds = ? WHERE id = ? AND version = ?`, to.ID, to.Holder, store.Millis(submitted),
		store.Millis(closed), store.Millis(clk.DueAt), clk.UsedSeconds, c.ID, c.Version)
	if err != nil {
		return fmt.Errorf("cases: %s: update: %w", c.TrackingCode, err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return &problem.Error{Code: problem.Conflict, Key: "cases.stale", Err: err}
	}
	if err := insertEvent(ctx, tx, c.ID, ev.Seq, ev); err != nil {
		return err
	}
	c.State, c.Holder, c.SubmittedAt, c.ClosedAt, c.Version = to.ID, to.Holder, submitted, closed, c.Version+1
	c.DueAt, c.UsedSeconds = clk.DueAt, clk.UsedSeconds
	return e.scheduleClock(ctx, tx, c, k, evs, cal, clk)
}

// refreshClock recomputes the clock from the history (SLA-CLOCK rule 6), caches it on
// the case for the queue and (re)schedules its warnings and breach (rule 7).
func (e *Engine) refreshClock(ctx context.Context, tx *store.Tx, c *Case, k *catalog.CaseKind) error {
	evs, err := loadEvents(ctx, tx, c.ID)
	if err != nil {
		return err
	}
	cal, err := e.calendarFor(ctx, tx, c)
	if err != nil {
		return err
	}
	clk := computeClock(evs, k, cal, tx.Now)
	c.DueAt, c.UsedSeconds = clk.DueAt, clk.UsedSeconds
	if _, err := tx.Exec(ctx, "UPDATE cases SET due_at = ?, used_seconds = ? WHERE id = ?",
		store.Millis(c.DueAt), c.UsedSeconds, c.ID); err != nil {
		return fmt.Errorf("cases: %s: cache clock: %w", c.TrackingCode, err)
	}
	return e.scheduleClock(ctx, tx, c, k, evs, cal, clk)
}

// scheduleClock (re)schedules the step targets' timers and the clock's warnings and
// breach (SLA-CLOCK rule 7) from the whole history evs and the clock computed from it.
func (e *Engine) scheduleClock(ctx context.Context, tx *store.Tx, c *Case, k *catalog.CaseKind,
	evs []Event, cal *sla.Calendar, clk Clock) error {
	if err := e.scheduleSteps(ctx, tx, c, k, evs, cal); err != nil {
		return err
	}
	if e.Timers == nil || !clk.Started || clk.Stopped || clk.Paused {
		return nil
	}
	return e.Timers.Schedule(ctx, tx, c, len(evs), sla.NextMilestones(clk.Status, k.SLA.Warnings))
}

// checkActor applies the policy and the transition's role (SLA C-4.3).
func checkActor(p *identity.Principal, c *Case, t *catalog.Transition) error {
	if t.Role == catalog.RoleApplicant {
		return may(p, authz.Update, c, authz.Case)
	}
	if err := may(p, authz.Act, c, authz.Case); err != nil {
		return err
	}
	if !p.HasRole(c.Service, identity.Role(t.Role)) {
		return problem.New(problem.Forbidden, "cases.transition.role", t.Role)
	}
	return nil
}

// checkFourEyes refuses the staff member who took the case's previous staff transition.
func checkFourEyes(ctx context.Context, tx *store.Tx, p *identity.Principal, c *Case) error {
	var last int64
	err := tx.QueryRow(ctx, `SELECT actor_account_id FROM case_events WHERE case_id = ? AND actor_role <> 'applicant'
		AND actor_role <> '' ORDER BY seq DESC LIMIT 1`, c.ID).Scan(&last)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("cases: %s: four eyes: %w", c.TrackingCode, err)
	}
	if last == p.ID {
		return problem.New(problem.Forbidden, "cases.four_eyes")
	}
	return nil
}
