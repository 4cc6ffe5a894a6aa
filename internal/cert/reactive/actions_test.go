package reactive

import (
	"testing"

	"github.com/itoir/miz/internal/cases"
)

func TestActionsReplaceClosingStepsThatNeedACode(t *testing.T) {
	v := &cases.View{Case: cases.Case{TrackingCode: "ABCD-EFGH-12", Kind: KindIncident}}
	steps := []cases.Action{{ID: TransitionResolve, Kind: cases.ActionTransition}, {ID: TransitionClose, Kind: cases.ActionTransition},
		{ID: "ask_information", Kind: cases.ActionTransition}}
	ids := func(as []cases.Action) (out []string) {
		for _, a := range as {
			out = append(out, a.ID)
		}
		return out
	}
	got := ids((&Module{WebPages: true}).Actions(v, nil, steps))
	if want := []string{TransitionResolve, ActionClose, "ask_information", ActionIncident}; !equal(got, want) {
		t.Fatalf("with pages %v, want %v", got, want)
	}
	got = ids((&Module{}).Actions(v, nil, steps))
	if want := []string{TransitionResolve, "ask_information"}; !equal(got, want) {
		t.Fatalf("without pages %v, want %v", got, want)
	}
	other := &cases.View{Case: cases.Case{Kind: "dispatch"}}
	if got := (&Module{WebPages: true}).Actions(other, nil, steps); len(got) != 3 {
		t.Fatalf("dispatch: %v", got)
	}
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
