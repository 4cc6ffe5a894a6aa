package api

import (
	"errors"
	"net/http"
	"time"

	"github.com/itoir/miz/internal/httpauth"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/problem"
)

func (a *API) authRoutes() {
	str := map[string]any{"type": "string"}
	a.route("POST", "/api/v1/auth/login", a.login, Op{ID: "login", Tag: "auth", Summary: "Exchange credentials for a bearer token",
		Body:     obj([]string{"username", "password"}, map[string]any{"username": str, "password": str, "totp": str}),
		Response: obj(nil, map[string]any{"token": str, "expires_at": map[string]any{"type": "string", "format": "date-time"}}),
		Errors:   []int{400, 401, 415, 429}})
	a.route("POST", "/api/v1/auth/logout", a.logout, Op{ID: "logout", Tag: "auth", Summary: "Revoke the bearer token", Auth: true, Status: 204})
	a.route("GET", "/api/v1/me", a.me, Op{ID: "me", Tag: "auth", Summary: "Who the token belongs to, with roles", Auth: true,
		Response: map[string]any{"type": "object"}, Errors: []int{401}})
	a.route("POST", "/api/v1/tokens", a.createToken, Op{ID: "createToken", Tag: "auth", Summary: "Create a personal access token with scopes", Auth: true,
		Body:     obj([]string{"name", "scopes"}, map[string]any{"name": str, "scopes": map[string]any{"type": "array", "items": str}, "days": map[string]any{"type": "integer"}}),
		Response: obj(nil, map[string]any{"token": str, "expires_at": str}), Status: 201, Errors: []int{400, 401}})
	a.securityRoutes()
}

type loginRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
	TOTP     string `json:"totp"`
}

type tokenResponse struct {
	Token     string    `json:"token"`
	ExpiresAt time.Time `json:"expires_at"`
}

func (a *API) login(w http.ResponseWriter, r *http.Request) {
	var req loginRequest
	if err := decode(r, &req); err != nil {
		a.fail(w, r, err)
		return
	}
	if req.Username == "" {
		a.fail(w, r, problem.Field("username", "error.required"))
		return
	}
	if req.Password == "" {
		a.fail(w, r, problem.Field("password", "error.required"))
		return
	}
	// Security #5: both factors at once, so a missing or wrong code fails like a wrong
	// password and a password-only guess learns nothing.
	started, err := a.Sessions.SignIn(r.Context(), identity.Credentials{Username: req.Username, Password: req.Password,
		TOTP: req.TOTP, ClientIP: httpauth.ClientIP(r), OneStep: true}, identity.Start{Kind: identity.SessionAPI, TTL: a.Auth.APITTL})
	if err != nil {
		a.fail(w, r, loginProblem(err))
		return
	}
	writeJSON(w, http.StatusOK, tokenResponse{Token: started.Token, ExpiresAt: started.Session.ExpiresAt})
}

// loginProblem answers every failed API login alike (Security #5): unknown, locked,
// wrong password and missing or wrong one-time code are one message; only a throttled
// attempt differs (429 with Retry-After).
func loginProblem(err error) error {
	switch {
	case errors.Is(err, identity.ErrRateLimited):
		return &problem.Error{Code: problem.RateLimited, Key: "login.ratelimited", Err: err}
	case errors.Is(err, identity.ErrLocked), errors.Is(err, identity.ErrBadCredentials), errors.Is(err, identity.ErrTOTPRequired),
		errors.Is(err, identity.ErrTOTPNotEnrolled), errors.Is(err, identity.ErrTOTPInvalid):
		return problem.New(problem.Unauthorized, "security.login.failed")
	}
	return err
}

// logout ends the bearer token through the same audited sign-out as the web's.
func (a *API) logout(w http.ResponseWriter, r *http.Request) {
	c := httpauth.FromContext(r.Context())
	if err := a.Sessions.SignOut(r.Context(), c.Principal, c.Token); err != nil {
		a.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

type meResponse struct {
	ID          int64               `json:"id"`
	Username    string              `json:"username"`
	Kind        string              `json:"kind"`
	Admin       bool                `json:"admin"`
	Roles       map[string][]string `json:"roles"`
	ActingOrgID int64               `json:"acting_org_id,omitempty"`
	MemberOf    []int64             `json:"member_of,omitempty"`
	Scopes      []string            `json:"scopes,omitempty"`
}

func (a *API) me(w http.ResponseWriter, r *http.Request) {
	p := httpauth.FromContext(r.Context()).Principal
	resp := meResponse{ID: p.ID, Username: p.Username, Kind: string(p.Kind), Admin: p.Admin, Roles: map[string][]string{},
		ActingOrgID: p.ActingOrgID, MemberOf: p.MemberOf, Scopes: p.Scopes}
	for svc, roles := range p.Grants {
		for _, ro := range roles {
			resp.Roles[svc] = append(resp.Roles[svc], string(ro))
		}
	}
	writeJSON(w, http.StatusOK, resp)
}

type tokenRequest struct {
	Name   string   `json:"name"`
	Scopes []string `json:"scopes"`
	Days   int      `json:"days"`
}

func (a *API) createToken(w http.ResponseWriter, r *http.Request) {
	c := httpauth.FromContext(r.Context())
	var req tokenRequest
	if err := decode(r, &req); err != nil {
		a.fail(w, r, err)
		return
	}
	started, err := a.Sessions.CreateToken(r.Context(), c.Principal, c.Session.Kind,
		identity.NewToken{Name: req.Name, Scopes: req.Scopes, Days: req.Days})
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, tokenResponse{Token: started.Token, ExpiresAt: started.Session.ExpiresAt})
}
