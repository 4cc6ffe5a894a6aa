package api

import (
	"mime"
	"net/http"
	"strconv"

	"github.com/itoir/miz/internal/calendar"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/sla"
)

// calendarRoutes declares the business calendar's holidays (SLA-CLOCK rule 5): anyone
// reads them, admins add, delete and import them; every edit moves open cases'
// deadlines and says so in the audit log (rule 6).
func (a *API) calendarRoutes() {
	holiday := map[string]any{"type": "object", "properties": map[string]any{
		"id": map[string]any{"type": "integer"}, "date": map[string]any{"type": "string", "format": "date"},
		"jalali": map[string]any{"type": "string"}, "name_fa": map[string]any{"type": "string"}, "name_en": map[string]any{"type": "string"},
		"province": map[string]any{"type": "string"}, "from": map[string]any{"type": "string"}, "to": map[string]any{"type": "string"}}}
	list := map[string]any{"type": "object", "properties": map[string]any{"year": map[string]any{"type": "integer"},
		"holidays": map[string]any{"type": "array", "items": holiday}}}
	a.route("GET", "/api/v1/calendar/holidays", a.listHolidays, Op{ID: "listHolidays", Tag: "calendar",
		Summary: "Holidays and closures of a Jalali year (default: this year) on the business calendar (SLA-CLOCK rule 5)",
		Params:  []Param{{Name: "year", In: "query", Description: "Jalali year, e.g. 1405"}}, Response: list, Errors: []int{400}})
	a.route("POST", "/api/v1/calendar/holidays", a.addHoliday, Op{ID: "addHoliday", Tag: "calendar", Auth: true, Status: 201,
		Summary: "Add a holiday or closure, nationwide or for a province, and recompute open cases' deadlines (admins)",
		Body: map[string]any{"type": "object", "required": []string{"date", "name_fa"}, "properties": map[string]any{
			"date":    map[string]any{"type": "string", "description": "Jalali (1405-01-01) or Gregorian (2026-03-21)"},
			"name_fa": map[string]any{"type": "string"}, "name_en": map[string]any{"type": "string"},
			"from": map[string]any{"type": "string", "description": "HH:MM; with to, a partial closure"}, "to": map[string]any{"type": "string"},
			"province": map[string]any{"type": "string", "description": "province code; empty for nationwide"}}},
		Response: holiday, Errors: []int{400, 401, 403, 409}})
	a.route("DELETE", "/api/v1/calendar/holidays/{id}", a.deleteHoliday, Op{ID: "deleteHoliday", Tag: "calendar", Auth: true, Status: 204,
		Summary: "Delete a holiday and recompute open cases' deadlines (admins)", Params: []Param{{Name: "id", In: "path", Required: true}},
		Errors: []int{401, 403, 404}})
	a.route("POST", "/api/v1/calendar/holidays/import", a.importHolidays, Op{ID: "importHolidays", Tag: "calendar", Auth: true,
		Summary:  "Import a year's holidays as CSV (date,name_fa,name_en[,from[,to[,province]]]; Jalali dates allowed), all or nothing (admins)",
		BodyType: "text/csv", Body: map[string]any{"type": "string"}, MaxBodySize: 1 << 20,
		Response: map[string]any{"type": "object", "properties": map[string]any{"imported": map[string]any{"type": "integer"}}},
		Errors:   []int{400, 401, 403, 409, 415}})
}

func (a *API) listHolidays(w http.ResponseWriter, r *http.Request) {
	year := a.calendar().CurrentJalaliYear()
	if v := r.URL.Query().Get("year"); v != "" {
		var err error
		if year, err = strconv.Atoi(v); err != nil {
			a.fail(w, r, problem.Field("year", "calendar.year.invalid"))
			return
		}
	}
	hs, err := a.calendar().Holidays(r.Context(), year)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	if hs == nil {
		hs = []calendar.HolidayRecord{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"year": year, "holidays": hs})
}

func (a *API) addHoliday(w http.ResponseWriter, r *http.Request) {
	var in calendar.HolidayInput
	if err := decode(r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	h, err := in.Holiday()
	if err != nil {
		a.fail(w, r, err)
		return
	}
	ids, err := a.calendar().AddHolidays(r.Context(), principal(r), []sla.Holiday{h}, "holiday of "+h.Date.String()+" added")
	if err != nil && len(ids) == 0 {
		a.fail(w, r, err)
		return
	}
	if err != nil && a.Log != nil { // stored, but the recompute failed: the holiday stands
		a.Log.ErrorContext(r.Context(), "calendar: recompute after an added holiday", "err", err)
	}
	rec := calendar.HolidayRecord{ID: ids[0], Date: h.Date.String(), NameFa: h.NameFa, NameEn: h.NameEn, Province: h.Province}
	if h.Closed != (sla.Span{}) {
		rec.From, rec.To = in.From, in.To
	}
	writeJSON(w, http.StatusCreated, rec)
}

func (a *API) deleteHoliday(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		a.fail(w, r, problem.New(problem.NotFound, "calendar.holiday.not_found"))
		return
	}
	if err := a.calendar().DeleteHoliday(r.Context(), principal(r), id); err != nil {
		a.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (a *API) importHolidays(w http.ResponseWriter, r *http.Request) {
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "text/csv" {
		a.fail(w, r, problem.New(problem.Unsupported, "calendar.import.type"))
		return
	}
	n, err := a.calendar().ImportHolidays(r.Context(), principal(r), r.Body)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"imported": n})
}

// calendar is the calendar administration cmd/miz wired in.
func (a *API) calendar() *calendar.Service { return a.Calendar }
