package web

import (
	"html/template"
	"net/http"

	"github.com/itoir/miz/internal/cert/reactive"
	"github.com/itoir/miz/internal/problem"
)

// incidentLink is one of the incident's other pages and how many records it holds.
type incidentLink struct {
	ID, Path, Label string
	Count           int
}

// addIncidentLinks adds to the incident page a panel linking the case's dispatch,
// consent and technical-report pages (SLA M-4.4, issue 15), each shown only to a
// reader whom that page's own use case lets in. Init calls it once.
func (s *Server) addIncidentLinks() {
	if s.CertWork == nil {
		return
	}
	s.AddIncidentPanel(s.incidentLinksPanel)
}

// incidentLinksPanel asks each page's use case whether the reader may open it: a
// refusal (not found, forbidden) leaves that link out, any other error fails.
func (s *Server) incidentLinksPanel(r *http.Request, p *Page, iv *reactive.IncidentView) (template.HTML, error) {
	code := iv.Case.TrackingCode
	var links []incidentLink
	add := func(id, label string, count int, err error) error {
		if err != nil {
			if c := problem.As(err).Code; c == problem.NotFound || c == problem.Forbidden || c == problem.Unauthorized {
				return nil
			}
			return err
		}
		links = append(links, incidentLink{ID: "incident-link-" + id, Path: "/cases/" + code + "/" + id, Label: label, Count: count})
		return nil
	}
	w := s.CertWork
	if w.Dispatch != nil {
		v, err := w.Dispatch.List(r.Context(), caller(r), code)
		n := 0
		if err == nil {
			n = len(v.Dispatches)
		}
		if err := add("dispatch", "ack.incident.dispatch", n, err); err != nil {
			return "", err
		}
	}
	if w.Consent != nil {
		v, err := w.Consent.List(r.Context(), caller(r), code)
		n := 0
		if err == nil {
			n = len(v.Consents)
		}
		if err := add("consent", "ack.incident.consent", n, err); err != nil {
			return "", err
		}
	}
	if w.Reports != nil {
		v, err := w.Reports.List(r.Context(), caller(r), code)
		n := 0
		if err == nil {
			n = len(v.Reports)
		}
		if err := add("reports", "ack.incident.reports", n, err); err != nil {
			return "", err
		}
	}
	if len(links) == 0 {
		return "", nil
	}
	q := *p
	q.Data = links
	return s.Partial("cert_incident_links", &q)
}
