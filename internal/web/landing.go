package web

import (
	"context"
	"net/http"
	"slices"
	"time"

	"github.com/itoir/miz/internal/catalog"
	"github.com/itoir/miz/internal/desk"
	"github.com/itoir/miz/internal/i18n"
	"github.com/itoir/miz/internal/identity"
)

// uxRoutes registers the pages of the desk as its users live in it (issue 13): the
// landing after sign-in and the printable receipt of a submitted case.
func (s *Server) uxRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /work", s.signedIn(s.landing))
	mux.HandleFunc("GET /cases/{code}/receipt", s.signedIn(s.receiptPage))
}

// landing sends a person who has just signed in to their work: staff to the queue
// of a service with cases waiting (never an empty one while another waits), an
// administrator without a service to the administration index, and everyone else
// to the home page, which offers the services to apply for.
func (s *Server) landing(w http.ResponseWriter, r *http.Request) {
	p := caller(r)
	switch {
	case p.IsStaff() && len(s.staffServices(r.Context(), p)) > 0:
		http.Redirect(w, r, "/queue?service="+s.busiestService(r.Context(), p, s.staffServices(r.Context(), p)), http.StatusSeeOther)
	case p.Admin:
		http.Redirect(w, r, "/admin", http.StatusSeeOther)
	default:
		http.Redirect(w, r, "/", http.StatusSeeOther)
	}
}

// staffServices lists, sorted, the services p holds a staff role in; a grant for all
// services stands for every published one.
func (s *Server) staffServices(ctx context.Context, p *identity.Principal) []string {
	var out []string
	for name := range p.Grants {
		if name != identity.AllServices {
			out = append(out, name)
			continue
		}
		if s.Services == nil {
			continue
		}
		if svcs, err := s.Services(ctx); err == nil {
			for _, svc := range svcs {
				out = append(out, svc.ID)
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// busiestService is the first of services with cases waiting in its queue, or the
// first service when none has any.
func (s *Server) busiestService(ctx context.Context, p *identity.Principal, services []string) string {
	if len(services) == 0 {
		return ""
	}
	counts, err := s.Cases.WorkCounts(ctx, p, services)
	if err == nil {
		for _, svc := range services {
			if counts[svc] > 0 {
				return svc
			}
		}
	}
	return services[0]
}

// questionService is the first of services with a question waiting for an answer,
// or the first service when none has any.
func (s *Server) questionService(ctx context.Context, p *identity.Principal, services []string) string {
	if len(services) == 0 {
		return ""
	}
	for _, svc := range services {
		if qs, err := s.Desk.Questions(ctx, p, desk.QuestionFilter{Service: svc, Status: "waiting"}); err == nil && len(qs) > 0 {
			return svc
		}
	}
	return services[0]
}

// leftWords says how long is left until a deadline, or how long ago it passed, in
// the page's language ("۲ روز و ۳ ساعت مانده").
func leftWords(lang i18n.Lang, d time.Duration) string {
	key := "ux2.left"
	if d <= 0 {
		key, d = "ux2.overdue", -d
	}
	mins := int(d / time.Minute)
	return i18n.T(lang, key, durationWords(lang, mins/(24*60), mins/60%24, mins%60))
}

// stateOption is a state a queue may be filtered by.
type stateOption struct {
	ID   string
	Name catalog.Text
}

// serviceStates lists the states of a service's case kinds in which the
// organisation holds the case, once each, for the queue's state filter.
func (s *Server) serviceStates(ctx context.Context, id string) []stateOption {
	if s.Services == nil {
		return nil
	}
	svcs, err := s.Services(ctx)
	if err != nil {
		return nil
	}
	var out []stateOption
	seen := map[string]bool{}
	for _, svc := range svcs {
		if svc.ID != id {
			continue
		}
		for _, k := range svc.CaseKinds {
			for _, st := range k.Process.States {
				if st.Holder != "organization" || seen[st.ID] {
					continue
				}
				seen[st.ID] = true
				out = append(out, stateOption{ID: st.ID, Name: st.Name})
			}
		}
	}
	return out
}
