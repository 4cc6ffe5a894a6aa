package web

import (
	"encoding/json"
	"html/template"
	"net/http"
	"strings"
	"time"

	"github.com/itoir/miz/internal/cert/evidence"
	"github.com/itoir/miz/internal/cert/incident"
	"github.com/itoir/miz/internal/cert/reactive"
	"github.com/itoir/miz/internal/cert/triage"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/problem"
)

// incidentView is the incident page's data, every code already turned into words.
type incidentView struct {
	IV        *reactive.IncidentView
	Form      incident.Form
	Label     tlpBadge
	Class     string
	Type      string
	Severity  string
	SevID     string
	Closure   string
	Channel   string
	OnBehalf  bool
	Staff     bool
	Handler   bool
	Assigned  bool
	CanTriage bool
	CanPhase  bool
	CanClose  bool
	Open      bool
	Supervise bool
	Assets    []labelled
	Inds      []labelled
	Notes     []labelledNote
	Phases    []labelledNote
	Files     []evidenceRow
	Docs      []evidenceRow
	Withheld  int
	TLPs      []option
	Classes   []classOption
	Sevs      []option
	PhaseOpts []option
	Closures  []option
	Panels    []template.HTML
	FileLimit string
	Evidence  bool
	Due       time.Time
	Response  time.Time
	FirstSeen time.Time
}

type labelled struct {
	Type, Value string
	TLP         tlpBadge
}

type labelledNote struct {
	Title, Body string
	TLP         tlpBadge
	At          time.Time
}

type evidenceRow struct {
	ID                          int64
	Name, Size, SHA256, Comment string
	TLP                         tlpBadge
	At                          time.Time
}

// classOption is an RSIT class with its types, for the triage form.
type classOption struct {
	ID, Label string
	Types     []option
}

func (s *Server) incidentPage(w http.ResponseWriter, r *http.Request) {
	p := s.page(r, "cert.incident.title")
	clearFlash(w, r)
	s.renderIncident(w, r, http.StatusOK, p)
}

// renderIncident shows an incident to those who may read it (others, staff of the
// service included, get the 404 page): its report, triage, phases, notes,
// indicators and evidence, each with its TLP label and nothing above the reader's
// reach, and to its handlers the forms that work it.
func (s *Server) renderIncident(w http.ResponseWriter, r *http.Request, status int, p *Page) {
	ctx, pr := r.Context(), caller(r)
	iv, err := s.Incidents.Incident(ctx, pr, r.PathValue("code"))
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	d := &incidentView{IV: iv, Label: tlpLabel(p, iv.Label), Staff: pr.IsStaff(), Handler: iv.Handler(pr),
		Assigned: iv.Assigned(pr), Withheld: iv.Withheld, TLPs: tlpOptions(p), Evidence: s.Evidence != nil}
	_ = json.Unmarshal(iv.Case.Form, &d.Form)
	d.FirstSeen, _ = time.Parse(time.RFC3339, d.Form.FirstSeen)
	v := iv.Case
	d.Open = v.ClosedAt.IsZero() && v.State != "draft"
	d.CanTriage = d.Handler && d.Open
	d.CanPhase = d.Handler && v.State == "handling"
	d.CanClose = d.Handler && d.Open
	d.Supervise = pr.HasRole(v.Service, identity.Supervisor)
	for _, a := range d.Form.Assets {
		d.Assets = append(d.Assets, labelled{Type: p.T("cert.asset_type." + a.Type), Value: a.Value})
	}
	for _, i := range iv.Indicators {
		d.Inds = append(d.Inds, labelled{Type: p.T("cert.indicator_type." + i.Type), Value: i.Value, TLP: tlpLabel(p, i.TLP)})
	}
	for _, n := range iv.Notes {
		d.Notes = append(d.Notes, labelledNote{Body: n.Body, TLP: tlpLabel(p, n.TLP), At: n.At})
	}
	for _, ph := range iv.Phases {
		d.Phases = append(d.Phases, labelledNote{Title: p.T("cert.phase." + ph.Phase), Body: ph.Note, TLP: tlpLabel(p, ph.TLP), At: ph.At})
	}
	for _, f := range iv.Files {
		d.Docs = append(d.Docs, evidenceRow{ID: f.ID, Name: f.Filename, Size: sizeLabel(p, f.Size), SHA256: f.SHA256,
			TLP: tlpLabel(p, iv.FileLabels[f.ID]), At: f.UploadedAt})
	}
	if rec := iv.Record; rec != nil {
		if rec.Class != "" {
			d.Class, d.Type = p.T("cert.rsit.class."+rec.Class), p.T("cert.rsit.type."+rec.Type)
			d.Severity, d.SevID = p.T("cert.severity."+rec.Severity), rec.Severity
			d.Due, d.Response = rec.ResolutionDue, rec.ResponseDue
		}
		if rec.Code != "" {
			d.Closure = p.T("cert.closure." + rec.Code)
		}
		if rec.ReportedByStaff != 0 {
			d.OnBehalf, d.Channel = true, p.T("cert.channel."+rec.Channel)
		}
	}
	if s.Evidence != nil {
		files, withheld, err := s.Evidence.List(ctx, pr, v.TrackingCode)
		if err != nil {
			s.Fail(w, r, err)
			return
		}
		d.Withheld += withheld
		for _, f := range files {
			d.Files = append(d.Files, evidenceRow{ID: f.ID, Name: f.Filename, Size: sizeLabel(p, f.Size), SHA256: f.SHA256,
				Comment: f.Description, TLP: tlpLabel(p, f.TLP), At: f.UploadedAt})
		}
		limits, err := evidence.LimitsOf(v.ServiceDef)
		if err != nil {
			s.Fail(w, r, err)
			return
		}
		d.FileLimit = sizeLabel(p, limits.File)
	}
	if d.Handler {
		for _, c := range triage.Taxonomy() {
			co := classOption{ID: c.ID, Label: p.T("cert.rsit.class." + c.ID)}
			for _, t := range c.Types {
				co.Types = append(co.Types, option{t, p.T("cert.rsit.type." + t)})
			}
			d.Classes = append(d.Classes, co)
		}
		for _, sv := range triage.Severities() {
			d.Sevs = append(d.Sevs, option{string(sv), p.T("cert.severity." + string(sv))})
		}
		for _, ph := range reactive.Phases() {
			d.PhaseOpts = append(d.PhaseOpts, option{ph, p.T("cert.phase." + ph)})
		}
		for _, c := range []string{reactive.ClosureResolved, reactive.ClosureNotAnIncident, reactive.ClosureDuplicateOf, reactive.ClosureOutOfScope} {
			if reactive.ClosureFor(v.State, c) != "" {
				d.Closures = append(d.Closures, option{c, p.T("cert.closure." + c)})
			}
		}
	}
	for _, panel := range s.incidentPanels {
		html, err := panel(r, p, iv)
		if err != nil {
			s.Fail(w, r, err)
			return
		}
		if html != "" {
			d.Panels = append(d.Panels, html)
		}
	}
	p.Data = d
	s.render(w, r, status, "cert_incident", p)
}

// incidentProblem re-shows the incident page with a field error beside the form
// that caused it (field names the form when the error names no field of its own).
func (s *Server) incidentProblem(w http.ResponseWriter, r *http.Request, p *Page, err error, form string) {
	pe := problem.As(err)
	if pe.Code != problem.Invalid {
		s.Fail(w, r, err)
		return
	}
	fieldErrors(p, err)
	found := p.Errors
	p.Errors = map[string]string{}
	if p.Error != "" {
		p.Errors[form], p.Error = p.Error, ""
	}
	for f, m := range found {
		if f == form || f == "file" || f == "evidence" {
			p.Errors[form] = m
		} else {
			p.Errors[form+"."+f] = m
		}
	}
	if len(found) > 0 && p.Errors[form] == "" {
		p.Errors[form] = p.T("cert.form.fix")
	}
	for k, v := range map[string]string{"reason": r.PostFormValue("reason"), "note": r.PostFormValue("note"),
		"body": r.PostFormValue("body"), "indicators": r.PostFormValue("indicators"), "duplicate_of": r.PostFormValue("duplicate_of")} {
		p.Form[k] = v
	}
	s.renderIncident(w, r, problem.Status(pe.Code), p)
}

// incidentDone goes back to the incident's page with a flash, or shows the problem.
func (s *Server) incidentDone(w http.ResponseWriter, r *http.Request, err error, form, key string) {
	if err != nil {
		s.incidentProblem(w, r, s.page(r, "cert.incident.title"), err, form)
		return
	}
	flash(w, key)
	http.Redirect(w, r, reactive.PagePath(r.PathValue("code"))+"#cert-"+form, http.StatusSeeOther)
}

func (s *Server) incidentTriage(w http.ResponseWriter, r *http.Request) {
	class, typ := r.PostFormValue("class"), r.PostFormValue("type")
	if c, t, ok := strings.Cut(typ, "/"); ok && class == "" {
		class, typ = c, t
	}
	err := s.Incidents.Triage(r.Context(), caller(r), r.PathValue("code"), class, typ, r.PostFormValue("severity"))
	s.incidentDone(w, r, err, "triage", "cert.flash.triaged")
}

func (s *Server) incidentPhase(w http.ResponseWriter, r *http.Request) {
	err := s.Incidents.RecordPhase(r.Context(), caller(r), r.PathValue("code"), r.PostFormValue("phase"),
		r.PostFormValue("note"), r.PostFormValue("tlp"))
	s.incidentDone(w, r, err, "phase", "cert.flash.phase")
}

func (s *Server) incidentNote(w http.ResponseWriter, r *http.Request) {
	err := s.Incidents.AddNote(r.Context(), caller(r), r.PathValue("code"), r.PostFormValue("body"), r.PostFormValue("tlp"))
	s.incidentDone(w, r, err, "note", "cert.flash.note")
}

func (s *Server) incidentIndicators(w http.ResponseWriter, r *http.Request) {
	raw, _ := json.Marshal(r.PostFormValue("indicators"))
	_, err := s.Incidents.AddIndicators(r.Context(), caller(r), r.PathValue("code"), raw, r.PostFormValue("tlp"))
	s.incidentDone(w, r, err, "indicators", "cert.flash.indicators")
}

// incidentRecipient names a recipient of the incident's RED items (supervisors).
func (s *Server) incidentRecipient(w http.ResponseWriter, r *http.Request) {
	err := s.Incidents.NameRecipientByUsername(r.Context(), caller(r), r.PathValue("code"), r.PostFormValue("username"))
	s.incidentDone(w, r, err, "recipient", "cert.flash.recipient")
}

func (s *Server) incidentClose(w http.ResponseWriter, r *http.Request) {
	err := s.Incidents.Close(r.Context(), caller(r), r.PathValue("code"), r.PostFormValue("closure"),
		r.PostFormValue("duplicate_of"), r.PostFormValue("reason"))
	s.incidentDone(w, r, err, "close", "cert.flash.closed")
}

// incidentExport downloads the indicators the reader may see as STIX 2.1 or MISP.
func (s *Server) incidentExport(w http.ResponseWriter, r *http.Request) {
	format := r.URL.Query().Get("format")
	var buf strings.Builder
	if err := s.Incidents.Export(r.Context(), caller(r), r.PathValue("code"), format, &buf); err != nil {
		s.Fail(w, r, err)
		return
	}
	name := r.PathValue("code") + "-" + format + ".json"
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, _ = w.Write([]byte(buf.String()))
}
