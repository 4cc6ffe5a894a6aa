// Package api serves Miz's REST JSON API under /api/v1 and its OpenAPI 3.1 document.
// Every route is declared once, with its description, through API.route: the same
// declaration registers the handler and writes the OpenAPI entry, so the two cannot
// drift apart.
package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/itoir/miz/internal/billing"
	"github.com/itoir/miz/internal/cert/advisory"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"reflect"
	"strings"

	"github.com/itoir/miz/internal/calendar"
	"github.com/itoir/miz/internal/cases"
	"github.com/itoir/miz/internal/catalog"
	"github.com/itoir/miz/internal/cert/evidence"
	"github.com/itoir/miz/internal/cert/reactive"
	"github.com/itoir/miz/internal/certify"
	"github.com/itoir/miz/internal/complaints"
	"github.com/itoir/miz/internal/course"
	"github.com/itoir/miz/internal/desk"
	"github.com/itoir/miz/internal/httpauth"
	"github.com/itoir/miz/internal/i18n"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/kpi"
	"github.com/itoir/miz/internal/notify"
	"github.com/itoir/miz/internal/outages"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/pubcache"
	"github.com/itoir/miz/internal/slareport"
	"github.com/itoir/miz/internal/whitehat"
)

// API is the JSON side of Miz. It holds domain services only; cmd/miz builds them
// and New refuses an API that lacks one.
type API struct {
	Auth    *httpauth.Auth
	Log     *slog.Logger
	Version string
	// Sessions signs people in and out; Accounts serves their own accounts.
	Sessions *identity.Sessions
	Accounts *identity.Accounts
	// BaseURL gives the desk's public URL (--base-url, or the demo's listening
	// address); the OpenAPI document names it as its server, or "/" when it is empty.
	BaseURL  func() string
	Services func(ctx context.Context) ([]*catalog.Service, error)
	// Cases is the case engine behind /api/v1/cases, /api/v1/queue and /api/v1/track.
	Cases *cases.Engine
	// Calendar administers the business calendar (SLA-CLOCK rules 5, 6).
	Calendar *calendar.Service
	// Desk keeps questions, visits and feedback (SLA C-4.7, C-4.8, C-4.9); nil leaves
	// their routes out.
	Desk *desk.Service
	// Registry is the public certificate registry (certify module).
	Registry *certify.Registry
	// Complaints runs disputes and complaints.
	Complaints *complaints.Service
	// PDFs prints certificates to PDF (internal/pdf); nil makes …/pdf answer 503.
	PDFs PDFs
	// Outages and KPI serve /api/v1/status, outages and KPIs.
	Outages *outages.Service
	KPI     *kpi.Computer
	// AuditHead returns the audit chain's latest signed head (ErrNoAuditHead before the
	// first); nil leaves GET /api/v1/audit/head out.
	AuditHead func(ctx context.Context) (AuditHead, error)
	// Inbox serves GET /api/v1/notices (issue 14); nil leaves the notice routes out.
	Inbox *notify.Inbox
	// Reports and Statements serve the signed monthly SLA reports and case
	// statements (issue 20); nil leaves their routes out.
	Reports    *slareport.Service
	Statements *slareport.Statements
	// Billing serves invoices, payments and the gateway callback (§6); nil leaves
	// those routes out.
	Billing *billing.Service
	// Proactive serves constituents' assets and direct warnings (issue 16); nil
	// leaves their routes out.
	Proactive *Proactive
	// Advisories serve /api/v1/advisories (SLA M-4.1); nil leaves them out.
	Advisories *advisory.Service
	// CertWork serves the CERT's dispatch, consent, technical report and
	// vulnerability disclosure routes (issue 15); nil leaves them out.
	CertWork *CertWork
	// Incidents and Evidence serve the CERT incident desk (issue 15); nil leaves
	// their routes out.
	Incidents *reactive.Service
	Evidence  *evidence.Service
	// Courses serve /api/v1/courses (SLA M-4.2) and WhiteHat /api/v1/whitehat (seed
	// §6); nil leaves their routes out.
	Courses  *course.Courses
	WhiteHat *whitehat.Programme

	mux *http.ServeMux
	// lookups holds the registry lookups ready to send (registry_cache.go).
	lookups *pubcache.Cache
	routes  []Route
}

// Route is one declared API route.
type Route struct {
	Method, Path string
	Op           Op
}

// Op documents an operation in the OpenAPI file.
type Op struct {
	ID          string
	Summary     string
	Tag         string
	Auth        bool           // needs a bearer token
	Body        map[string]any // JSON Schema of the request body
	BodyType    string         // request media type (default application/json)
	Response    map[string]any // JSON Schema of the success response
	Status      int            // success status (default 200)
	Errors      []int          // documented error statuses
	Params      []Param
	Produces    string // success media type (default application/json)
	MaxBodySize int64
	// BodyLimit, when set, computes the body limit per request instead (uploads,
	// whose limit follows the catalog in force).
	BodyLimit func(r *http.Request) int64
}

// Param is a path or query parameter.
type Param struct {
	Name, In, Description string
	Required              bool
}

// New checks that every domain service the API needs is wired in; the error names
// each missing dependency. Desk, Registry, CertificatePDF and AuditHead may be nil:
// their routes are left out or answer 503.
func New(a *API) (*API, error) {
	var missing []string
	need := func(ok bool, name string) {
		if !ok {
			missing = append(missing, name)
		}
	}
	need(a.Auth != nil, "Auth")
	need(a.Log != nil, "Log")
	need(a.Sessions != nil, "Sessions")
	need(a.Accounts != nil, "Accounts")
	need(a.Services != nil, "Services")
	need(a.Cases != nil, "Cases")
	need(a.Calendar != nil, "Calendar")
	need(a.Complaints != nil, "Complaints")
	need(a.Outages != nil, "Outages")
	need(a.KPI != nil, "KPI")
	if len(missing) > 0 {
		return nil, fmt.Errorf("api: missing %s", strings.Join(missing, ", "))
	}
	return a, nil
}

// Routes registers the API on mux.
func (a *API) Routes(mux *http.ServeMux) {
	a.mux = mux
	a.routes = nil
	a.authRoutes()
	a.registerRoutes()
	a.serviceRoutes()
	a.registryRoutes()
	a.caseRoutes()
	a.documentRoutes() // GET a case's document, as an attachment
	a.complaintRoutes()
	a.deskRoutes()
	a.accountabilityRoutes() // /api/v1/status, outages, KPIs, queue exports
	a.calendarRoutes()       // holidays of the business calendar (SLA-CLOCK rules 5, 6)
	a.resetRoutes()          // password reset for applicants (security #11)
	a.auditHeadRoutes()      // the audit chain's signed head (security #11)
	a.noticeRoutes()         // the caller's in-app notices (issue 14)
	a.slaReportRoutes()      // signed monthly SLA reports and case statements (issue 20)
	a.billingRoutes()        // invoices, payments, the gateway callback (§6)
	a.warningRoutes()
	a.advisoryRoutes()    // the CERT's published advisories (M-4.1)
	a.advisoryAckRoutes() // /api/v1/org/advisories: advisories applied
	// CERT dispatch, consent, technical reports and vulnerability disclosure (issue 15).
	a.certWorkRoutes()
	a.incidentRoutes() // CERT incidents, evidence and statistics (issue 15)
	a.courseRoutes()   // training courses, certificates of attendance, white-hat standings
	a.route("GET", "/api/v1/openapi.json", a.openAPI, Op{ID: "openapi", Summary: "This OpenAPI 3.1 document", Tag: "meta",
		Response: map[string]any{"type": "object"}})
	mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		a.fail(w, r, problem.New(problem.NotFound, "error.not_found"))
	})
}

// DeclaredRoutes lists every route (for the OpenAPI consistency test).
func (a *API) DeclaredRoutes() []Route { return a.routes }

// route registers a handler and documents it.
func (a *API) route(method, path string, h http.HandlerFunc, op Op) {
	a.routes = append(a.routes, Route{Method: method, Path: path, Op: op})
	limit := op.MaxBodySize
	if limit == 0 {
		limit = 64 << 10
	}
	a.mux.HandleFunc(method+" "+path, func(w http.ResponseWriter, r *http.Request) {
		if r.Body != nil {
			limit := limit
			if op.BodyLimit != nil {
				limit = op.BodyLimit(r)
			}
			r.Body = http.MaxBytesReader(w, r.Body, limit)
		}
		if err := checkQuery(r); err != nil {
			a.fail(w, r, err)
			return
		}
		c := httpauth.FromContext(r.Context())
		if c.Unavailable {
			a.fail(w, r, problem.New(problem.Unavailable, "error.unavailable"))
			return
		}
		if op.Auth && c.Principal == nil {
			a.fail(w, r, problem.New(problem.Unauthorized, "error.unauthorized"))
			return
		}
		if scope := requiredScope(method, path, op); scope != "" && c.Principal != nil && !c.Principal.HasScope(scope) {
			a.fail(w, r, problem.New(problem.Forbidden, "token.scope.missing", scope))
			return
		}
		if op.Auth && !c.Bearer && method != "GET" && !httpauth.CheckCSRF(r) {
			a.fail(w, r, problem.New(problem.Forbidden, "error.csrf"))
			return
		}
		h(w, r)
	})
}

// errorBody is the one shape of every API error.
type errorBody struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		Field   string `json:"field,omitempty"`
	} `json:"error"`
}

// fail writes err as a JSON error in the request's language; causes are logged only.
func (a *API) fail(w http.ResponseWriter, r *http.Request, err error) {
	pe := problem.Classify(err)
	status := problem.Status(pe.Code)
	if status >= 500 {
		logFailure(a.Log, r, err)
	}
	if pe.Code == problem.Unavailable {
		w.Header().Set("Retry-After", "5")
	}
	if pe.Code == problem.RateLimited {
		httpauth.SetRetryAfter(w, err) // Security #4: every 429 says when to come back
	}
	if pe.Code == problem.Unauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="miz"`)
	}
	var body errorBody
	body.Error.Code = string(pe.Code)
	body.Error.Message = i18n.T(i18n.FromAPIRequest(r), pe.Key, pe.Args...)
	body.Error.Field = pe.Field
	writeJSON(w, status, body)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(true)
	_ = enc.Encode(v)
}

// decode reads a strict JSON body: the right content type, no unknown fields, one
// value, within the route's size limit; no duplicate keys, no keys that differ
// from a field name only in case, no control characters or invalid UTF-8
// (checkJSON).
func decode(r *http.Request, v any) error {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		return problem.New(problem.Unsupported, "error.content_type", "application/json")
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return problem.New(problem.TooLarge, "error.too_large", fmt.Sprintf("%d KB", mbe.Limit>>10))
		}
		return &problem.Error{Code: problem.Invalid, Key: "error.json", Args: []any{"unreadable body"}, Err: err}
	}
	if err := checkJSON(body, reflect.TypeOf(v)); err != nil { // Security #11 item 11
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		switch {
		case strings.HasPrefix(err.Error(), "json: unknown field"):
			return problem.New(problem.Invalid, "error.json.unknown", strings.TrimPrefix(err.Error(), "json: unknown field "))
		default:
			return &problem.Error{Code: problem.Invalid, Key: "error.json", Args: []any{jsonReason(err)}, Err: err}
		}
	}
	if _, err := dec.Token(); err != io.EOF {
		return problem.New(problem.Invalid, "error.json", "trailing data after the JSON value")
	}
	return nil
}

func jsonReason(err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return fmt.Sprintf("syntax error at byte %d", se.Offset)
	case errors.As(err, &te):
		return fmt.Sprintf("field %q must be %s", te.Field, te.Type)
	case errors.Is(err, io.EOF):
		return "empty body"
	default:
		return "malformed"
	}
}

// requiredScope is the personal-access-token scope a route needs: case and question
// routes need cases:read or cases:write, the staff queue queue:read, other protected
// routes "all". Public routes need none, and every token may read /me.
func requiredScope(method, path string, op Op) string {
	read := method == http.MethodGet || method == http.MethodHead
	switch {
	case !op.Auth:
		return ""
	case path == "/api/v1/me" && read:
		return ""
	case strings.HasPrefix(path, "/api/v1/cases"), strings.HasPrefix(path, "/api/v1/questions"):
		if read {
			return "cases:read"
		}
		return "cases:write"
	case strings.HasPrefix(path, "/api/v1/queue"):
		return "queue:read"
	}
	return "all"
}
