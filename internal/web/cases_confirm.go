package web

import (
	"github.com/itoir/miz/internal/cases"
	"github.com/itoir/miz/internal/catalog"
)

// confirmSteps picks the steps that end the case for good — discarding a draft,
// withdrawing, signing and issuing, rejecting — and maps each to the state it ends
// in, so the case page asks before taking them and says what will happen (issue 13,
// decisions are deliberate).
func confirmSteps(v *cases.View, steps []cases.Action) map[string]*catalog.State {
	out := map[string]*catalog.State{}
	for _, a := range steps {
		t := a.Transition
		if t == nil {
			continue
		}
		if to, ok := v.KindDef.State(t.To); ok && to.Terminal {
			out[a.ID] = to
		}
	}
	return out
}

// documentNames maps a service's document IDs to their catalog names, for showing a
// case's uploads by name rather than by ID.
func documentNames(svc *catalog.Service) map[string]catalog.Text {
	out := map[string]catalog.Text{}
	if svc == nil {
		return out
	}
	for _, d := range svc.Documents {
		out[d.ID] = d.Name
	}
	return out
}
