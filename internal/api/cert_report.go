package api

import (
	"context"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/itoir/miz/internal/cert/report"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/problem"
)

func (a *API) reportRoutes() {
	base := "/api/v1/cases/{code}/reports"
	one := []Param{certCodeP, certIDP}
	draft := obj([]string{"title", "body"}, map[string]any{"title": certStr, "body": certStr})
	e := []int{400, 401, 403, 404, 409}
	a.route("GET", base, a.listReports, Op{ID: "listReports", Tag: "cert", Auth: true, Params: []Param{certCodeP},
		Summary:  "The case's technical reports: all for CERT staff, the delivered ones for the applicant (D-3)",
		Response: certObj, Errors: []int{401, 404}})
	a.route("POST", base, a.createReport, Op{ID: "createReport", Tag: "cert", Auth: true, Params: []Param{certCodeP},
		Summary: "An analyst starts a technical report (Markdown with headings)", Body: draft, Status: 201, Response: certObj, Errors: e})
	a.route("GET", base+"/{id}", a.getReport, Op{ID: "getReport", Tag: "cert", Auth: true, Params: one,
		Summary: "One technical report", Response: certObj, Errors: []int{401, 404}})
	a.route("PUT", base+"/{id}", a.updateReport, Op{ID: "updateReport", Tag: "cert", Auth: true, Params: one,
		Summary: "The author changes the draft", Body: draft, Response: certObj, Errors: e})
	a.route("POST", base+"/{id}/submit", a.reportStep("submit"), Op{ID: "submitReport", Tag: "cert", Auth: true, Params: one,
		Summary: "The author sends the draft to review", Response: certObj, Errors: e})
	a.route("POST", base+"/{id}/review", a.reviewReport, Op{ID: "reviewReport", Tag: "cert", Auth: true, Params: one,
		Summary: "A second person approves the report or returns it; the author cannot (four eyes)",
		Body:    obj([]string{"approve"}, map[string]any{"approve": map[string]any{"type": "boolean"}}), Response: certObj, Errors: e})
	a.route("POST", base+"/{id}/deliver", a.reportStep("deliver"), Op{ID: "deliverReport", Tag: "cert", Auth: true, Params: one,
		Summary: "Deliver the approved report to the applicant privately, signed (D-3)", Response: certObj, Errors: e})
	a.route("POST", base+"/{id}/redaction", a.redactReport, Op{ID: "redactReport", Tag: "cert", Auth: true, Params: one,
		Summary: "The reviewer records the public-warning draft, with names, addresses and internal details removed",
		Body:    draft, Response: certObj, Errors: e})
	a.route("POST", base+"/{id}/attachments", a.attachToReport, Op{ID: "attachToReport", Tag: "cert", Auth: true, Params: one,
		Summary:  "Add an attachment to a draft or a report in review (multipart: field file); always served as a download",
		BodyType: "multipart/form-data", Status: 201, Response: certObj, Errors: []int{400, 401, 403, 404, 409, 413, 415},
		MaxBodySize: report.MaxFileSize + 1<<20})
	a.route("GET", base+"/{id}/signed", a.signedReport, Op{ID: "signedReport", Tag: "cert", Auth: true, Params: one,
		Summary:  "The delivered report as signed JSON, verifiable with `miz verify FILE --key jwks.json`",
		Response: certObj, Errors: []int{401, 404, 409}})
	a.route("GET", base+"/{id}/pdf", a.reportPDF, Op{ID: "reportPDF", Tag: "cert", Auth: true, Params: one,
		Summary: "The delivered report as PDF, printed by chromium", Produces: "application/pdf", Errors: []int{401, 404, 409, 503}})
}

type reportJSON struct {
	ID          int64             `json:"id"`
	Case        string            `json:"case"`
	Title       string            `json:"title"`
	Body        string            `json:"body"`
	Status      string            `json:"status"`
	Author      int64             `json:"author"`
	Reviewer    int64             `json:"reviewer"`
	DeliveredAt *string           `json:"delivered_at"`
	Attachments []report.File     `json:"attachments"`
	Redacted    *redactionJSON    `json:"redaction,omitempty"`
	Diff        []report.DiffLine `json:"redaction_diff,omitempty"`
}

type redactionJSON struct {
	Title string    `json:"title"`
	Body  string    `json:"body"`
	At    time.Time `json:"at"`
}

func reportOf(r *report.Report) reportJSON {
	out := reportJSON{ID: r.ID, Case: r.CaseCode, Title: r.Title, Body: r.Body, Status: r.Status, Author: r.AuthorID,
		Reviewer: r.ReviewerID, DeliveredAt: instant(r.DeliveredAt), Attachments: r.Files}
	if out.Attachments == nil {
		out.Attachments = []report.File{}
	}
	if r.RedactedBody != "" {
		out.Redacted = &redactionJSON{Title: r.RedactedTitle, Body: r.RedactedBody, At: r.RedactedAt.UTC()}
		out.Diff = report.Diff(r.Body, r.RedactedBody)
	}
	return out
}

func (a *API) listReports(w http.ResponseWriter, r *http.Request) {
	v, err := a.CertWork.Reports.List(r.Context(), principal(r), r.PathValue("code"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := []reportJSON{}
	for _, x := range v.Reports {
		out = append(out, reportOf(x))
	}
	writeJSON(w, http.StatusOK, map[string]any{"case": v.CaseCode, "reports": out})
}

type draftRequest struct {
	Title string `json:"title"`
	Body  string `json:"body"`
}

func (a *API) createReport(w http.ResponseWriter, r *http.Request) {
	var req draftRequest
	if err := decode(r, &req); err != nil {
		a.fail(w, r, err)
		return
	}
	x, err := a.CertWork.Reports.Create(r.Context(), principal(r), r.PathValue("code"), report.Draft(req))
	if err == nil {
		w.Header().Set("Location", "/api/v1/cases/"+x.CaseCode+"/reports/"+strconv.FormatInt(x.ID, 10))
	}
	a.reportDone(w, r, x, err, http.StatusCreated)
}

func (a *API) getReport(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		a.fail(w, r, err)
		return
	}
	x, err := a.CertWork.Reports.Get(r.Context(), principal(r), r.PathValue("code"), id)
	a.reportDone(w, r, x, err, http.StatusOK)
}

func (a *API) updateReport(w http.ResponseWriter, r *http.Request) {
	a.draftStep(w, r, a.CertWork.Reports.Update)
}

func (a *API) redactReport(w http.ResponseWriter, r *http.Request) {
	a.draftStep(w, r, a.CertWork.Reports.Redact)
}

func (a *API) draftStep(w http.ResponseWriter, r *http.Request, fn func(context.Context, *identity.Principal, string, int64, report.Draft) (*report.Report, error)) {
	var req draftRequest
	id, ok := a.idAndBody(w, r, &req)
	if !ok {
		return
	}
	x, err := fn(r.Context(), principal(r), r.PathValue("code"), id, report.Draft(req))
	a.reportDone(w, r, x, err, http.StatusOK)
}

func (a *API) reviewReport(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Approve bool `json:"approve"`
	}
	id, ok := a.idAndBody(w, r, &req)
	if !ok {
		return
	}
	x, err := a.CertWork.Reports.Review(r.Context(), principal(r), r.PathValue("code"), id, req.Approve)
	a.reportDone(w, r, x, err, http.StatusOK)
}

// reportStep is a step without a body: submit or deliver.
func (a *API) reportStep(step string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := pathID(r, "id")
		if err != nil {
			a.fail(w, r, err)
			return
		}
		svc := a.CertWork.Reports
		var x *report.Report
		if step == "submit" {
			x, err = svc.Submit(r.Context(), principal(r), r.PathValue("code"), id)
		} else {
			x, err = svc.Deliver(r.Context(), principal(r), r.PathValue("code"), id)
		}
		a.reportDone(w, r, x, err, http.StatusOK)
	}
}

func (a *API) reportDone(w http.ResponseWriter, r *http.Request, x *report.Report, err error, status int) {
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, status, reportOf(x))
}

// attachToReport reads the multipart part named file into the report.
func (a *API) attachToReport(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		a.fail(w, r, err)
		return
	}
	mr, err := r.MultipartReader()
	if err != nil {
		a.fail(w, r, problem.New(problem.Unsupported, "error.content_type", "multipart/form-data"))
		return
	}
	for {
		part, err := mr.NextPart()
		if err != nil {
			a.fail(w, r, tooLargeOr(err, problem.Field("file", "report.file.empty")))
			return
		}
		if part.FormName() != "file" {
			part.Close()
			continue
		}
		body, err := io.ReadAll(io.LimitReader(part, report.MaxFileSize+1))
		if err != nil {
			a.fail(w, r, tooLargeOr(err, problem.Field("file", "report.file.empty")))
			return
		}
		x, err := a.CertWork.Reports.Attach(r.Context(), principal(r), r.PathValue("code"), id,
			report.AttachInput{Name: part.FileName(), Body: body})
		a.reportDone(w, r, x, err, http.StatusCreated)
		return
	}
}

func (a *API) signedReport(w http.ResponseWriter, r *http.Request) {
	id, ok := a.idAndBody(w, r, nil)
	if !ok {
		return
	}
	b, err := a.CertWork.Reports.SignedJSON(r.Context(), principal(r), r.PathValue("code"), id)
	a.sendPrivate(w, r, b, err, "application/json; charset=utf-8", "")
}

func (a *API) reportPDF(w http.ResponseWriter, r *http.Request) {
	id, ok := a.idAndBody(w, r, nil)
	if !ok {
		return
	}
	b, err := a.CertWork.Reports.PDF(r.Context(), principal(r), r.PathValue("code"), id)
	a.sendPrivate(w, r, b, err, "application/pdf", "report-"+strconv.FormatInt(id, 10)+".pdf")
}
