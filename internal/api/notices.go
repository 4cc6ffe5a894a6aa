package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/itoir/miz/internal/httpauth"
	"github.com/itoir/miz/internal/i18n"
	"github.com/itoir/miz/internal/problem"
)

// noticeRoutes serve the caller's in-app notices (issue 14): the list, unread first,
// with the unread count, and marking one read.
func (a *API) noticeRoutes() {
	if a.Inbox == nil {
		return
	}
	str := map[string]any{"type": "string"}
	notice := obj([]string{"id", "title", "body", "created_at", "read"}, map[string]any{
		"id": map[string]any{"type": "integer"}, "title": str, "body": str,
		"link":       map[string]any{"type": "string", "description": "a path inside the desk, e.g. /cases/{code}"},
		"created_at": map[string]any{"type": "string", "format": "date-time"},
		"read":       map[string]any{"type": "boolean"}})
	a.route("GET", "/api/v1/notices", a.listNotices, Op{ID: "listNotices", Tag: "notices",
		Summary: "My in-app notices, unread first, with the unread count", Auth: true,
		Response: obj([]string{"unread", "notices"}, map[string]any{"unread": map[string]any{"type": "integer"},
			"notices": map[string]any{"type": "array", "items": notice}}),
		Errors: []int{401, 403}})
	a.route("POST", "/api/v1/notices/{id}/read", a.readNotice, Op{ID: "readNotice", Tag: "notices",
		Summary: "Mark one of my notices read", Auth: true, Status: 204,
		Params: []Param{{Name: "id", In: "path", Required: true}}, Errors: []int{401, 403, 404}})
}

type noticeJSON struct {
	ID        int64     `json:"id"`
	Title     string    `json:"title"`
	Body      string    `json:"body"`
	Link      string    `json:"link,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	Read      bool      `json:"read"`
}

func (a *API) listNotices(w http.ResponseWriter, r *http.Request) {
	c := httpauth.FromContext(r.Context())
	ns, err := a.Inbox.List(r.Context(), c.Principal.ID, 100)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	unread, err := a.Inbox.Unread(r.Context(), c.Principal.ID)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	en := i18n.FromAPIRequest(r) == i18n.En
	out := struct {
		Unread  int          `json:"unread"`
		Notices []noticeJSON `json:"notices"`
	}{Unread: unread, Notices: []noticeJSON{}}
	for _, n := range ns {
		j := noticeJSON{ID: n.ID, Title: n.TitleFa, Body: n.BodyFa, Link: n.Link, CreatedAt: n.CreatedAt.UTC(), Read: !n.Unread()}
		if en && n.TitleEn != "" {
			j.Title, j.Body = n.TitleEn, n.BodyEn
		}
		out.Notices = append(out.Notices, j)
	}
	writeJSON(w, http.StatusOK, out)
}

func (a *API) readNotice(w http.ResponseWriter, r *http.Request) {
	c := httpauth.FromContext(r.Context())
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err == nil {
		err = a.Inbox.MarkRead(r.Context(), c.Principal.ID, id)
	}
	if err != nil {
		a.fail(w, r, problem.Wrap(problem.NotFound, "inbox.not_found", err))
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
