package cases

import (
	"slices"
	"testing"
)

func TestMoveToPageLinksWhereTheFirstMovedStepStood(t *testing.T) {
	steps := []Action{
		{ID: "a", Kind: ActionTransition}, {ID: "pass", Kind: ActionTransition},
		{ID: "b", Kind: ActionTransition}, {ID: "fail", Kind: ActionTransition},
		{ID: "pass", Kind: ActionReturn}, // a return of the same ID is not moved
	}
	ids := func(as []Action) []string {
		var out []string
		for _, a := range as {
			out = append(out, a.ID)
		}
		return out
	}
	got := MoveToPage(steps, &Action{ID: "review", Kind: ActionLink, Path: "/x#review"}, "pass", "fail")
	if want := []string{"a", "review", "b", "pass"}; !slices.Equal(ids(got), want) {
		t.Fatalf("with link: %v, want %v", ids(got), want)
	}
	if got[1].Kind != ActionLink || got[3].Kind != ActionReturn {
		t.Fatalf("kinds: %+v", got)
	}
	if got, want := ids(MoveToPage(steps, nil, "pass", "fail")), []string{"a", "b", "pass"}; !slices.Equal(got, want) {
		t.Fatalf("without link: %v, want %v", got, want)
	}
	if got := ids(MoveToPage(steps, &Action{ID: "review"}, "none")); !slices.Equal(got, ids(steps)) {
		t.Fatalf("nothing to move: %v", got)
	}
}
