package main

import (
	"bytes"
	"fmt"
	"github.com/itoir/miz/internal/store/storetest"
	"html"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/itoir/miz/internal/catalog"
	"github.com/itoir/miz/internal/demo"
	"github.com/itoir/miz/internal/i18n"
	"github.com/itoir/miz/internal/identity"
)

// sweepData is what the raw-code sweep renders: an issued case and its
// certificate, a case in review, a draft, and a complaint with a vote.
type sweepData struct {
	issued, review, draft, number, dispute, complaint string
}

// seedSweep makes the data through the API at the test clock's time.
func seedSweep(t *testing.T, m *Main, clk *storetest.Clock) sweepData {
	t.Helper()
	u, js := m.URL(), "application/json"
	staff := func(user string) string {
		code, _ := identity.TOTPCode(demo.TOTPSecret, clk.Now())
		return apiLogin(t, m, user, code)
	}
	app := apiLogin(t, m, demo.OrgNationalID, "")
	open := func(submit bool) string {
		resp, out := doJSON(t, "POST", u+"/api/v1/cases", app, js, `{"service":"certify","kind":"application","form":`+certifyForm+`}`)
		if resp.StatusCode != http.StatusCreated {
			t.Fatalf("open: %d %v", resp.StatusCode, out)
		}
		code := out["tracking_code"].(string)
		if !submit {
			return code
		}
		for i, typ := range []string{"official_gazette", "signatories_letter", "product_description", "user_manual", "test_access", "ownership_declaration"} {
			var body bytes.Buffer
			mw := multipart.NewWriter(&body)
			_ = mw.WriteField("type", typ)
			fw, _ := mw.CreateFormFile("file", fmt.Sprintf("file%d.pdf", i)) // a person's file name, not a code
			_, _ = fw.Write(tinyPDF(typ))
			_ = mw.Close()
			if resp, out := doJSON(t, "POST", u+"/api/v1/cases/"+code+"/documents", app, mw.FormDataContentType(), body.String()); resp.StatusCode != http.StatusCreated {
				t.Fatalf("upload %s: %d %v", typ, resp.StatusCode, out)
			}
		}
		if resp, out := doJSON(t, "POST", u+"/api/v1/cases/"+code+"/submit", app, js, ""); resp.StatusCode != 200 {
			t.Fatalf("submit: %d %v", resp.StatusCode, out)
		}
		return code
	}
	d := sweepData{issued: open(true), review: open(true), draft: open(false)}
	expert, signer, supervisor, member := staff("demo-expert"), staff("demo-signer"), staff("demo-supervisor"), staff("demo-committee")
	for _, code := range []string{d.issued, d.review} {
		if resp, out := doJSON(t, "POST", u+"/api/v1/cases/"+code+"/claim", expert, "", ""); resp.StatusCode != 204 {
			t.Fatalf("claim: %d %v", resp.StatusCode, out)
		}
		if st, out := step(t, m, expert, code, "accept_documents", ""); st != 200 {
			t.Fatalf("accept documents: %d %v", st, out)
		}
	}
	if st, out := step(t, m, expert, d.issued, "pass_review", `,"decision":"approve","checklist":`+checklist()); st != 200 {
		t.Fatalf("pass review: %d %v", st, out)
	}
	if st, out := step(t, m, signer, d.issued, "approve", `,"decision":"approve"`); st != 200 {
		t.Fatalf("approve: %d %v", st, out)
	}
	d.number = certificateOfCase(t, m, app, d.issued)

	resp, out := doJSON(t, "POST", u+"/api/v1/cases/"+d.review+"/disputes", app, js, `{"subject":"delay","body":"پاسخی نگرفته‌ام"}`)
	if resp.StatusCode != 201 {
		t.Fatalf("open dispute: %d %v", resp.StatusCode, out)
	}
	d.dispute = fmt.Sprint(out["id"])
	if resp, out := doJSON(t, "POST", u+"/api/v1/disputes/"+d.dispute+"/settlement", supervisor, js, `{"action":"propose","text":"بررسی در دو روز"}`); resp.StatusCode != 204 {
		t.Fatalf("propose: %d %v", resp.StatusCode, out)
	}
	resp, out = doJSON(t, "POST", u+"/api/v1/disputes/"+d.dispute+"/escalate", app, js, `{"body":"قبول ندارم"}`)
	if resp.StatusCode != 201 {
		t.Fatalf("escalate: %d %v", resp.StatusCode, out)
	}
	d.complaint = fmt.Sprint(out["id"])
	if resp, out := doJSON(t, "POST", u+"/api/v1/complaints/"+d.complaint+"/votes", member, js, `{"outcome":"upheld"}`); resp.StatusCode != 204 {
		t.Fatalf("vote: %d %v", resp.StatusCode, out)
	}
	return d
}

// catalogCodes lists the codes of the catalog and its form values: every service,
// case kind, state, transition and document ID, and the enumerated values that
// have a label in the message tables.
func catalogCodes(t *testing.T) map[string]bool {
	t.Helper()
	svcs, err := catalog.Defaults()
	if err != nil {
		t.Fatal(err)
	}
	codes := map[string]bool{}
	for _, s := range svcs {
		codes[s.ID] = true
		for _, d := range s.Documents {
			codes[d.ID] = true
		}
		for _, k := range s.CaseKinds {
			codes[k.ID] = true
			for _, st := range k.Process.States {
				codes[st.ID] = true
			}
			for _, tr := range k.Process.Transitions {
				codes[tr.ID] = true
			}
		}
	}
	fa, _ := i18n.Keys()
	for _, k := range fa {
		if v, ok := strings.CutPrefix(k, "certify.deployment."); ok {
			codes[v] = true
		}
	}
	return codes
}

var (
	scriptOrStyle = regexp.MustCompile(`(?is)<(script|style|code)\b.*?</(script|style|code)>`)
	tag           = regexp.MustCompile(`(?s)<[^>]*>`)
	urlOrMail     = regexp.MustCompile(`\S*(://|@|/)\S*`)
	latinToken    = regexp.MustCompile(`[A-Za-z][A-Za-z0-9_]*`)
	snakeCase     = regexp.MustCompile(`^[a-z0-9]+(_[a-z0-9]+)+$`)
)

// visibleText is the text a person reads on page: no markup, scripts or styles.
// <code> holds what a person must type literally (a CSV header), not a label.
func visibleText(page string) string {
	s := scriptOrStyle.ReplaceAllString(page, " ")
	s = tag.ReplaceAllString(s, " ")
	return html.UnescapeString(s)
}

// rawCodes returns the codes in text: any snake_case token, any catalog code with
// an underscore, and, on Persian pages, any catalog code standing among Persian text
// (a code word within an English sentence, such as "was issued and", is prose).
func rawCodes(text string, codes map[string]bool, persianPage bool) []string {
	text = urlOrMail.ReplaceAllString(text, " ")
	locs := latinToken.FindAllStringIndex(text, -1)
	// prose reports whether the Latin token at j sits next to a non-code Latin word
	// with only spaces between.
	prose := func(j int) bool {
		for _, k := range []int{j - 1, j + 1} {
			if k < 0 || k >= len(locs) {
				continue
			}
			a, b := locs[min(j, k)][1], locs[max(j, k)][0]
			if strings.TrimSpace(text[a:b]) == "" && !codes[text[locs[k][0]:locs[k][1]]] {
				return true
			}
		}
		return false
	}
	var found []string
	for j, l := range locs {
		tok := text[l[0]:l[1]]
		if snakeCase.MatchString(tok) || (codes[tok] && (strings.Contains(tok, "_") || (persianPage && !prose(j)))) {
			found = append(found, tok)
		}
	}
	return found
}

// TestPagesShowNoRawCatalogCodes_UX13 is issue 13, Blocking-2: every page each
// demo role reaches, in Persian and English, shows names, never the catalog's codes
// (states, services, documents, transitions, form values) or snake_case tokens.
func TestPagesShowNoRawCatalogCodes_UX13(t *testing.T) {
	clk := storetest.NewClock(time.Now())
	m := bootAt(t, "", t.TempDir(), clk)
	d := seedSweep(t, m, clk)
	courses := seedCourseSweep(t, m, clk)
	clk.Set(clk.Now().Add(time.Minute)) // each staff account signs in again at a new TOTP step
	codes := catalogCodes(t)
	pages := []string{"/", "/services", "/services/certify", "/services/certify/sla", "/services/cert/sla",
		"/services/certify/performance", "/services/cert/performance", "/services/certify/versions", "/status", "/changes",
		"/registry", "/registry/" + d.number, "/registry/" + d.number + "/print",
		"/cases", "/cases/" + d.issued, "/cases/" + d.review, "/cases/" + d.draft, "/cases/" + d.review + "/certify",
		"/cases/" + d.issued + "/certify", "/cases/" + d.review + "/receipt", "/certify/apply", "/queue", "/queue?service=certify",
		"/queue?service=certify&q=x", "/queue?service=cert",
		"/complaints", "/disputes/" + d.dispute, "/complaints/" + d.complaint, "/questions", "/feedback", "/profile",
		"/org/members", "/admin/accounts", "/admin/calendar", "/admin/outages", "/admin/services", "/track?code=" + d.issued,
		"/vulnerabilities/report", "/vulnerabilities/credits", "/vulnerabilities",
		"/org/advisories", "/cert/advisories/coverage"} // SLA
	pages = append(pages, sweepIncidentPages(t, m)...) // issue 15
	pages = append(pages, courses...)
	type role struct {
		user  string
		staff bool
	}
	roles := []role{{"", false}}
	for _, l := range demo.Logins() {
		roles = append(roles, role{l.Username, l.TOTP})
	}
	rendered := 0
	for _, r := range roles {
		fc := newFormClient(t, m.URL(), nil)
		if r.user != "" {
			if status, _, _ := fc.post("/login", url.Values{"username": {r.user}, "password": {demo.Password}}); status != http.StatusSeeOther {
				t.Fatalf("%s: password step: %d", r.user, status)
			}
			if r.staff {
				code, _ := identity.TOTPCode(demo.TOTPSecret, clk.Now())
				if status, _, _ := fc.post("/login/totp", url.Values{"totp": {code}}); status != http.StatusSeeOther {
					t.Fatalf("%s: totp step: %d", r.user, status)
				}
			}
		}
		base, _ := url.Parse(m.URL())
		for _, lang := range []string{"fa", "en"} {
			fc.c.Jar.SetCookies(base, []*http.Cookie{{Name: "lang", Value: lang, Path: "/"}})
			for _, p := range pages {
				status, body, _ := fc.get(p)
				if status != http.StatusOK {
					continue // a page this role does not reach (a redirect or a refusal)
				}
				rendered++
				text := visibleText(body)
				if found := rawCodes(text, codes, lang == "fa"); len(found) > 0 {
					t.Errorf("%s %s %s shows raw codes %q, first in %q", who(r.user), lang, p, found, around(text, found[0]))
				}
			}
		}
	}
	if rendered < 200 {
		t.Fatalf("rendered only %d pages", rendered)
	}
}

// around is the text near the first occurrence of tok, for the failure message.
func around(text, tok string) string {
	i := strings.Index(text, tok)
	r := []rune(strings.Join(strings.Fields(text[max(0, i-80):]), " "))
	return string(r[:min(len(r), 80)])
}

func who(user string) string {
	if user == "" {
		return "(signed out)"
	}
	return user
}
