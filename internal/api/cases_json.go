package api

import (
	"time"

	"github.com/itoir/miz/internal/cases"
	"github.com/itoir/miz/internal/catalog"
	"github.com/itoir/miz/internal/cert/reactive"
	"github.com/itoir/miz/internal/i18n"
	"github.com/itoir/miz/internal/jalali"
)

// isoTime writes an instant as ISO 8601 in Asia/Tehran with its offset; nil for none.
func isoTime(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := t.In(jalali.Tehran()).Format(time.RFC3339)
	return &s
}

type slaJSON struct {
	Started          bool        `json:"started"`
	DueAt            *string     `json:"due_at"`
	Used             int64       `json:"business_seconds_used"`
	Budget           int64       `json:"business_seconds_budget"`
	Remaining        int64       `json:"remaining_seconds"`
	Business         bool        `json:"business_time"`
	Paused           bool        `json:"paused"`
	PauseReason      string      `json:"pause_reason,omitempty"`
	Stopped          bool        `json:"stopped"`
	Breached         bool        `json:"breached"`
	Pauses           []pauseJSON `json:"pauses"`
	RemainingDays    int         `json:"remaining_days"`
	RemainingHours   int         `json:"remaining_hours"`
	RemainingMinutes int         `json:"remaining_minutes"`
}

type pauseJSON struct {
	From   *string `json:"from"`
	To     *string `json:"to"`
	Reason string  `json:"reason"`
}

func slaOf(c cases.Clock) slaJSON {
	out := slaJSON{Started: c.Started, DueAt: isoTime(c.DueAt), Used: c.UsedSeconds, Budget: c.BudgetSeconds,
		Remaining: c.RemainingSeconds, Business: c.Business, Paused: c.Paused, PauseReason: c.PauseReason,
		Stopped: c.Stopped, Breached: c.Breached, Pauses: []pauseJSON{}, RemainingDays: c.RemainingDays,
		RemainingHours: c.RemainingHours, RemainingMinutes: c.RemainingMinutes}
	for _, p := range c.Pauses {
		out.Pauses = append(out.Pauses, pauseJSON{From: isoTime(p.From), To: isoTime(p.To), Reason: p.Reason})
	}
	return out
}

type stepJSON struct {
	ID               string       `json:"id"`
	Name             catalog.Text `json:"name"`
	RequiresReason   bool         `json:"requires_reason"`
	RequiresDecision bool         `json:"requires_decision"`
}

type caseJSON struct {
	TrackingCode   string          `json:"tracking_code"`
	Service        string          `json:"service"`
	ServiceVersion int             `json:"service_version"`
	Kind           string          `json:"kind"`
	State          string          `json:"state"`
	StateName      catalog.Text    `json:"state_name"`
	Holder         string          `json:"holder"`
	ApplicantType  string          `json:"applicant_type"`
	Form           any             `json:"form,omitempty"`
	Assignee       int64           `json:"assignee_account_id,omitempty"`
	CreatedAt      *string         `json:"created_at"`
	SubmittedAt    *string         `json:"submitted_at"`
	ClosedAt       *string         `json:"closed_at"`
	Version        int             `json:"version"`
	SLA            slaJSON         `json:"sla"`
	StepTarget     *stepTargetJSON `json:"step_target,omitempty"`
	Next           []stepJSON      `json:"next_transitions"`
	Actions        []actionJSON    `json:"actions"`
}

// actionJSON is one thing the caller may do on the case now, the same list the
// web case page offers (architecture #12).
type actionJSON struct {
	ID               string       `json:"id"`
	Kind             string       `json:"kind"`
	Name             catalog.Text `json:"name"`
	Path             string       `json:"path,omitempty"`
	RequiresReason   bool         `json:"requires_reason,omitempty"`
	RequiresDecision bool         `json:"requires_decision,omitempty"`
}

// actionsOf writes a view's actions; a transition is named by the catalog, any
// other action by its message in both languages.
func actionsOf(list []cases.Action) []actionJSON {
	out := []actionJSON{}
	for _, a := range list {
		j := actionJSON{ID: a.ID, Kind: string(a.Kind), Path: a.Path}
		if t := a.Transition; t != nil {
			j.Name, j.RequiresReason, j.RequiresDecision = t.Name, t.RequiresReason, t.RequiresDecision
		} else {
			j.Name = catalog.Text{FA: i18n.T(i18n.Fa, a.Label), EN: i18n.T(i18n.En, a.Label)}
		}
		out = append(out, j)
	}
	return out
}

func caseOf(v *cases.CaseView) caseJSON {
	out := caseJSON{TrackingCode: v.TrackingCode, Service: v.Service, ServiceVersion: v.ServiceVersion, Kind: v.Kind,
		State: v.State, Holder: v.Holder, ApplicantType: v.ApplicantType, Form: v.Form, Assignee: v.AssigneeAccountID,
		CreatedAt: isoTime(v.CreatedAt), SubmittedAt: isoTime(v.SubmittedAt), ClosedAt: isoTime(v.ClosedAt),
		Version: v.Version, SLA: slaOf(v.Clock), StepTarget: stepTargetOf(v.Step), Next: []stepJSON{}, Actions: actionsOf(v.Actions)}
	if v.StateDef != nil {
		out.StateName = v.StateDef.Name
	}
	if v.Kind == reactive.KindIncident && v.ServiceDef != nil && v.ServiceDef.Module == "cert" {
		// An incident's report carries items under TLP 2.0: it is read through
		// GET …/incident, which leaves out what the caller may not see (issue 15).
		out.Form = nil
	}
	for _, t := range v.Next {
		out.Next = append(out.Next, stepJSON{ID: t.ID, Name: t.Name, RequiresReason: t.RequiresReason, RequiresDecision: t.RequiresDecision})
	}
	return out
}

type eventJSON struct {
	At           *string `json:"at"`
	From         string  `json:"from_state,omitempty"`
	To           string  `json:"to_state"`
	Holder       string  `json:"holder"`
	Transition   string  `json:"transition"`
	Reason       string  `json:"reason,omitempty"`
	Decision     string  `json:"decision,omitempty"`
	Resubmission bool    `json:"resubmission"`
}

type queueItemJSON struct {
	TrackingCode string  `json:"tracking_code"`
	Kind         string  `json:"kind"`
	State        string  `json:"state"`
	Holder       string  `json:"holder"`
	Assignee     int64   `json:"assignee_account_id,omitempty"`
	SubmittedAt  *string `json:"submitted_at"`
	DueAt        *string `json:"due_at"`
	Used         int64   `json:"business_seconds_used"`
}

// stepTargetJSON is the target of the case's current state when it has a budget of
// its own (issue 14), for staff: seconds in the step's own unit of time.
type stepTargetJSON struct {
	State            string       `json:"state"`
	Name             catalog.Text `json:"name"`
	Budget           budgetJSON   `json:"budget"`
	BusinessTime     bool         `json:"business_time"`
	EnteredAt        *string      `json:"entered_at"`
	DueAt            *string      `json:"due_at"`
	UsedSeconds      int64        `json:"seconds_used"`
	BudgetSeconds    int64        `json:"seconds_budget"`
	RemainingSeconds int64        `json:"remaining_seconds"`
	Breached         bool         `json:"breached"`
	Urgency          string       `json:"urgency"`
}

func stepTargetOf(t *cases.StepTarget) *stepTargetJSON {
	if t == nil {
		return nil
	}
	return &stepTargetJSON{State: t.State, Name: t.Name, BusinessTime: t.Business,
		Budget:    budgetJSON{Amount: t.Budget.Amount, Unit: t.Budget.Unit},
		EnteredAt: isoTime(t.EnteredAt), DueAt: isoTime(t.DueAt), UsedSeconds: t.UsedSeconds,
		BudgetSeconds: t.BudgetSeconds, RemainingSeconds: t.RemainingSeconds, Breached: t.Breached, Urgency: t.Urgency}
}

// budgetJSON is a published budget: an amount of business_days, business_hours,
// hours or minutes.
type budgetJSON struct {
	Amount int    `json:"amount"`
	Unit   string `json:"unit"`
}
