package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"html/template"
	"net/http"
	"slices"
	"strings"

	"github.com/itoir/miz/internal/catalog"
	"github.com/itoir/miz/internal/cert/evidence"
	"github.com/itoir/miz/internal/cert/incident"
	"github.com/itoir/miz/internal/cert/reactive"
	"github.com/itoir/miz/internal/cert/tlp"
	"github.com/itoir/miz/internal/httpauth"
	"github.com/itoir/miz/internal/i18n"
	"github.com/itoir/miz/internal/problem"
)

// IncidentPanel is an extra section of an incident's page (dispatch, consent,
// technical report…): it returns its HTML, or "" to show nothing, for the reader
// of the page (whom the incident page has already let in). Panels are added with
// AddIncidentPanel and shown in order below the incident's own sections.
type IncidentPanel func(r *http.Request, p *Page, iv *reactive.IncidentView) (template.HTML, error)

// AddIncidentPanel adds a section to every incident page (see IncidentPanel).
func (s *Server) AddIncidentPanel(panel IncidentPanel) {
	s.incidentPanels = append(s.incidentPanels, panel)
}

// Partial renders the "content" template of page name with p, for panels.
func (s *Server) Partial(name string, p *Page) (template.HTML, error) {
	t, err := s.r.page(name)
	if err != nil {
		return "", err
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "content", p); err != nil {
		return "", err
	}
	return template.HTML(buf.String()), nil // #nosec G203 -- our own template's output
}

// incidentRoutes registers the CERT incident desk: the report form, the triage
// queue, the incident's page with its actions, evidence and statistics. Without
// the incident service wired in, none of them is served.
func (s *Server) incidentRoutes(mux *http.ServeMux) {
	if s.Incidents == nil {
		return
	}
	mux.HandleFunc("GET /cert/report", s.signedIn(s.incidentReportForm))
	mux.HandleFunc("POST /cert/report", s.signedIn(s.incidentReport))
	mux.HandleFunc("GET /cert/queue", s.signedIn(s.triageQueue))
	mux.HandleFunc("GET /cases/{code}/incident", s.signedIn(s.incidentPage))
	mux.HandleFunc("POST /cases/{code}/incident/triage", s.form(s.signedIn(s.incidentTriage)))
	mux.HandleFunc("POST /cases/{code}/incident/phase", s.form(s.signedIn(s.incidentPhase)))
	mux.HandleFunc("POST /cases/{code}/incident/note", s.form(s.signedIn(s.incidentNote)))
	mux.HandleFunc("POST /cases/{code}/incident/indicators", s.form(s.signedIn(s.incidentIndicators)))
	mux.HandleFunc("POST /cases/{code}/incident/close", s.form(s.signedIn(s.incidentClose)))
	mux.HandleFunc("POST /cases/{code}/incident/recipients", s.form(s.signedIn(s.incidentRecipient)))
	mux.HandleFunc("GET /cases/{code}/incident/export", s.signedIn(s.incidentExport))
	s.evidenceRoutes(mux)
	s.statsRoutes(mux)
}

// reportFields are the report form's text fields.
func reportFields() []string {
	return []string{"summary", "first_seen", "assets", "impact", "contact_name", "contact_phone", "contact_email",
		"indicators", "tlp", "organization", "channel", "evidence_tlp"}
}

// certService finds the published service whose module is the CERT's.
func (s *Server) certService(r *http.Request) (*catalog.Service, error) {
	svcs, err := s.Services(r.Context())
	if err != nil {
		return nil, err
	}
	for _, svc := range svcs {
		if svc.Module == "cert" {
			return svc, nil
		}
	}
	return nil, problem.New(problem.NotFound, "error.not_found")
}

type option struct {
	ID, Label string
}

func tlpOptions(p *Page) []option {
	out := []option{}
	for _, l := range tlp.All() {
		out = append(out, option{l.String(), "TLP:" + l.String() + " — " + p.T("cert.tlp.meaning."+tlpClass(l))})
	}
	return out
}

// tlpClass is a label's CSS class suffix and message key part.
func tlpClass(l tlp.Level) string {
	return strings.ReplaceAll(strings.ToLower(l.String()), "+", "-")
}

// tlpBadge is a label as pages show it: FIRST's text (TLP:AMBER+STRICT) in its colours.
type tlpBadge struct {
	Text, Class, Title string
}

func tlpLabel(p *Page, l tlp.Level) tlpBadge {
	if !l.Valid() {
		l = tlp.Red
	}
	return tlpBadge{Text: "TLP:" + l.String(), Class: "tlp tlp-" + tlpClass(l), Title: p.T("cert.tlp.meaning." + tlpClass(l))}
}

func (s *Server) incidentReportForm(w http.ResponseWriter, r *http.Request) {
	p := s.page(r, "cert.report.title")
	p.Form["tlp"] = incident.DefaultTLP.String()
	s.renderReport(w, r, http.StatusOK, p)
}

func (s *Server) renderReport(w http.ResponseWriter, r *http.Request, status int, p *Page) {
	svc, err := s.certService(r)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	limits, err := evidence.LimitsOf(svc)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	var channels []option
	for _, c := range reactive.Channels() {
		channels = append(channels, option{c, p.T("cert.channel." + c)})
	}
	pr := caller(r)
	p.Data = map[string]any{"Service": svc, "TLPs": tlpOptions(p), "Channels": channels,
		"Staff": pr.IsStaff(), "FileLimit": sizeLabel(p, limits.File), "Evidence": s.Evidence != nil}
	s.render(w, r, status, "cert_incident_report", p)
}

// incidentReport takes the report form with its evidence: the form is checked
// whole first (every field's problem shown at once, nothing stored), then the
// report is opened, the evidence stored encrypted, and the report sent.
func (s *Server) incidentReport(w http.ResponseWriter, r *http.Request) {
	p := s.page(r, "cert.report.title")
	svc, err := s.certService(r)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	limits, err := evidence.LimitsOf(svc)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, limits.Case+(1<<20))
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			p.Errors["evidence"] = p.T("cert.evidence.too_large", evidence.SizeText(limits.File))
			s.renderReport(w, r, http.StatusRequestEntityTooLarge, p)
			return
		}
		if err := r.ParseForm(); err != nil {
			s.Fail(w, r, problem.New(problem.Invalid, "error.json", "form"))
			return
		}
	}
	if r.MultipartForm != nil {
		defer func() { _ = r.MultipartForm.RemoveAll() }()
	}
	if !httpauth.CheckCSRF(r) {
		s.Fail(w, r, problem.New(problem.Forbidden, "error.csrf"))
		return
	}
	for _, f := range reportFields() {
		p.Form[f] = r.PostFormValue(f)
	}
	if err := checkFormText(r); err != nil {
		s.reportProblems(w, r, p, err)
		return
	}
	form := map[string]any{}
	for _, f := range []string{"summary", "first_seen", "impact", "contact_name", "contact_phone",
		"contact_email", "indicators", "tlp"} {
		if v := strings.TrimSpace(r.PostFormValue(f)); v != "" {
			form[f] = r.PostFormValue(f)
		}
	}
	if list := typedLines(r.PostFormValue("assets")); len(list) > 0 {
		form["assets"] = list
	}
	raw, _ := json.Marshal(form)
	in := reactive.ReportInput{Service: svc.ID, Form: raw, Organization: r.PostFormValue("organization"),
		Channel: r.PostFormValue("channel")}
	if _, err := s.Incidents.Check(in); err != nil {
		s.reportProblems(w, r, p, err)
		return
	}
	var files []*evidenceUpload
	if r.MultipartForm != nil {
		for _, fh := range r.MultipartForm.File["evidence"] {
			if fh.Size > limits.File {
				p.Errors["evidence"] = p.T("cert.evidence.too_large", evidence.SizeText(limits.File))
				s.renderReport(w, r, http.StatusBadRequest, p)
				return
			}
			files = append(files, &evidenceUpload{header: fh})
		}
	}
	if len(files) > 0 && s.Evidence == nil {
		s.Fail(w, r, problem.New(problem.Unavailable, "error.unavailable"))
		return
	}
	// A report with evidence is opened as a draft, the evidence stored, then sent:
	// the CERT never sees a report whose files are still arriving. Staff reporting
	// for an organisation send at once and add the evidence after.
	pr := caller(r)
	draft := len(files) > 0 && strings.TrimSpace(in.Organization) == "" && strings.TrimSpace(in.Channel) == ""
	open := s.Incidents.Report
	if draft {
		open = s.Incidents.Open
	}
	c, err := open(r.Context(), pr, in)
	if err != nil {
		s.reportProblems(w, r, p, err)
		return
	}
	for _, f := range files {
		if err := s.addEvidence(r, c.TrackingCode, f, r.PostFormValue("evidence_tlp")); err != nil {
			// The draft keeps the report; the person adds the file again there.
			s.Fail(w, r, err)
			return
		}
	}
	if draft {
		if _, err := s.Incidents.Submit(r.Context(), pr, c.TrackingCode); err != nil {
			s.Fail(w, r, err)
			return
		}
	}
	code := c.TrackingCode
	flash(w, "cert.report.sent")
	http.Redirect(w, r, reactive.PagePath(code), http.StatusSeeOther)
}

// reportProblems re-shows the report form, filled in, with every field's problem
// beside its field: entries of a list (assets[3]) are shown under the list.
func (s *Server) reportProblems(w http.ResponseWriter, r *http.Request, p *Page, err error) {
	pe := problem.As(err)
	if pe.Code != problem.Invalid {
		s.Fail(w, r, err)
		return
	}
	fieldErrors(p, err)
	s.renderReport(w, r, problem.Status(pe.Code), p)
}

// fieldErrors puts each field error of err beside its field on p; entries of a
// list (indicators[3]) go under the list, one line each.
func fieldErrors(p *Page, err error) {
	var list incident.FieldErrors
	if !errors.As(err, &list) {
		list = incident.FieldErrors{problem.As(err)}
	}
	for _, pe := range list {
		msg := i18n.T(p.Lang, pe.Key, pe.Args...)
		field := pe.Field
		if i := strings.IndexByte(field, '['); i > 0 {
			field = field[:i]
		}
		if field == "" || field == "form" {
			if p.Error == "" {
				p.Error = msg
			}
			continue
		}
		if p.Errors[field] != "" {
			msg = p.Errors[field] + " — " + msg
		}
		p.Errors[field] = msg
	}
}

// typedLines turns the affected-systems box into the form's list: one entry a
// line, "type: value" naming the type ("hostname: mail01"), otherwise recognised.
func typedLines(text string) []map[string]string {
	var out []map[string]string
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		e := map[string]string{"value": line}
		if t, v, ok := strings.Cut(line, ":"); ok && slices.Contains(incident.AssetTypes(), strings.ToLower(strings.TrimSpace(t))) &&
			!strings.HasPrefix(v, "//") {
			e["type"], e["value"] = strings.ToLower(strings.TrimSpace(t)), strings.TrimSpace(v)
		}
		out = append(out, e)
	}
	return out
}
