package api

import (
	"net/http"

	"github.com/itoir/miz/internal/httpauth"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/problem"
)

// securityRoutes registers the caller's own token, session and password management
// (Security #2). A personal access token needs the "all" scope for them.
func (a *API) securityRoutes() {
	str := map[string]any{"type": "string"}
	token := obj(nil, map[string]any{"id": str, "name": str, "scopes": map[string]any{"type": "array", "items": str},
		"created_at": str, "expires_at": str, "last_used": str})
	a.route("GET", "/api/v1/me/tokens", a.listTokens, Op{ID: "listTokens", Tag: "auth", Summary: "List my personal access tokens (never their secrets)",
		Auth: true, Response: map[string]any{"type": "array", "items": token}, Errors: []int{401, 403}})
	a.route("DELETE", "/api/v1/me/tokens/{id}", a.revokeToken, Op{ID: "revokeToken", Tag: "auth", Summary: "Revoke one of my personal access tokens",
		Auth: true, Status: 204, Params: []Param{{Name: "id", In: "path", Required: true}}, Errors: []int{401, 403, 404}})
	a.route("POST", "/api/v1/me/signout-everywhere", a.signOutEverywhere, Op{ID: "signOutEverywhere", Tag: "auth",
		Summary: "End all my sessions and tokens; keep_current keeps the calling one", Auth: true,
		Body:     obj(nil, map[string]any{"keep_current": map[string]any{"type": "boolean"}}),
		Response: obj(nil, map[string]any{"ended": map[string]any{"type": "integer"}}), Errors: []int{400, 401, 403}})
	a.route("POST", "/api/v1/me/password", a.changePassword, Op{ID: "changePassword", Tag: "auth",
		Summary: "Change my password (the current one required); my other sessions and tokens end", Auth: true, Status: 204,
		Body:   obj([]string{"current_password", "new_password"}, map[string]any{"current_password": str, "new_password": str}),
		Errors: []int{400, 401, 403}})
}

func (a *API) listTokens(w http.ResponseWriter, r *http.Request) {
	c := httpauth.FromContext(r.Context())
	toks, err := a.Accounts.ListTokens(r.Context(), c.Principal.ID)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	if toks == nil {
		toks = []identity.TokenInfo{}
	}
	writeJSON(w, http.StatusOK, toks)
}

func (a *API) revokeToken(w http.ResponseWriter, r *http.Request) {
	c := httpauth.FromContext(r.Context())
	id := r.PathValue("id")
	if err := a.Accounts.RevokeToken(r.Context(), c.Principal.ID, id); err != nil {
		a.fail(w, r, err)
		return
	}
	if c.Session.Kind == identity.SessionPAT && identity.TokenID(c.Token) == id {
		a.Auth.Forget(c.Token)
	}
	w.WriteHeader(http.StatusNoContent)
}

func (a *API) signOutEverywhere(w http.ResponseWriter, r *http.Request) {
	c := httpauth.FromContext(r.Context())
	var req struct {
		KeepCurrent bool `json:"keep_current"`
	}
	if r.ContentLength != 0 {
		if err := decode(r, &req); err != nil {
			a.fail(w, r, err)
			return
		}
	}
	keep := ""
	if req.KeepCurrent {
		keep = c.Token
	}
	n, err := a.Accounts.SignOutEverywhere(r.Context(), c.Principal.ID, keep)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.Auth.Forget(c.Token)
	writeJSON(w, http.StatusOK, map[string]int{"ended": n})
}

func (a *API) changePassword(w http.ResponseWriter, r *http.Request) {
	c := httpauth.FromContext(r.Context())
	if c.Session.Kind == identity.SessionPAT {
		a.fail(w, r, problem.New(problem.Forbidden, "error.forbidden")) // a token cannot change the password
		return
	}
	var req struct {
		Current string `json:"current_password"`
		New     string `json:"new_password"`
	}
	if err := decode(r, &req); err != nil {
		a.fail(w, r, err)
		return
	}
	err := a.Accounts.ChangePassword(r.Context(), identity.PasswordChange{AccountID: c.Principal.ID,
		Current: req.Current, New: req.New, KeepToken: c.Token, ClientIP: httpauth.ClientIP(r)})
	if err != nil {
		a.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
