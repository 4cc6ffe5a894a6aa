package web

import (
	"context"
	"net/http"

	"github.com/itoir/miz/internal/cases"
	"github.com/itoir/miz/internal/catalog"
	"github.com/itoir/miz/internal/cert/reactive"
	"github.com/itoir/miz/internal/httpauth"
	"github.com/itoir/miz/internal/identity"
)

// caseRoutes registers the case pages: the applicant's list and case page, the staff
// queue and case view, and public tracking.
func (s *Server) caseRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /cases", s.signedIn(s.myCases))
	mux.HandleFunc("POST /cases", s.form(s.signedIn(s.openCase)))
	mux.HandleFunc("GET /cases/{code}", s.signedIn(s.casePage))
	mux.HandleFunc("POST /cases/{code}/documents", s.signedIn(s.uploadDocument))
	mux.HandleFunc("POST /cases/{code}/transitions", s.form(s.signedIn(s.takeTransition)))
	mux.HandleFunc("POST /cases/{code}/return", s.form(s.signedIn(s.returnIncomplete)))
	mux.HandleFunc("POST /cases/{code}/resubmit", s.form(s.signedIn(s.resubmit)))
	mux.HandleFunc("POST /cases/{code}/messages", s.form(s.signedIn(s.postMessage)))
	mux.HandleFunc("POST /cases/{code}/claim", s.form(s.signedIn(s.claim)))
	mux.HandleFunc("GET /queue", s.signedIn(s.queuePage))
	mux.HandleFunc("GET /track", s.trackPage)
}

func caller(r *http.Request) *identity.Principal { return httpauth.FromContext(r.Context()).Principal }

// kindOption is one kind of case an applicant may open.
type kindOption struct {
	Service, Kind string
	Name          catalog.Text
	ServiceName   catalog.Text
}

func (s *Server) myCases(w http.ResponseWriter, r *http.Request) {
	p := s.page(r, "cases.title")
	clearFlash(w, r)
	query := r.URL.Query().Get("q")
	list, err := s.Cases.SearchMyCases(r.Context(), caller(r), query, 100, 0)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	left := make([]string, len(list))
	for i, it := range list {
		if it.Urgency != "" {
			left[i] = leftWords(p.Lang, it.DueIn)
		}
	}
	var kinds []kindOption
	if s.Services != nil {
		svcs, err := s.Services(r.Context())
		if err != nil {
			s.Fail(w, r, err)
			return
		}
		for _, svc := range svcs {
			for _, k := range svc.CaseKinds {
				kinds = append(kinds, kindOption{Service: svc.ID, Kind: k.ID, Name: k.Name, ServiceName: svc.Name})
			}
		}
	}
	p.Data = map[string]any{"Cases": list, "Kinds": kinds, "Left": left, "Query": query, "Preselect": r.URL.Query().Get("kind")}
	s.render(w, r, http.StatusOK, "cases", p)
}

func (s *Server) openCase(w http.ResponseWriter, r *http.Request) {
	svc, kind, _ := cutPair(r.PostFormValue("kind"))
	if s.Incidents != nil && svc == "cert" && kind == reactive.KindIncident {
		http.Redirect(w, r, "/cert/report", http.StatusSeeOther) // the incident report has a form of its own (issue 15)
		return
	}
	c, err := s.Cases.Open(r.Context(), caller(r), cases.OpenInput{Service: svc, Kind: kind})
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	flash(w, "cases.flash.opened")
	http.Redirect(w, r, "/cases/"+c.TrackingCode, http.StatusSeeOther)
}

// cutPair splits "service/kind".
func cutPair(v string) (string, string, bool) {
	for i := 0; i < len(v); i++ {
		if v[i] == '/' {
			return v[:i], v[i+1:], true
		}
	}
	return v, "", false
}

// caseActions sorts the actions of a case view into the parts of the case page
// that offer them.
type caseActions struct {
	// Steps are the generic transitions, a return for incomplete documents among
	// them; Links the steps taken on a module's page; Pages the module's pages.
	Steps, Links, Pages                  []cases.Action
	Claim, Upload, Message, InternalNote bool
}

func pageActions(list []cases.Action) caseActions {
	var out caseActions
	for _, a := range list {
		switch a.Kind {
		case cases.ActionTransition, cases.ActionReturn:
			out.Steps = append(out.Steps, a)
		case cases.ActionLink:
			out.Links = append(out.Links, a)
		case cases.ActionPage:
			out.Pages = append(out.Pages, a)
		case cases.ActionClaim:
			out.Claim = true
		case cases.ActionUpload:
			out.Upload = true
		case cases.ActionMessage:
			out.Message = true
		case cases.ActionInternalNote:
			out.InternalNote = true
		}
	}
	return out
}

// casePage shows a case from one read of the engine (architecture #12): the case,
// its documents, messages, history and deficiencies, and the actions the caller may
// take, which the service's module may have turned into links to its own pages.
func (s *Server) casePage(w http.ResponseWriter, r *http.Request) {
	pg := s.page(r, "cases.case.title")
	s.renderCase(w, r, http.StatusOK, pg, nil)
}

// renderCase renders the case page with status; refused is the refusal the page
// shows in place, reported instead if the case cannot be shown at all.
func (s *Server) renderCase(w http.ResponseWriter, r *http.Request, status int, pg *Page, refused error) {
	ctx, code, p := r.Context(), r.PathValue("code"), caller(r)
	clearFlash(w, r)
	v, err := s.Cases.CaseView(ctx, p, code)
	if err != nil {
		if refused != nil {
			err = refused
		}
		s.Fail(w, r, err)
		return
	}
	acts := pageActions(v.Actions)
	pg.Data = map[string]any{"Case": v, "Clock": clockWords(pg.Lang, v.Clock), "Step": stepWords(pg.Lang, v.Step), "Documents": v.Documents, "Messages": v.Messages,
		"History": v.History, "Deficiencies": v.Deficiencies, "Actions": acts,
		"Listed": v.ServiceDef.DocumentsFor(v.Kind, v.ApplicantType), "DocNames": documentNames(v.ServiceDef),
		"Confirm": confirmSteps(&v.View, acts.Steps)}
	s.deskPanels(ctx, p, &v.View, pg.Data.(map[string]any))          // visits, questions, feedback (C-4.7–C-4.9)
	s.caseInvoices(ctx, p, v.TrackingCode, pg.Data.(map[string]any)) // §6: the invoice a payment step waits for
	s.caseExtras(r, pg, v, acts, pg.Data.(map[string]any))           // receipt, request, preview (issue 13)
	s.render(w, r, status, "case", pg)
}

// back returns to the case page with a one-shot message.
func back(w http.ResponseWriter, r *http.Request, key string) {
	flash(w, key)
	http.Redirect(w, r, "/cases/"+r.PathValue("code"), http.StatusSeeOther)
}

func (s *Server) failOrBack(w http.ResponseWriter, r *http.Request, err error, key string) {
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	back(w, r, key)
}

// uploadDocument takes one document from a multipart form, with its own size limit
// (the catalog's largest document) instead of the 64 KB of ordinary forms; every
// refusal is shown on the upload form of the case page, with its status.
func (s *Server) uploadDocument(w http.ResponseWriter, r *http.Request) {
	f, hdr, ok := s.multipartFile(w, r, "upload")
	if !ok {
		return
	}
	defer f.Close()
	_, err := s.Cases.AttachDocument(r.Context(), caller(r), r.PathValue("code"), cases.AttachInput{
		Type: r.FormValue("type"), Filename: hdr.Filename, Declared: hdr.Header.Get("Content-Type"), Body: f})
	s.caseDone(w, r, err, "upload", "cases.flash.uploaded")
}

// maxUpload is the upload limit of the catalog in force now (catalog.UploadLimit).
func (s *Server) maxUpload(ctx context.Context) int64 {
	if s.Services == nil {
		return catalog.DefaultUploadLimit
	}
	svcs, err := s.Services(ctx)
	if err != nil {
		return catalog.DefaultUploadLimit
	}
	return catalog.UploadLimit(svcs)
}
