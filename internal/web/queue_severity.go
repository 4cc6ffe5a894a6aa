package web

import (
	"net/http"

	"github.com/itoir/miz/internal/cases"
)

// queueSeverity is an incident's severity as a queue row shows it.
type queueSeverity struct {
	ID, Label string
}

// queueSeverities labels, row by row, the severity of the incidents on the
// generic queue of the CERT's service (issue 13: the CERT queue shows severity);
// nil for any other service, which then shows no severity column. A failure to
// read them leaves the column out rather than the queue.
func (s *Server) queueSeverities(r *http.Request, p *Page, service string, items []cases.QueueItem) []queueSeverity {
	if s.Incidents == nil || service == "" {
		return nil
	}
	svc, err := s.certService(r)
	if err != nil || svc.ID != service {
		return nil
	}
	sev, err := s.Incidents.Severities(r.Context(), caller(r), items)
	if err != nil {
		s.Log.Warn("queue severities", "err", err)
		return nil
	}
	out := make([]queueSeverity, len(items))
	for i, it := range items {
		v, ok := sev[it.TrackingCode]
		switch {
		case !ok:
			out[i].Label = "—"
		case v == "":
			out[i].Label = p.T("cert.queue.untriaged")
		default:
			out[i] = queueSeverity{ID: string(v), Label: p.T("cert.severity." + string(v))}
		}
	}
	return out
}
