package web

import (
	"context"
	"net/http"
	"strconv"

	"github.com/itoir/miz/internal/httpauth"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/problem"
)

// The pages of one item (a course, a white-hat competition) and the forms posted
// to them share their handling, written once here.

// loadItem reads the {id} of the path and loads that item for the visitor with
// get. A malformed id answers 404 and a failure fails the request; both report
// false.
func loadItem[T any](s *Server, w http.ResponseWriter, r *http.Request,
	get func(context.Context, *identity.Principal, int64) (T, error)) (id int64, item T, ok bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.NotFound(w, r)
		return 0, item, false
	}
	if item, err = get(r.Context(), httpauth.FromContext(r.Context()).Principal, id); err != nil {
		s.Fail(w, r, err)
		return 0, item, false
	}
	return id, item, true
}

// formDone ends a form posted to an item's page. On success it flashes msg and
// sends the browser back (303 See Other). A missing item or a refused visitor
// fails the request; any other domain failure shows the page again (rerender)
// with the error and its status.
func (s *Server) formDone(w http.ResponseWriter, r *http.Request, err error,
	rerender func(http.ResponseWriter, *http.Request, int, error), msg, back string) {
	if err != nil {
		pe := problem.As(err)
		if pe.Code == problem.NotFound || pe.Code == problem.Unauthorized {
			s.Fail(w, r, err)
			return
		}
		rerender(w, r, problem.Status(pe.Code), err)
		return
	}
	flash(w, msg)
	http.Redirect(w, r, back, http.StatusSeeOther)
}

// showPage serves a page of a form as first shown: 200 and no form error.
func showPage(render func(http.ResponseWriter, *http.Request, int, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) { render(w, r, http.StatusOK, nil) }
}
