package web

import "github.com/itoir/miz/internal/outages"

// outageSection is one table of outages on /status and /admin/outages: the
// current, the upcoming and the ended ones, drawn by one loop of the template.
type outageSection struct {
	// ID is the section's element id, Title the message key of its heading.
	ID, Title string
	Rows      []outages.Outage
	// EndNow offers the administrator's "end now" button on each row.
	EndNow bool
}

// outageSectionsOf lays out st's outages as the sections of a page whose element
// ids start with prefix; endNow offers ending the current and upcoming ones.
func outageSectionsOf(prefix string, st *outages.Status, endNow bool) []outageSection {
	return []outageSection{
		{ID: prefix + "-current", Title: "status.current", Rows: st.Current, EndNow: endNow},
		{ID: prefix + "-upcoming", Title: "status.upcoming", Rows: st.Upcoming, EndNow: endNow},
		{ID: prefix + "-history", Title: "status.history", Rows: st.History},
	}
}
