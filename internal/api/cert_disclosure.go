package api

import (
	"net/http"
	"time"

	"github.com/itoir/miz/internal/cert/disclosure"
	"github.com/itoir/miz/internal/httpauth"
)

func (a *API) disclosureRoutes() {
	one := []Param{certIDP}
	e := []int{400, 401, 403, 404, 409}
	a.route("POST", "/api/v1/vulnerabilities", a.reportVuln, Op{ID: "reportVulnerability", Tag: "cert",
		Summary: "Anyone (no sign-in) reports a vulnerability in a constituent's system, with an optional CVSS v3.1/v4.0 vector; rate-limited per address",
		Body: obj([]string{"system", "title", "description"}, map[string]any{"system": certStr, "title": certStr, "description": certStr,
			"cvss": certStr, "name": certStr, "email": certStr, "credit": map[string]any{"type": "boolean"}}),
		Status: 201, Response: certObj, Errors: []int{400, 429}})
	a.route("GET", "/api/v1/vulnerabilities/credits", a.vulnCredits, Op{ID: "vulnerabilityCredits", Tag: "cert",
		Summary: "Reporters credited for disclosed vulnerabilities (nothing undisclosed is listed)", Response: certObj})
	a.route("GET", "/api/v1/vulnerabilities", a.listVulns, Op{ID: "listVulnerabilities", Tag: "cert", Auth: true,
		Summary: "Vulnerability reports, for the CERT's analysts", Response: certObj, Errors: []int{401, 403}})
	a.route("GET", "/api/v1/vulnerabilities/{id}", a.getVuln, Op{ID: "getVulnerability", Tag: "cert", Auth: true, Params: one,
		Summary: "One vulnerability report", Response: certObj, Errors: []int{401, 403, 404}})
	a.route("POST", "/api/v1/vulnerabilities/{id}/verification", a.verifyVuln, Op{ID: "verifyVulnerability", Tag: "cert", Auth: true,
		Params: one, Summary: "The analyst's verdict; a confirmed report names its owner organisation by national ID",
		Body:     obj([]string{"confirmed"}, map[string]any{"confirmed": map[string]any{"type": "boolean"}, "owner_national_id": certStr}),
		Response: certObj, Errors: e})
	a.route("POST", "/api/v1/vulnerabilities/{id}/owner-notice", a.vulnStep("notify"), Op{ID: "notifyVulnerabilityOwner", Tag: "cert",
		Auth: true, Params: one, Summary: "Inform the owner through a recorded notice; only then is it 'owner informed' (M-4.3)",
		Response: certObj, Errors: e})
	a.route("POST", "/api/v1/vulnerabilities/{id}/embargo", a.embargoVuln, Op{ID: "setVulnerabilityEmbargo", Tag: "cert", Auth: true,
		Params: one, Summary: "Set the end of the embargo (Jalali or Gregorian date)",
		Body: obj([]string{"until"}, map[string]any{"until": certStr}), Response: certObj, Errors: e})
	a.route("POST", "/api/v1/vulnerabilities/{id}/disclosure", a.vulnStep("disclose"), Op{ID: "discloseVulnerability", Tag: "cert",
		Auth: true, Params: one, Summary: "Disclose once the owner was informed and the embargo has ended", Response: certObj, Errors: e})
}

type vulnJSON struct {
	ID           int64     `json:"id"`
	Ref          string    `json:"ref"`
	ReceivedAt   time.Time `json:"received_at"`
	System       string    `json:"system"`
	Title        string    `json:"title"`
	Description  string    `json:"description"`
	CVSSVector   string    `json:"cvss_vector,omitempty"`
	CVSSVersion  string    `json:"cvss_version,omitempty"`
	CVSSScore    string    `json:"cvss_score,omitempty"`
	CVSSSeverity string    `json:"cvss_severity,omitempty"`
	Status       string    `json:"status"`
	OwnerOrgID   int64     `json:"owner_org_id,omitempty"`
	NotifiedAt   *string   `json:"notified_at"`
	EmbargoUntil *string   `json:"embargo_until"`
	DisclosedAt  *string   `json:"disclosed_at"`
}

func vulnOf(v *disclosure.Vuln) vulnJSON {
	return vulnJSON{ID: v.ID, Ref: v.Ref, ReceivedAt: v.ReceivedAt.UTC(), System: v.System, Title: v.Title, Description: v.Description,
		CVSSVector: v.CVSSVector, CVSSVersion: v.CVSSVersion, CVSSScore: v.CVSSScore, CVSSSeverity: v.CVSSSeverity, Status: v.Status,
		OwnerOrgID: v.OwnerOrgID, NotifiedAt: instant(v.NotifiedAt), EmbargoUntil: instant(v.EmbargoUntil), DisclosedAt: instant(v.DisclosedAt)}
}

func (a *API) reportVuln(w http.ResponseWriter, r *http.Request) {
	var req struct {
		System      string `json:"system"`
		Title       string `json:"title"`
		Description string `json:"description"`
		CVSS        string `json:"cvss"`
		Name        string `json:"name"`
		Email       string `json:"email"`
		Credit      bool   `json:"credit"`
	}
	if err := decode(r, &req); err != nil {
		a.fail(w, r, err)
		return
	}
	v, err := a.CertWork.Disclosure.Report(r.Context(), principal(r), disclosure.ReportInput{System: req.System, Title: req.Title,
		Description: req.Description, CVSS: req.CVSS, Name: req.Name, Email: req.Email, CreditWanted: req.Credit,
		ClientIP: httpauth.ClientIP(r)})
	if err != nil {
		a.fail(w, r, err)
		return
	}
	// The reporter gets their reference and score back, nothing of anyone else's.
	writeJSON(w, http.StatusCreated, map[string]any{"ref": v.Ref, "status": v.Status, "cvss_score": v.CVSSScore,
		"cvss_severity": v.CVSSSeverity})
}

func (a *API) vulnCredits(w http.ResponseWriter, r *http.Request) {
	cr, err := a.CertWork.Disclosure.Credits(r.Context())
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := []map[string]any{}
	for _, c := range cr {
		out = append(out, map[string]any{"ref": c.Ref, "title": c.Title, "reporter": c.Reporter, "severity": c.Severity,
			"disclosed_at": c.DisclosedAt.UTC()})
	}
	writeJSON(w, http.StatusOK, map[string]any{"credits": out})
}

func (a *API) listVulns(w http.ResponseWriter, r *http.Request) {
	list, err := a.CertWork.Disclosure.List(r.Context(), principal(r))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := []vulnJSON{}
	for _, v := range list {
		out = append(out, vulnOf(v))
	}
	writeJSON(w, http.StatusOK, map[string]any{"vulnerabilities": out})
}

func (a *API) getVuln(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		a.fail(w, r, err)
		return
	}
	v, err := a.CertWork.Disclosure.Get(r.Context(), principal(r), id)
	a.vulnDone(w, r, v, err)
}

func (a *API) verifyVuln(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Confirmed bool   `json:"confirmed"`
		Owner     string `json:"owner_national_id"`
	}
	id, ok := a.idAndBody(w, r, &req)
	if !ok {
		return
	}
	v, err := a.CertWork.Disclosure.Verify(r.Context(), principal(r), id, disclosure.VerifyInput{Confirmed: req.Confirmed,
		OwnerNationalID: req.Owner})
	a.vulnDone(w, r, v, err)
}

func (a *API) embargoVuln(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Until string `json:"until"`
	}
	id, ok := a.idAndBody(w, r, &req)
	if !ok {
		return
	}
	v, err := a.CertWork.Disclosure.SetEmbargo(r.Context(), principal(r), id, req.Until)
	a.vulnDone(w, r, v, err)
}

func (a *API) vulnStep(step string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := pathID(r, "id")
		if err != nil {
			a.fail(w, r, err)
			return
		}
		var v *disclosure.Vuln
		if step == "notify" {
			v, err = a.CertWork.Disclosure.NotifyOwner(r.Context(), principal(r), id)
		} else {
			v, err = a.CertWork.Disclosure.Disclose(r.Context(), principal(r), id)
		}
		a.vulnDone(w, r, v, err)
	}
}

func (a *API) vulnDone(w http.ResponseWriter, r *http.Request, v *disclosure.Vuln, err error) {
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, vulnOf(v))
}
