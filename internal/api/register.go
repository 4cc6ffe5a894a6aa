package api

import (
	"net/http"

	"github.com/itoir/miz/internal/httpauth"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/problem"
)

// registerRoutes declares self-registration and the caller's mobile verification.
// The mobile routes act only on the caller's own person record, never on another's,
// so no object is looked up for authz.Decide; a personal access token needs the
// "all" scope to use them.
func (a *API) registerRoutes() {
	str := map[string]any{"type": "string"}
	mobile := obj(nil, map[string]any{"mobile": str, "verified": map[string]any{"type": "boolean"},
		"code_sent_at": map[string]any{"type": "string", "format": "date-time"}})
	a.route("POST", "/api/v1/auth/register", a.register, Op{ID: "register", Tag: "auth",
		Summary: "Register a natural person: creates the person and an account (username: the national code) and sends a one-time code to the mobile by SMS",
		Body: obj([]string{"national_code", "name_fa", "mobile", "password"}, map[string]any{"national_code": str, "name_fa": str,
			"name_en": str, "mobile": str, "email": str, "password": map[string]any{"type": "string", "minLength": identity.PasswordMinLength}}),
		Response: obj(nil, map[string]any{"id": map[string]any{"type": "integer"}, "username": str, "mobile": str,
			"mobile_verified": map[string]any{"type": "boolean"}}),
		Status: 201, Errors: []int{400, 409, 413, 415, 429}, MaxBodySize: 16 << 10})
	a.route("GET", "/api/v1/me/mobile", a.mobileStatus, Op{ID: "mobileStatus", Tag: "auth", Auth: true,
		Summary: "The caller's mobile number and whether it is verified", Response: mobile, Errors: []int{401, 403, 404}})
	a.route("POST", "/api/v1/me/mobile", a.mobileChange, Op{ID: "mobileChange", Tag: "auth", Auth: true,
		Summary: "Change the caller's mobile number; it stays unverified until the code sent to it is entered",
		Body:    obj([]string{"mobile"}, map[string]any{"mobile": str}), Response: mobile, Status: 202,
		Errors: []int{400, 401, 403, 404, 409, 429}, MaxBodySize: 4 << 10})
	a.route("POST", "/api/v1/me/mobile/verify", a.mobileVerify, Op{ID: "mobileVerify", Tag: "auth", Auth: true,
		Summary: "Verify the caller's mobile number with the one-time code sent by SMS (10 minutes, 5 tries)",
		Body:    obj([]string{"code"}, map[string]any{"code": str}), Response: mobile,
		Errors: []int{400, 401, 403, 404, 409, 429}, MaxBodySize: 4 << 10})
	a.route("POST", "/api/v1/me/mobile/resend", a.mobileResend, Op{ID: "mobileResend", Tag: "auth", Auth: true,
		Summary:  "Send a new one-time code to the caller's unverified mobile number (at most once a minute)",
		Response: mobile, Status: 202, Errors: []int{401, 403, 404, 409, 429}})
}

type registerRequest struct {
	NationalCode string `json:"national_code"`
	NameFa       string `json:"name_fa"`
	NameEn       string `json:"name_en"`
	Mobile       string `json:"mobile"`
	Email        string `json:"email"`
	Password     string `json:"password"`
}

type registerResponse struct {
	identity.Registered
	MobileVerified bool `json:"mobile_verified"`
}

func (a *API) register(w http.ResponseWriter, r *http.Request) {
	var req registerRequest
	if err := decode(r, &req); err != nil {
		a.fail(w, r, err)
		return
	}
	done, err := a.Accounts.Register(r.Context(), identity.Registration{NationalCode: req.NationalCode, NameFa: req.NameFa,
		NameEn: req.NameEn, Mobile: req.Mobile, Email: req.Email, Password: req.Password, ClientIP: httpauth.ClientIP(r)})
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, registerResponse{Registered: done})
}

// mobileCaller returns the caller's account ID, refusing narrowly scoped tokens.
func (a *API) mobileCaller(w http.ResponseWriter, r *http.Request) (int64, bool) {
	p := httpauth.FromContext(r.Context()).Principal
	if p.Scopes != nil && !p.HasScope("all") {
		a.fail(w, r, problem.New(problem.Forbidden, "error.forbidden"))
		return 0, false
	}
	return p.ID, true
}

// writeMobile answers with the caller's mobile status after an action.
func (a *API) writeMobile(w http.ResponseWriter, r *http.Request, status int, accountID int64) {
	st, err := a.Accounts.Mobile(r.Context(), accountID)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, status, st)
}

func (a *API) mobileStatus(w http.ResponseWriter, r *http.Request) {
	if id, ok := a.mobileCaller(w, r); ok {
		a.writeMobile(w, r, http.StatusOK, id)
	}
}

func (a *API) mobileChange(w http.ResponseWriter, r *http.Request) {
	id, ok := a.mobileCaller(w, r)
	if !ok {
		return
	}
	var req struct {
		Mobile string `json:"mobile"`
	}
	if err := decode(r, &req); err != nil {
		a.fail(w, r, err)
		return
	}
	if _, err := a.Accounts.ChangeMobile(r.Context(), id, req.Mobile); err != nil {
		a.fail(w, r, err)
		return
	}
	a.writeMobile(w, r, http.StatusAccepted, id)
}

func (a *API) mobileVerify(w http.ResponseWriter, r *http.Request) {
	id, ok := a.mobileCaller(w, r)
	if !ok {
		return
	}
	var req struct {
		Code string `json:"code"`
	}
	if err := decode(r, &req); err != nil {
		a.fail(w, r, err)
		return
	}
	if err := a.Accounts.VerifyMobile(r.Context(), id, req.Code); err != nil {
		a.fail(w, r, err)
		return
	}
	a.writeMobile(w, r, http.StatusOK, id)
}

func (a *API) mobileResend(w http.ResponseWriter, r *http.Request) {
	id, ok := a.mobileCaller(w, r)
	if !ok {
		return
	}
	if err := a.Accounts.ResendMobileCode(r.Context(), id); err != nil {
		a.fail(w, r, err)
		return
	}
	a.writeMobile(w, r, http.StatusAccepted, id)
}
