package api

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/itoir/miz/internal/cert/consent"
)

func (a *API) consentRoutes() {
	base := "/api/v1/cases/{code}/consents"
	a.route("GET", base, a.listConsents, Op{ID: "listConsents", Tag: "cert", Auth: true, Params: []Param{certCodeP},
		Summary:  "The organisation's access consents on the case and the accesses recorded under them (A-4.7)",
		Response: certObj, Errors: []int{401, 404}})
	a.route("POST", base, a.grantConsent, Op{ID: "grantConsent", Tag: "cert", Auth: true, Params: []Param{certCodeP},
		Summary: "The organisation grants access: kind (remote, on_site, read_only, forensic_imaging), systems, purpose and period (A-4.7)",
		Body: obj([]string{"access", "systems", "purpose", "valid_until"}, map[string]any{"access": certStr, "systems": certStrList,
			"purpose": certStr, "valid_from": certStr, "valid_until": certStr}),
		Status: 201, Response: certObj, Errors: []int{400, 401, 403, 404, 409}})
	a.route("POST", base+"/{id}/revoke", a.revokeConsent, Op{ID: "revokeConsent", Tag: "cert", Auth: true, Params: []Param{certCodeP, certIDP},
		Summary: "The organisation revokes a consent, at any time",
		Body:    obj(nil, map[string]any{"reason": certStr}), Response: certObj, Errors: []int{400, 401, 403, 404, 409}})
	a.route("GET", base+"/{id}/pdf", a.consentPDF, Op{ID: "consentPDF", Tag: "cert", Auth: true, Params: []Param{certCodeP, certIDP},
		Summary: "The consent record as PDF, printed by chromium, as it stands now", Produces: "application/pdf",
		Errors: []int{401, 404, 503}})
	a.route("POST", "/api/v1/cases/{code}/accesses", a.recordAccess, Op{ID: "recordAccess", Tag: "cert", Auth: true,
		Params:  []Param{certCodeP},
		Summary: "A responder records an access to the organisation's systems, refused unless under a live consent in scope (A-4.7)",
		Body: obj([]string{"consent", "system", "action"}, map[string]any{"consent": map[string]any{"type": "integer"},
			"system": certStr, "action": certStr}),
		Status: 201, Response: certObj, Errors: []int{400, 401, 403, 404, 409}})
}

type consentJSON struct {
	ID         int64     `json:"id"`
	Access     string    `json:"access"`
	Systems    []string  `json:"systems"`
	Purpose    string    `json:"purpose"`
	ValidFrom  time.Time `json:"valid_from"`
	ValidUntil time.Time `json:"valid_until"`
	GrantedAt  time.Time `json:"granted_at"`
	RevokedAt  *string   `json:"revoked_at"`
	Status     string    `json:"status"`
}

func consentOf(c *consent.Consent, now time.Time) consentJSON {
	return consentJSON{ID: c.ID, Access: c.Access, Systems: c.Systems, Purpose: c.Purpose, ValidFrom: c.ValidFrom.UTC(),
		ValidUntil: c.ValidUntil.UTC(), GrantedAt: c.GrantedAt.UTC(), RevokedAt: instant(c.RevokedAt), Status: c.StatusAt(now)}
}

func (a *API) listConsents(w http.ResponseWriter, r *http.Request) {
	v, err := a.CertWork.Consent.List(r.Context(), principal(r), r.PathValue("code"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	cs, acts := []consentJSON{}, []map[string]any{}
	for _, c := range v.Consents {
		cs = append(cs, consentOf(c, v.Now))
	}
	for _, x := range v.Actions {
		acts = append(acts, map[string]any{"id": x.ID, "consent": x.ConsentID, "at": x.At.UTC(), "system": x.System, "action": x.Action})
	}
	writeJSON(w, http.StatusOK, map[string]any{"case": v.CaseCode, "consents": cs, "accesses": acts})
}

func (a *API) grantConsent(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Access     string   `json:"access"`
		Systems    []string `json:"systems"`
		Purpose    string   `json:"purpose"`
		ValidFrom  string   `json:"valid_from"`
		ValidUntil string   `json:"valid_until"`
	}
	if err := decode(r, &req); err != nil {
		a.fail(w, r, err)
		return
	}
	c, err := a.CertWork.Consent.Grant(r.Context(), principal(r), r.PathValue("code"), consent.GrantInput{Access: req.Access,
		Systems: strings.Join(req.Systems, "\n"), Purpose: req.Purpose, From: req.ValidFrom, Until: req.ValidUntil})
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, consentOf(c, a.CertWork.Consent.Clock()))
}

func (a *API) revokeConsent(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Reason string `json:"reason"`
	}
	id, ok := a.idAndBody(w, r, &req)
	if !ok {
		return
	}
	c, err := a.CertWork.Consent.Revoke(r.Context(), principal(r), r.PathValue("code"), id, req.Reason)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, consentOf(c, a.CertWork.Consent.Clock()))
}

func (a *API) recordAccess(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Consent int64  `json:"consent"`
		System  string `json:"system"`
		Action  string `json:"action"`
	}
	if err := decode(r, &req); err != nil {
		a.fail(w, r, err)
		return
	}
	x, err := a.CertWork.Consent.RecordAccess(r.Context(), principal(r), r.PathValue("code"), consent.AccessInput{
		ConsentID: req.Consent, System: req.System, Action: req.Action})
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"id": x.ID, "consent": x.ConsentID, "at": x.At.UTC(), "system": x.System,
		"action": x.Action})
}

func (a *API) consentPDF(w http.ResponseWriter, r *http.Request) {
	id, ok := a.idAndBody(w, r, nil)
	if !ok {
		return
	}
	b, err := a.CertWork.Consent.PDF(r.Context(), principal(r), r.PathValue("code"), id)
	a.sendPrivate(w, r, b, err, "application/pdf", "consent-"+strconv.FormatInt(id, 10)+".pdf")
}
