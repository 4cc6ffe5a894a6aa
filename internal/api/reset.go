package api

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/itoir/miz/internal/httpauth"
	"github.com/itoir/miz/internal/identity"
)

// resetRoutes declares password reset for applicants (security #11): a code by SMS
// to a verified mobile or a single-use link by e-mail. The request answers 202
// whether or not an account exists; both routes are throttled and answer 429 with
// Retry-After.
func (a *API) resetRoutes() {
	str := map[string]any{"type": "string"}
	status := obj(nil, map[string]any{"status": str})
	a.route("POST", "/api/v1/auth/password/forgot", a.resetRequest, Op{ID: "passwordForgot", Tag: "auth",
		Summary: "Ask for a password reset: a code by SMS to the verified mobile, or a link by e-mail. The answer is the same whether or not the account exists; staff accounts are reset by an administrator only",
		Body: obj([]string{"login", "channel"}, map[string]any{"login": str,
			"channel": map[string]any{"type": "string", "enum": []string{"sms", "email"}}}),
		Response: status, Status: 202, Errors: []int{400, 413, 415, 429}, MaxBodySize: 4 << 10})
	a.route("POST", "/api/v1/auth/password/reset", a.resetComplete, Op{ID: "passwordReset", Tag: "auth",
		Summary: "Set a new password with the SMS code (login and code) or the e-mailed token; ends every session and token of the account",
		Body: obj([]string{"password"}, map[string]any{"login": str, "code": str, "token": str,
			"password": map[string]any{"type": "string", "minLength": identity.PasswordMinLength}}),
		Response: status, Errors: []int{400, 413, 415, 429}, MaxBodySize: 4 << 10})
}

// failReset answers an error, with Retry-After when the caller is throttled.
func (a *API) failReset(w http.ResponseWriter, r *http.Request, err error) {
	if wait := identity.RetryAfter(err); wait > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int(wait/time.Second)))
	}
	a.fail(w, r, err)
}

func (a *API) resetLinkBase() string {
	if a.Registry == nil || a.Registry.BaseURL == "" {
		return ""
	}
	return strings.TrimSuffix(a.Registry.BaseURL, "/") + "/password/reset?token="
}

func (a *API) resetRequest(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Login   string `json:"login"`
		Channel string `json:"channel"`
	}
	if err := decode(r, &req); err != nil {
		a.fail(w, r, err)
		return
	}
	err := a.Accounts.RequestPasswordReset(r.Context(), identity.ResetRequest{Login: req.Login,
		Channel: identity.ResetChannel(req.Channel), ClientIP: httpauth.ClientIP(r), LinkBase: a.resetLinkBase()})
	if err != nil {
		a.failReset(w, r, err)
		return
	}
	writeJSON(w, http.StatusAccepted, map[string]string{"status": "accepted"})
}

func (a *API) resetComplete(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Login    string `json:"login"`
		Code     string `json:"code"`
		Token    string `json:"token"`
		Password string `json:"password"`
	}
	if err := decode(r, &req); err != nil {
		a.fail(w, r, err)
		return
	}
	err := a.Accounts.CompletePasswordReset(r.Context(), identity.ResetCompletion{Login: req.Login, Code: req.Code,
		Token: req.Token, Password: req.Password, ClientIP: httpauth.ClientIP(r)})
	if err != nil {
		a.failReset(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "reset"})
}
