package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/itoir/miz/internal/authz"
	"github.com/itoir/miz/internal/demo"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/store"
)

// matrixRole is one caller of the end-to-end matrix: a bearer token (empty for
// anonymous) and the principal the policy sees for it.
type matrixRole struct {
	name  string
	token string
	who   *identity.Principal
}

// matrixCell is one route exercised as every role: the verb and object kind the
// written policy (authz.Decide) is asked about, and the status that means allowed.
type matrixCell struct {
	name    string
	verb    authz.Verb
	kind    authz.Kind
	method  string
	path    string // after /api/v1/cases/{code}
	body    func() (ctype, body string)
	allowed int
}

func principalOf(t *testing.T, m *Main, username string) *identity.Principal {
	t.Helper()
	ctx := context.Background()
	var p *identity.Principal
	err := m.DB.View(ctx, func(tx *store.Tx) error {
		var id int64
		if err := tx.QueryRow(ctx, `SELECT id FROM accounts WHERE username = ?`, username).Scan(&id); err != nil {
			return err
		}
		var err error
		p, err = identity.LoadPrincipal(ctx, tx, id, 0)
		return err
	})
	if err != nil {
		t.Fatalf("principal %s: %v", username, err)
	}
	return p
}

func uploadBody(tag string) func() (string, string) {
	return func() (string, string) {
		var b bytes.Buffer
		mw := multipart.NewWriter(&b)
		_ = mw.WriteField("type", "product_description")
		fw, _ := mw.CreateFormFile("file", "product.pdf")
		_, _ = fw.Write(tinyPDF(tag))
		_ = mw.Close()
		return mw.FormDataContentType(), b.String()
	}
}

func jsonBody(s string) func() (string, string) {
	return func() (string, string) { return "application/json", s }
}

// TestAuthorizationMatrixThroughTheAPI calls the real case routes as every role on a
// person's case and on an organisation's case, and checks each status against the
// one written policy: allowed cells answer their success status; denied ones answer
// 401 to anonymous callers, 404 to whoever may not even see the case (so tracking
// codes cannot be probed) and 403 otherwise. Independently of the policy, no one
// outside the case may ever read its D-1 content, and internal notes never reach
// the applicant.
func TestAuthorizationMatrixThroughTheAPI(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, m *Main) {
		u := m.URL() + "/api/v1"
		roles := []matrixRole{{name: "anonymous"}}
		for _, user := range []string{"demo-applicant", "demo-applicant-2", demo.OrgNationalID} {
			roles = append(roles, matrixRole{user, apiLogin(t, m, user, ""), principalOf(t, m, user)})
		}
		for _, user := range []string{"demo-expert", "demo-supervisor", "demo-signer", "demo-committee", "demo-editor",
			"demo-responder", "demo-analyst", "demo-admin"} {
			roles = append(roles, matrixRole{user, staffLogin(t, m, user), principalOf(t, m, user)})
		}
		byName := map[string]matrixRole{}
		for _, r := range roles {
			byName[r.name] = r
		}
		// outsiders may never read a case of demo-applicant's (D-1), whatever the policy says.
		outsiders := map[string]bool{"anonymous": true, "demo-applicant-2": true, demo.OrgNationalID: true, "demo-committee": true,
			"demo-editor": true, "demo-responder": true, "demo-admin": true}

		openCase := func(owner string) (code string, docID any) {
			tok := byName[owner].token
			resp, out := doJSON(t, "POST", u+"/cases", tok, "application/json", `{"service":"certify","kind":"application","form":`+certifyForm+`}`)
			if resp.StatusCode != http.StatusCreated {
				t.Fatalf("open as %s: %d %v", owner, resp.StatusCode, out)
			}
			code = out["tracking_code"].(string)
			ctype, body := uploadBody("matrix-" + owner)()
			if resp, out = doJSON(t, "POST", u+"/cases/"+code+"/documents", tok, ctype, body); resp.StatusCode != http.StatusCreated {
				t.Fatalf("upload as %s: %d %v", owner, resp.StatusCode, out)
			}
			docID = out["id"]
			if resp, out := doJSON(t, "POST", u+"/cases/"+code+"/messages", tok, "application/json", `{"body":"applicant-secret-`+code+`"}`); resp.StatusCode != 201 {
				t.Fatalf("message: %d %v", resp.StatusCode, out)
			}
			if resp, out := doJSON(t, "POST", u+"/cases/"+code+"/messages", byName["demo-expert"].token, "application/json",
				`{"body":"internal-note-`+code+`","internal":true}`); resp.StatusCode != 201 {
				t.Fatalf("internal note: %d %v", resp.StatusCode, out)
			}
			return code, docID
		}

		seen := map[int]int{}
		for _, owner := range []string{"demo-applicant", demo.OrgNationalID} {
			code, docID := openCase(owner)
			op := byName[owner].who
			res := authz.Resource{Service: "certify", OwnerAccountID: op.ID}
			if op.Kind == identity.KindOrganization {
				res.OwnerOrgID = op.OrgID
			} else {
				res.OwnerPersonID = op.PersonID
			}
			cells := []matrixCell{
				{"view case", authz.View, authz.Case, "GET", "", nil, 200},
				{"view history", authz.View, authz.Case, "GET", "/history", nil, 200},
				{"download document", authz.View, authz.Document, "GET", fmt.Sprintf("/documents/%v", docID), nil, 200},
				{"read messages", authz.View, authz.Message, "GET", "/messages", nil, 200},
				{"post message", authz.Create, authz.Message, "POST", "/messages", jsonBody(`{"body":"hello"}`), 201},
				{"post internal note", authz.Create, authz.InternalNote, "POST", "/messages", jsonBody(`{"body":"note","internal":true}`), 201},
				{"upload document", authz.Update, authz.Case, "POST", "/documents", uploadBody("again"), 201},
			}
			for _, r := range roles {
				for _, c := range cells {
					res.Kind = c.kind
					allow := authz.Decide(r.who, c.verb, res)
					want := c.allowed
					switch {
					case allow:
					case r.who == nil:
						want = 401
					case !authz.Decide(r.who, authz.View, withKind(res, authz.Case)):
						want = 404
					default:
						want = 403
					}
					ctype, body := "", ""
					if c.body != nil {
						ctype, body = c.body()
					}
					got, text := rawCall(t, c.method, u+"/cases/"+code+c.path, r.token, ctype, body)
					seen[got]++
					if got != want {
						t.Errorf("%s on %s's case: %s got %d, want %d (policy allow=%v): %.200s", r.name, owner, c.name, got, want, allow, text)
					}
					if c.method == "GET" && outsiders[r.name] && owner == "demo-applicant" && got < 300 {
						t.Errorf("D-1 LEAK: %s read %s of %s's case", r.name, c.name, owner)
					}
					if c.path == "/messages" && c.method == "GET" && got == 200 {
						seesNote := strings.Contains(text, "internal-note-"+code)
						if seesNote != authz.Decide(r.who, authz.View, withKind(res, authz.InternalNote)) {
							t.Errorf("%s on %s's case: internal note visible=%v", r.name, owner, seesNote)
						}
						if seesNote && r.who.Kind != identity.KindStaff {
							t.Errorf("LEAK: applicant %s read an internal note", r.name)
						}
					}
					if got >= 400 && strings.Contains(text, "secret-") {
						t.Errorf("%s: a refusal carried case content: %.200s", r.name, text)
					}
				}
			}
		}
		// Every kind of answer occurred, so the matrix did not pass by refusing everyone.
		for _, st := range []int{200, 201, 401, 403, 404} {
			if seen[st] == 0 {
				t.Errorf("no cell answered %d: %v", st, seen)
			}
		}
		t.Logf("answers: %v", seen)
	})
}

func withKind(r authz.Resource, k authz.Kind) authz.Resource { r.Kind = k; return r }

// rawCall sends a request and returns the status and the body as text.
func rawCall(t *testing.T, method, u, token, ctype, body string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, u, strings.NewReader(body))
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}
