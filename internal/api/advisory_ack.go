package api

import (
	"net/http"
)

// advisoryAckRoutes declares a constituent's acknowledgement that it applied an
// advisory and its list of advisories with what it did about each (SLA ).
func (a *API) advisoryAckRoutes() {
	if a.Proactive == nil || a.Advisories == nil {
		return
	}
	id := []Param{{Name: "id", In: "path", Required: true, Description: "the advisory's tracking ID"}}
	a.route("GET", "/api/v1/org/advisories", a.orgAdvisories, Op{ID: "listOrgAdvisories", Tag: "cert",
		Summary: "Published advisories with whether the caller's organisation recorded applying each (A-4.5); pending ones first",
		Auth:    true, Response: map[string]any{"type": "object"}, Errors: []int{401, 403}})
	a.route("POST", "/api/v1/org/advisories/{id}/applied", a.advisoryApplied, Op{ID: "markAdvisoryApplied", Tag: "cert",
		Summary: "Record that the caller's organisation applied an advisory's measures (A-4.5)", Auth: true, Params: id,
		Body:     obj(nil, map[string]any{"note": map[string]any{"type": "string"}}),
		Response: map[string]any{"type": "object"}, Errors: []int{400, 401, 403, 404}})
	a.route("DELETE", "/api/v1/org/advisories/{id}/applied", a.advisoryUnapplied, Op{ID: "unmarkAdvisoryApplied", Tag: "cert",
		Summary: "Withdraw the caller's organisation's record that it applied an advisory", Auth: true, Params: id,
		Response: map[string]any{"type": "object"}, Errors: []int{401, 403, 404}})
}

func (a *API) orgAdvisories(w http.ResponseWriter, r *http.Request) {
	applied, err := a.Proactive.Warnings.AppliedAdvisories(r.Context(), principal(r), 0)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	list, err := a.Advisories.List(r.Context(), principal(r), "")
	if err != nil {
		a.fail(w, r, err)
		return
	}
	pending, done := []map[string]any{}, []map[string]any{}
	for _, x := range list {
		item := map[string]any{"id": x.TrackingID, "title_fa": x.TitleFa, "title_en": x.TitleEn, "severity": x.Severity,
			"tlp": x.TLP, "revision": x.Revision, "current_release": isoTime(x.Current)}
		if at, ok := applied[x.TrackingID]; ok {
			item["applied_at"] = isoTime(at)
			done = append(done, item)
		} else {
			pending = append(pending, item)
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"pending": pending, "applied": done})
}

type appliedRequest struct {
	Note string `json:"note"`
}

// advisoryMark checks the caller may read the advisory, marks or unmarks it and
// answers with the mark.
func (a *API) advisoryMark(w http.ResponseWriter, r *http.Request, applied bool) {
	var req appliedRequest
	if applied && r.ContentLength != 0 {
		if err := decode(r, &req); err != nil {
			a.fail(w, r, err)
			return
		}
	}
	adv, err := a.Advisories.Get(r.Context(), principal(r), r.PathValue("id"))
	if err == nil && applied {
		err = a.Proactive.Warnings.AdvisoryApplied(r.Context(), principal(r), adv.TrackingID, req.Note)
	} else if err == nil {
		err = a.Proactive.Warnings.AdvisoryUnapplied(r.Context(), principal(r), adv.TrackingID)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := map[string]any{"id": adv.TrackingID, "applied": applied}
	if applied {
		marks, err := a.Proactive.Warnings.AppliedAdvisories(r.Context(), principal(r), 0)
		if err != nil {
			a.fail(w, r, err)
			return
		}
		out["applied_at"] = isoTime(marks[adv.TrackingID])
	}
	writeJSON(w, http.StatusOK, out)
}

func (a *API) advisoryApplied(w http.ResponseWriter, r *http.Request)   { a.advisoryMark(w, r, true) }
func (a *API) advisoryUnapplied(w http.ResponseWriter, r *http.Request) { a.advisoryMark(w, r, false) }
