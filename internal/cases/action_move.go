package cases

import "slices"

// MoveToPage is what an ActionProvider does with generic transitions that need its
// own page (CERTIFY's review with its criteria checklist, CERT's closing with its
// closure code): it takes the transitions named in ids off steps, and puts link,
// when not nil, where the first of them stood. The other steps keep their order.
func MoveToPage(steps []Action, link *Action, ids ...string) []Action {
	out := make([]Action, 0, len(steps)+1)
	linked := false
	for _, a := range steps {
		if a.Kind == ActionTransition && slices.Contains(ids, a.ID) {
			if link != nil && !linked {
				out = append(out, *link)
				linked = true
			}
			continue
		}
		out = append(out, a)
	}
	return out
}
