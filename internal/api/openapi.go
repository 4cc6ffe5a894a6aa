package api

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
)

func obj(required []string, props map[string]any) map[string]any {
	m := map[string]any{"type": "object", "properties": props, "additionalProperties": false}
	if len(required) > 0 {
		m["required"] = required
	}
	return m
}

// Document builds the OpenAPI 3.1 document from the declared routes.
func (a *API) Document() map[string]any {
	errSchema := map[string]any{"$ref": "#/components/schemas/Error"}
	paths := map[string]any{}
	for _, rt := range a.routes {
		item, _ := paths[rt.Path].(map[string]any)
		if item == nil {
			item = map[string]any{}
			paths[rt.Path] = item
		}
		op := map[string]any{"operationId": rt.Op.ID, "summary": rt.Op.Summary}
		if rt.Op.Tag != "" {
			op["tags"] = []string{rt.Op.Tag}
		}
		if rt.Op.Auth {
			op["security"] = []map[string]any{{"bearer": []string{}}}
		} else {
			op["security"] = []map[string]any{} // public: says so explicitly
		}
		var params []map[string]any
		for _, p := range rt.Op.Params {
			params = append(params, map[string]any{"name": p.Name, "in": p.In, "required": p.Required || p.In == "path",
				"description": p.Description, "schema": map[string]any{"type": "string"}})
		}
		for _, seg := range strings.Split(rt.Path, "/") {
			if strings.HasPrefix(seg, "{") && !hasParam(rt.Op.Params, strings.Trim(seg, "{}")) {
				params = append(params, map[string]any{"name": strings.Trim(seg, "{}"), "in": "path", "required": true, "schema": map[string]any{"type": "string"}})
			}
		}
		if len(params) > 0 {
			op["parameters"] = params
		}
		if rt.Op.Body != nil {
			bt := rt.Op.BodyType
			if bt == "" {
				bt = "application/json"
			}
			op["requestBody"] = map[string]any{"required": true, "content": map[string]any{bt: map[string]any{"schema": rt.Op.Body}}}
		}
		status := rt.Op.Status
		if status == 0 {
			status = http.StatusOK
		}
		responses := map[string]any{}
		ok := map[string]any{"description": http.StatusText(status)}
		if rt.Op.Response != nil {
			pt := rt.Op.Produces
			if pt == "" {
				pt = "application/json"
			}
			ok["content"] = map[string]any{pt: map[string]any{"schema": rt.Op.Response}}
		}
		responses[strconv.Itoa(status)] = ok
		for _, e := range documentedErrors(rt.Op) {
			responses[strconv.Itoa(e)] = map[string]any{"description": http.StatusText(e),
				"content": map[string]any{"application/json": map[string]any{"schema": errSchema}}}
		}
		op["responses"] = responses
		item[strings.ToLower(rt.Method)] = op
	}
	return map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{"title": "Miz — ITO service desk API", "version": a.Version,
			"license":     map[string]any{"name": "Terms of use of the Information Technology Organization of Iran", "identifier": "LicenseRef-ITO-Terms-of-Use"},
			"description": "JSON API of the service desk. Dates are ISO 8601 with an explicit offset; digits are ASCII. Errors are {\"error\":{\"code\",\"message\"}} with the message in the request's language (Accept-Language)."},
		"servers": []map[string]any{{"url": a.serverURL(), "description": "this desk"}},
		"paths":   paths,
		"components": map[string]any{
			"securitySchemes": map[string]any{"bearer": map[string]any{"type": "http", "scheme": "bearer"}},
			"schemas": map[string]any{"Error": obj([]string{"error"}, map[string]any{"error": obj([]string{"code", "message"},
				map[string]any{"code": map[string]any{"type": "string"}, "message": map[string]any{"type": "string"}, "field": map[string]any{"type": "string"}})})},
		},
	}
}

// documentedErrors is the operation's declared error statuses plus those every
// route can answer whatever its handler does: 400 for a query string that is not
// clean text (checkQuery), and for an operation that needs a token, 401 without one
// and 403 when the token lacks the operation's scope.
func documentedErrors(op Op) []int {
	out := append([]int(nil), op.Errors...)
	add := func(code int) {
		if !slices.Contains(out, code) {
			out = append(out, code)
		}
	}
	add(http.StatusBadRequest)
	if op.Auth {
		add(http.StatusUnauthorized)
		add(http.StatusForbidden)
	}
	slices.Sort(out)
	return out
}

// serverURL is the API's server for the document: the configured public base URL,
// or "/" (the document's own origin) when none is set.
func (a *API) serverURL() string {
	if a.BaseURL == nil || a.BaseURL() == "" {
		return "/"
	}
	return strings.TrimRight(a.BaseURL(), "/")
}

func hasParam(ps []Param, name string) bool {
	for _, p := range ps {
		if p.Name == name {
			return true
		}
	}
	return false
}

func (a *API) openAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "public, max-age=300")
	writeJSON(w, http.StatusOK, a.Document())
}
