package api

import (
	"net/http"
	"strings"

	"github.com/itoir/miz/internal/cert/advisory"
)

// advisoryRoutes declares the public advisories (SLA M-4.1): the list with its
// Persian-normalised search and one advisory with its revisions. Anonymous callers
// get TLP:CLEAR ones; signed-in constituents also GREEN and AMBER.
func (a *API) advisoryRoutes() {
	if a.Advisories == nil {
		return
	}
	str := map[string]any{"type": "string"}
	summary := map[string]any{"type": "object", "properties": map[string]any{
		"id": str, "tlp": map[string]any{"enum": []string{"CLEAR", "GREEN", "AMBER"}},
		"severity": map[string]any{"enum": []string{"low", "medium", "high", "critical"}}, "title_fa": str, "title_en": str,
		"summary_fa": str, "cves": map[string]any{"type": "array", "items": str}, "revision": map[string]any{"type": "integer"},
		"initial_release": map[string]any{"type": "string", "format": "date-time"},
		"current_release": map[string]any{"type": "string", "format": "date-time"}}}
	a.route("GET", "/api/v1/advisories", a.listAdvisories, Op{ID: "listAdvisories", Tag: "advisories",
		Summary:  "Published advisories, newest first, searched after Persian normalisation (M-4.1)",
		Params:   []Param{{Name: "q", In: "query", Description: "text, product, CVE ID or advisory ID to look for"}},
		Response: map[string]any{"type": "object", "properties": map[string]any{"items": map[string]any{"type": "array", "items": summary}}},
		Errors:   []int{400}})
	a.route("GET", "/api/v1/advisories/{id}", a.getAdvisory, Op{ID: "getAdvisory", Tag: "advisories",
		Summary:  "One published advisory with its content, revision history and packages (M-4.1)",
		Params:   []Param{{Name: "id", In: "path", Required: true, Description: "tracking ID, e.g. MIZ-2026-0001"}},
		Response: map[string]any{"type": "object"}, Errors: []int{404}})
}

func (a *API) listAdvisories(w http.ResponseWriter, r *http.Request) {
	items, err := a.Advisories.List(r.Context(), principal(r), r.URL.Query().Get("q"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	if items == nil {
		items = []advisory.Summary{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items})
}

func (a *API) getAdvisory(w http.ResponseWriter, r *http.Request) {
	adv, err := a.Advisories.Get(r.Context(), principal(r), r.PathValue("id"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	base := ""
	if a.BaseURL != nil {
		base = strings.TrimRight(a.BaseURL(), "/")
	}
	writeJSON(w, http.StatusOK, map[string]any{"advisory": adv, "csaf_url": base + "/.well-known/csaf/" + adv.CSAFPath})
}
