package api

import (
	"net/http"
	"strconv"

	"github.com/itoir/miz/internal/catalog"
	"github.com/itoir/miz/internal/problem"
)

func (a *API) serviceRoutes() {
	a.route("GET", "/api/v1/services", a.listServices, Op{ID: "listServices", Tag: "catalog", Summary: "Published services",
		Response: map[string]any{"type": "object"}})
	a.route("GET", "/api/v1/services/{id}", a.getService, Op{ID: "getService", Tag: "catalog", Summary: "The current version of a service, as JSON",
		Params: []Param{{Name: "id", In: "path", Required: true}}, Response: map[string]any{"type": "object"}, Errors: []int{404}})
}

type serviceSummary struct {
	ID      string       `json:"id"`
	Version int          `json:"version"`
	Name    catalog.Text `json:"name"`
	Type    string       `json:"type"`
}

func (a *API) listServices(w http.ResponseWriter, r *http.Request) {
	svcs, err := a.Services(r.Context())
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := []serviceSummary{}
	for _, s := range svcs {
		out = append(out, serviceSummary{ID: s.ID, Version: s.Version, Name: s.Name, Type: s.Type})
	}
	writeJSON(w, http.StatusOK, map[string]any{"services": out})
}

func (a *API) getService(w http.ResponseWriter, r *http.Request) {
	svcs, err := a.Services(r.Context())
	if err != nil {
		a.fail(w, r, err)
		return
	}
	for _, s := range svcs {
		if s.ID == r.PathValue("id") {
			writeJSON(w, http.StatusOK, s)
			return
		}
	}
	a.fail(w, r, problem.New(problem.NotFound, "error.not_found"))
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }
