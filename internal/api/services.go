package api

import (
	"context"
	"fmt"
	"net/http"
	"strconv"

	"go.yaml.in/yaml/v3"

	"github.com/itoir/miz/internal/catalog"
	"github.com/itoir/miz/internal/problem"
)

// serviceRoutes publishes the catalog (SLA C-4.2, C-4.3, C-4.6): the services in force,
// one service's version in force, and any published version by number, so that a
// case's applicant can read the rules it began under.
func (a *API) serviceRoutes() {
	idParam := Param{Name: "id", In: "path", Required: true, Description: "The service's short name, e.g. certify"}
	a.route("GET", "/api/v1/services", a.listServices, Op{ID: "listServices", Tag: "catalog",
		Summary: "The services in force, each at its current version", Response: serviceListSchema()})
	a.route("GET", "/api/v1/services/{id}", a.getService, Op{ID: "getService", Tag: "catalog",
		Summary:  "The version of a service in force now, as JSON with the fields of the catalog file format",
		Params:   []Param{idParam},
		Response: map[string]any{"type": "object", "description": "A service; keys as in FORMAT.md and service.schema.json"},
		Errors:   []int{404}})
	a.route("GET", "/api/v1/services/{id}/versions/{n}", a.getServiceVersion, Op{ID: "getServiceVersion", Tag: "catalog",
		Summary:  "A published version of a service; cases keep the version they began under (SLA §8)",
		Params:   []Param{idParam, {Name: "n", In: "path", Required: true, Description: "The version number, from 1"}},
		Response: map[string]any{"type": "object", "description": "A service; keys as in FORMAT.md and service.schema.json"},
		Errors:   []int{404}})
}

func serviceListSchema() map[string]any {
	text := map[string]any{"type": "object", "properties": map[string]any{"fa": map[string]any{"type": "string"}, "en": map[string]any{"type": "string"}}}
	return map[string]any{"type": "object", "properties": map[string]any{"services": map[string]any{"type": "array",
		"items": map[string]any{"type": "object", "properties": map[string]any{
			"id": map[string]any{"type": "string"}, "version": map[string]any{"type": "integer"},
			"name": text, "type": map[string]any{"type": "string"}, "national_service_id": map[string]any{"type": "string"},
			"effective_from": map[string]any{"type": "string", "format": "date"},
			"url":            map[string]any{"type": "string"}, "sla_url": map[string]any{"type": "string"},
		}}}}}
}

type serviceSummary struct {
	ID                string       `json:"id"`
	Version           int          `json:"version"`
	Name              catalog.Text `json:"name"`
	Type              string       `json:"type"`
	NationalServiceID string       `json:"national_service_id"`
	EffectiveFrom     string       `json:"effective_from"`
	URL               string       `json:"url"`
	SLAURL            string       `json:"sla_url"`
}

func (a *API) listServices(w http.ResponseWriter, r *http.Request) {
	svcs, err := a.Services(r.Context())
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := []serviceSummary{}
	for _, s := range svcs {
		out = append(out, serviceSummary{ID: s.ID, Version: s.Version, Name: s.Name, Type: s.Type,
			NationalServiceID: s.NationalServiceID, EffectiveFrom: s.EffectiveFrom.String(),
			URL: "/api/v1/services/" + s.ID, SLAURL: "/services/" + s.ID + "/sla"})
	}
	writeJSON(w, http.StatusOK, map[string]any{"services": out})
}

func (a *API) getService(w http.ResponseWriter, r *http.Request) {
	a.writeService(w, r, 0)
}

func (a *API) getServiceVersion(w http.ResponseWriter, r *http.Request) {
	n, err := strconv.Atoi(r.PathValue("n"))
	if err != nil || n < 1 {
		a.fail(w, r, problem.New(problem.NotFound, "error.not_found"))
		return
	}
	a.writeService(w, r, n)
}

// writeService answers one service at version n (0: in force now), or a JSON 404.
func (a *API) writeService(w http.ResponseWriter, r *http.Request, n int) {
	svc, err := a.service(r.Context(), r.PathValue("id"), n)
	if err != nil {
		if pe := problem.As(err); pe.Code == problem.Invalid || pe.Code == problem.NotFound {
			err = problem.New(problem.NotFound, "error.not_found")
		}
		a.fail(w, r, err)
		return
	}
	doc, err := serviceJSON(svc)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, doc)
}

// service resolves a service through the case engine's catalog, the one that knows
// every published version; without an engine only the services in force are known.
func (a *API) service(ctx context.Context, id string, n int) (*catalog.Service, error) {
	if a.Cases != nil && a.Cases.Catalog != nil {
		return a.Cases.Catalog(ctx, id, n)
	}
	svcs, err := a.Services(ctx)
	if err != nil {
		return nil, err
	}
	for _, s := range svcs {
		if s.ID == id && (n == 0 || n == s.Version) {
			return s, nil
		}
	}
	return nil, problem.New(problem.NotFound, "error.not_found")
}

// serviceJSON gives a service the keys of its file format (FORMAT.md), so that the
// JSON Schema shipped with the catalog describes the API's answer too.
func serviceJSON(svc *catalog.Service) (any, error) {
	b, err := yaml.Marshal(svc)
	if err != nil {
		return nil, fmt.Errorf("api: service %s as JSON: %w", svc.ID, err)
	}
	var doc any
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("api: service %s as JSON: %w", svc.ID, err)
	}
	return doc, nil
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }
