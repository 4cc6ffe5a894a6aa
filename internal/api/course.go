package api

import (
	"net/http"
	"strconv"

	"github.com/itoir/miz/internal/problem"
)

// courseRoutes declares the training courses (SLA M-4.2), their certificates of
// attendance (read by `miz verify --server`) and the white-hat standings (seed §6).
func (a *API) courseRoutes() {
	if a.Courses == nil {
		return
	}
	obj := map[string]any{"type": "object"}
	list := map[string]any{"type": "array", "items": obj}
	id := []Param{{Name: "id", In: "path", Required: true}}
	num := []Param{{Name: "number", In: "path", Required: true}}
	a.route("GET", "/api/v1/courses", a.listCourses, Op{ID: "listCourses", Tag: "courses",
		Summary: "The published training courses with their sessions, seats and fees (M-4.2)", Response: list})
	a.route("GET", "/api/v1/courses/{id}", a.getCourse, Op{ID: "getCourse", Tag: "courses",
		Summary: "One training course", Params: id, Response: obj, Errors: []int{404}})
	a.route("POST", "/api/v1/courses/{id}/enrolment", a.enrolCourse, Op{ID: "enrolCourse", Tag: "courses", Auth: true, Status: 201,
		Summary: "Enrol the caller after the eligibility check: a seat, or a waitlist place when full; the reason when refused",
		Params:  id, Response: obj, Errors: []int{401, 403, 404, 409}})
	a.route("DELETE", "/api/v1/courses/{id}/enrolment", a.cancelCourse, Op{ID: "cancelCourseEnrolment", Tag: "courses", Auth: true,
		Summary: "Cancel the caller's seat before the deadline; the first waitlisted person moves up in the same transaction",
		Params:  id, Response: obj, Errors: []int{401, 404, 409}})
	a.route("GET", "/api/v1/attendance-certificates/{number}", a.courseCertificate, Op{ID: "getAttendanceCertificate", Tag: "courses",
		Summary: "A certificate of attendance with its signed credential and status", Params: num, Response: obj, Errors: []int{404}})
	a.route("GET", "/api/v1/attendance-certificates/{number}/credential", a.courseCredential, Op{ID: "getAttendanceCredential", Tag: "courses",
		Summary: "The certificate of attendance's signed credential (compact JWS, application/vc+jwt)", Params: num,
		Produces: "application/vc+jwt", Errors: []int{404}})
	a.route("GET", "/api/v1/attendance-certificates/{number}/proof", a.courseProof, Op{ID: "getAttendanceProof", Tag: "courses",
		Summary: "The c2sp.org/tlog-proof of the certificate's record in the transparency log", Params: num,
		Produces: "text/plain", Errors: []int{404}})
	if a.WhiteHat != nil {
		a.route("GET", "/api/v1/whitehat/{id}/standings", a.whitehatStandings, Op{ID: "whitehatStandings", Tag: "courses",
			Summary: "A white-hat competition's public standings: aliases, points and counts only, never a finding", Params: id,
			Response: list, Errors: []int{404}})
	}
}

func courseID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return 0, problem.New(problem.NotFound, "course.not_found")
	}
	return id, nil
}

func (a *API) listCourses(w http.ResponseWriter, r *http.Request) {
	cs, err := a.Courses.List(r.Context(), principal(r))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, cs)
}

func (a *API) getCourse(w http.ResponseWriter, r *http.Request) {
	id, err := courseID(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	c, err := a.Courses.Get(r.Context(), principal(r), id)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, c)
}

func (a *API) enrolCourse(w http.ResponseWriter, r *http.Request) {
	id, err := courseID(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	e, err := a.Courses.Enrol(r.Context(), principal(r), id)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, e)
}

func (a *API) cancelCourse(w http.ResponseWriter, r *http.Request) {
	id, err := courseID(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	e, err := a.Courses.Cancel(r.Context(), principal(r), id)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, e)
}

func (a *API) courseCertificate(w http.ResponseWriter, r *http.Request) {
	k, err := a.Courses.Certificate(r.Context(), r.PathValue("number"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, k)
}

func (a *API) courseCredential(w http.ResponseWriter, r *http.Request) {
	k, err := a.Courses.Certificate(r.Context(), r.PathValue("number"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/vc+jwt")
	_, _ = w.Write([]byte(k.JWS))
}

func (a *API) courseProof(w http.ResponseWriter, r *http.Request) {
	p, err := a.Courses.Proof(r.Context(), r.PathValue("number"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write(p)
}

func (a *API) whitehatStandings(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		a.fail(w, r, problem.New(problem.NotFound, "whitehat.not_found"))
		return
	}
	st, err := a.WhiteHat.Standings(r.Context(), id)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, st)
}
