package api

import (
	"net/http"

	"github.com/itoir/miz/internal/desk"
	"github.com/itoir/miz/internal/problem"
)

func (a *API) feedbackRoutes() {
	code := []Param{{Name: "code", In: "path", Required: true, Description: "tracking code, e.g. ABCD-EFGH-JK"}}
	rating := map[string]any{"type": "integer", "minimum": 1, "maximum": 5}
	a.route("POST", "/api/v1/cases/{code}/feedback", a.leaveFeedback, Op{ID: "leaveFeedback", Tag: "cases",
		Summary: "Rate a closed case, once: the service and the staff's courtesy, 1–5 (C-4.9)", Auth: true, Params: code,
		Body: obj([]string{"service_rating", "courtesy_rating"}, map[string]any{"service_rating": rating,
			"courtesy_rating": rating, "comment": map[string]any{"type": "string"}}),
		Status: 201, Response: map[string]any{"type": "object"}, Errors: []int{400, 401, 403, 404, 409}})
	a.route("GET", "/api/v1/cases/{code}/feedback", a.caseFeedback, Op{ID: "caseFeedback", Tag: "cases",
		Summary: "A case's feedback; the comment only for its applicant and the service's supervisors", Auth: true, Params: code,
		Response: map[string]any{"type": "object"}, Errors: []int{400, 401, 404}})
	a.route("GET", "/api/v1/services/{id}/feedback/summary", a.feedbackSummary, Op{ID: "feedbackSummary", Tag: "catalog",
		Summary: "Feedback per staff member and the latest comments, for the service's supervisors (C-4.9)", Auth: true,
		Params: []Param{{Name: "id", In: "path", Required: true}, {Name: "from", In: "query", Description: "YYYY-MM-DD (Tehran)"},
			{Name: "to", In: "query", Description: "YYYY-MM-DD (Tehran), exclusive"}},
		Response: map[string]any{"type": "object"}, Errors: []int{400, 401, 403}})
}

type feedbackRequest struct {
	ServiceRating  int    `json:"service_rating"`
	CourtesyRating int    `json:"courtesy_rating"`
	Comment        string `json:"comment"`
}

func (a *API) leaveFeedback(w http.ResponseWriter, r *http.Request) {
	var req feedbackRequest
	if err := decode(r, &req); err != nil {
		a.fail(w, r, err)
		return
	}
	f, err := a.Desk.LeaveFeedback(r.Context(), principal(r), r.PathValue("code"),
		desk.FeedbackInput{ServiceRating: req.ServiceRating, CourtesyRating: req.CourtesyRating, Comment: req.Comment})
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, feedbackOf(f))
}

func (a *API) caseFeedback(w http.ResponseWriter, r *http.Request) {
	f, err := a.Desk.CaseFeedback(r.Context(), principal(r), r.PathValue("code"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, feedbackOf(f))
}

func (a *API) feedbackSummary(w http.ResponseWriter, r *http.Request) {
	from, ok1 := parseDay(r.URL.Query().Get("from"))
	to, ok2 := parseDay(r.URL.Query().Get("to"))
	if !ok1 || !ok2 {
		a.fail(w, r, problem.Field("from", "desk.feedback.period"))
		return
	}
	s, err := a.Desk.Summary(r.Context(), principal(r), r.PathValue("id"), from, to)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	staff := []map[string]any{}
	for _, st := range s.Staff {
		staff = append(staff, map[string]any{"account_id": st.AccountID, "name": st.Name, "csat": csatOf(st.CSATStats)})
	}
	comments := []map[string]any{}
	for _, c := range s.Comments {
		comments = append(comments, map[string]any{"case": c.CaseCode, "at": isoTime(c.At), "comment": c.Text})
	}
	writeJSON(w, http.StatusOK, map[string]any{"service": s.Service, "overall": csatOf(s.Overall), "staff": staff, "comments": comments})
}

func csatOf(c desk.CSATStats) map[string]any {
	return map[string]any{"count": c.Count, "mean_service": c.MeanService, "mean_courtesy": c.MeanCourtesy, "satisfied": c.Satisfied}
}

type feedbackJSON struct {
	Case           string  `json:"case"`
	ServiceRating  int     `json:"service_rating"`
	CourtesyRating int     `json:"courtesy_rating"`
	Comment        string  `json:"comment,omitempty"`
	At             *string `json:"at"`
}

func feedbackOf(f *desk.Feedback) feedbackJSON {
	return feedbackJSON{Case: f.CaseCode, ServiceRating: f.ServiceRating, CourtesyRating: f.CourtesyRating, Comment: f.Comment, At: isoTime(f.At)}
}
