package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/itoir/miz/internal/desk"
	"github.com/itoir/miz/internal/jalali"
	"github.com/itoir/miz/internal/problem"
)

// deskRoutes declares the desk's API: questions (SLA C-4.7), visits (C-4.8) and
// feedback (C-4.9). Without a desk the routes are left out.
func (a *API) deskRoutes() {
	if a.Desk == nil {
		return
	}
	a.questionRoutes()
	a.visitRoutes()
	a.feedbackRoutes()
}

func (a *API) questionRoutes() {
	id := []Param{{Name: "id", In: "path", Required: true, Description: "question number"}}
	resp := map[string]any{"type": "object"}
	str := map[string]any{"type": "string"}
	a.route("POST", "/api/v1/questions", a.askQuestion, Op{ID: "askQuestion", Tag: "questions",
		Summary: "Ask about a service, or about one of one's cases; the first-response clock starts (C-4.7)", Auth: true,
		Body:   obj([]string{"body"}, map[string]any{"service": str, "case": str, "body": str}),
		Status: 201, Response: resp, Errors: []int{400, 401, 403, 404}})
	a.route("GET", "/api/v1/questions", a.listQuestions, Op{ID: "listQuestions", Tag: "questions",
		Summary: "With service: the service's questions for its staff, waiting ones first by deadline; without: the caller's own",
		Auth:    true, Params: []Param{{Name: "service", In: "query"}, {Name: "status", In: "query", Description: "waiting or answered"},
			{Name: "limit", In: "query"}, {Name: "offset", In: "query"}}, Response: resp, Errors: []int{400, 401, 403}})
	a.route("GET", "/api/v1/questions/{id}", a.getQuestion, Op{ID: "getQuestion", Tag: "questions",
		Summary: "A question with its answers and first-response clock", Auth: true, Params: id, Response: resp, Errors: []int{400, 401, 404}})
	a.route("POST", "/api/v1/questions/{id}/answers", a.answerQuestion, Op{ID: "answerQuestion", Tag: "questions",
		Summary: "Answer a question (staff; the first answer stops the clock) or follow up (the asker)", Auth: true, Params: id,
		Body: obj([]string{"body"}, map[string]any{"body": str}), Status: 201, Response: resp, Errors: []int{400, 401, 403, 404}})
}

type askRequest struct {
	Service string `json:"service"`
	Case    string `json:"case"`
	Body    string `json:"body"`
}

func (a *API) askQuestion(w http.ResponseWriter, r *http.Request) {
	var req askRequest
	if err := decode(r, &req); err != nil {
		a.fail(w, r, err)
		return
	}
	q, err := a.Desk.Ask(r.Context(), principal(r), desk.AskInput{Service: req.Service, Case: req.Case, Body: req.Body})
	if err != nil {
		a.fail(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/questions/"+strconv.FormatInt(q.ID, 10))
	writeJSON(w, http.StatusCreated, questionOf(q))
}

func (a *API) listQuestions(w http.ResponseWriter, r *http.Request) {
	qv := r.URL.Query()
	limit, _ := strconv.Atoi(qv.Get("limit"))
	offset, _ := strconv.Atoi(qv.Get("offset"))
	var list []desk.Question
	var err error
	if svc := qv.Get("service"); svc != "" {
		list, err = a.Desk.Questions(r.Context(), principal(r), desk.QuestionFilter{Service: svc, Status: qv.Get("status"),
			Limit: limit, Offset: offset})
	} else {
		list, err = a.Desk.MyQuestions(r.Context(), principal(r), limit)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := []questionJSON{}
	for i := range list {
		out = append(out, questionOf(&list[i]))
	}
	writeJSON(w, http.StatusOK, map[string]any{"questions": out})
}

func (a *API) getQuestion(w http.ResponseWriter, r *http.Request) {
	id, err := questionID(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	q, err := a.Desk.Question(r.Context(), principal(r), id)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, questionOf(q))
}

type answerRequest struct {
	Body string `json:"body"`
}

func (a *API) answerQuestion(w http.ResponseWriter, r *http.Request) {
	id, err := questionID(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	var req answerRequest
	if err := decode(r, &req); err != nil {
		a.fail(w, r, err)
		return
	}
	ans, err := a.Desk.Reply(r.Context(), principal(r), id, req.Body)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, answerOf(ans))
}

func questionID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, problem.Field("id", "desk.question.id")
	}
	return id, nil
}

type questionJSON struct {
	ID                   int64        `json:"id"`
	Service              string       `json:"service"`
	Case                 string       `json:"case,omitempty"`
	Body                 string       `json:"body"`
	Status               string       `json:"status"`
	AskedAt              *string      `json:"asked_at"`
	FirstDueAt           *string      `json:"first_due_at"`
	WaitingDueAt         *string      `json:"waiting_due_at"`
	FirstResponseAt      *string      `json:"first_response_at"`
	FirstResponseSeconds int64        `json:"first_response_seconds"`
	Clock                qclockJSON   `json:"clock"`
	Answers              []answerJSON `json:"answers"`
}

// qclockJSON is the first-response clock (SLA-CLOCK rule 10).
type qclockJSON struct {
	Budget           string `json:"budget"`
	Business         bool   `json:"business"`
	UsedSeconds      int64  `json:"used_seconds"`
	BudgetSeconds    int64  `json:"budget_seconds"`
	RemainingSeconds int64  `json:"remaining_seconds"`
	Stopped          bool   `json:"stopped"`
	Breached         bool   `json:"breached"`
}

type answerJSON struct {
	ID      int64   `json:"id"`
	ByStaff bool    `json:"by_staff"`
	Body    string  `json:"body"`
	At      *string `json:"at"`
}

func questionOf(q *desk.Question) questionJSON {
	out := questionJSON{ID: q.ID, Service: q.Service, Case: q.CaseCode, Body: q.Body, Status: q.Status,
		AskedAt: isoTime(q.AskedAt), FirstDueAt: isoTime(q.FirstDueAt), WaitingDueAt: isoTime(q.WaitingDueAt),
		FirstResponseAt: isoTime(q.FirstResponseAt), FirstResponseSeconds: q.FirstResponseSeconds, Answers: []answerJSON{},
		Clock: qclockJSON{Budget: strconv.Itoa(q.Budget.Amount) + " " + string(q.Budget.Unit), Business: q.Budget.Unit.IsBusiness(),
			UsedSeconds: q.Clock.Used, BudgetSeconds: q.Clock.Budget, RemainingSeconds: q.Clock.Remaining,
			Stopped: q.Clock.Stopped, Breached: q.Clock.Breached}}
	for i := range q.Answers {
		out.Answers = append(out.Answers, answerOf(&q.Answers[i]))
	}
	return out
}

func answerOf(a *desk.Answer) answerJSON {
	return answerJSON{ID: a.ID, ByStaff: a.ByStaff, Body: a.Body, At: isoTime(a.At)}
}

// parseDay reads a day as YYYY-MM-DD (the start of that day in Tehran) or an
// RFC 3339 instant; empty is the zero time.
func parseDay(s string) (time.Time, bool) {
	if s == "" {
		return time.Time{}, true
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, true
	}
	t, err := time.ParseInLocation(time.DateOnly, s, jalali.Tehran())
	return t, err == nil
}
