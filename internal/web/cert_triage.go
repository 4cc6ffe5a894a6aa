package web

import (
	"net/http"
	"time"
)

// queueRow is one line of the triage queue, in words.
type queueRow struct {
	Code, Service, Kind, State, Severity, SevID, Class, Assignee string
	Due                                                          time.Time
	Overdue                                                      bool
}

// triageQueue is the CERT's priority queue: open incidents by severity (untriaged
// first: their 30-minute first response is owed), then the least time left. Every
// member of the service's staff sees the lines; opening one is need-to-know.
func (s *Server) triageQueue(w http.ResponseWriter, r *http.Request) {
	p := s.page(r, "cert.queue.title")
	clearFlash(w, r)
	svc, err := s.certService(r)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	lines, err := s.Incidents.Queue(r.Context(), caller(r), svc.ID)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	now := time.Now()
	var rows []queueRow
	for _, l := range lines {
		row := queueRow{Code: l.TrackingCode, Due: l.Due, Overdue: !l.Due.IsZero() && l.Due.Before(now),
			Assignee: l.AssigneeName, SevID: string(l.Severity)}
		row.Service, row.Kind, row.State = l.Service, l.Kind, l.State
		if l.Severity != "" {
			row.Severity = p.T("cert.severity." + string(l.Severity))
			row.Class = p.T("cert.rsit.class." + l.Class)
		} else {
			row.Severity = p.T("cert.queue.untriaged")
		}
		rows = append(rows, row)
	}
	p.Data = map[string]any{"Rows": rows}
	s.render(w, r, http.StatusOK, "cert_triage_queue", p)
}
