package kpi

import (
	"sort"

	"github.com/itoir/miz/internal/catalog"
	"github.com/itoir/miz/internal/sla"
)

// StepTarget is how often one budgeted state of one case kind met its own target
// ("first response within 30 minutes: 97 %", issue 14), among the cases completed
// in the period. A state visited several times is one target when the later visits
// carry on its time (sla.StepVisit), so it counts once. Each target keeps its own
// unit: business time and clock time are never added together.
type StepTarget struct {
	Kind     string       `json:"kind"`
	KindName catalog.Text `json:"kind_name"`
	State    string       `json:"state"`
	Name     catalog.Text `json:"state_name"`
	Budget   StepBudget   `json:"budget"`
	Visits   int          `json:"visits"`
	Met      int          `json:"met"`
	// MetPercent is nil when no visit ended in the period.
	MetPercent *float64 `json:"met_percent"`
}

// StepBudget is a state's published budget in its own unit.
type StepBudget struct {
	Amount int    `json:"amount"`
	Unit   string `json:"unit"`
}

// stepTally counts step outcomes by kind and state.
type stepTally map[[2]string]*StepTarget

// add counts the final visits of a completed case's budgeted states.
func (t stepTally) add(k *catalog.CaseKind, cc completedCase, cal *sla.Calendar) {
	budgets := map[string]sla.Budget{}
	for _, s := range k.Process.States {
		if s.Budget != nil {
			budgets[s.ID] = sla.Budget{Amount: s.Budget.Amount, Unit: sla.Unit(s.Budget.Unit)}
		}
	}
	if len(budgets) == 0 {
		return
	}
	visits := sla.StepClock(cc.events, budgets, cal, sla.OnResubmit(k.SLA.OnResubmit), k.SLA.Warnings, cc.closedAt)
	for i, v := range visits {
		if !sla.Final(visits, i) {
			continue
		}
		key := [2]string{k.ID, v.State}
		s := t[key]
		if s == nil {
			st, _ := k.State(v.State)
			s = &StepTarget{Kind: k.ID, KindName: k.Name, State: v.State, Name: st.Name,
				Budget: StepBudget{Amount: st.Budget.Amount, Unit: st.Budget.Unit}}
			t[key] = s
		}
		s.Visits++
		if v.Met {
			s.Met++
		}
	}
}

// targets lists the tallies by kind and state, with their shares.
func (t stepTally) targets() []StepTarget {
	out := []StepTarget{}
	for _, s := range t {
		if s.Visits > 0 {
			pct := round2(float64(s.Met) * 100 / float64(s.Visits))
			s.MetPercent = &pct
		}
		out = append(out, *s)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Kind != out[j].Kind {
			return out[i].Kind < out[j].Kind
		}
		return out[i].State < out[j].State
	})
	return out
}

// Percent is MetPercent for pages, zero when nothing was counted.
func (s StepTarget) Percent() float64 {
	if s.MetPercent == nil {
		return 0
	}
	return *s.MetPercent
}
