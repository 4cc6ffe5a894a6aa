package web

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/itoir/miz/internal/cases"
	"github.com/itoir/miz/internal/catalog"
	"github.com/itoir/miz/internal/cert/advisory"
	"github.com/itoir/miz/internal/cert/constituent"
	"github.com/itoir/miz/internal/cert/csaf"
	"github.com/itoir/miz/internal/cert/tlp"
	"github.com/itoir/miz/internal/cert/warning"
	"github.com/itoir/miz/internal/documents"
	"github.com/itoir/miz/internal/fixtures"
	"github.com/itoir/miz/internal/httpauth"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

// TestAdvisoryAppliedByConstituentCountsInCoverage_A45: a member of an
// organisation marks a published advisory applied on its page; it leaves the
// organisation's "to acknowledge" list, the CERT's coverage counts it, and the mark
// can be withdrawn. Someone with no organisation sees no form and cannot mark.
func TestAdvisoryAppliedByConstituentCountsInCoverage_A45(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		svcs, err := catalog.Defaults()
		if err != nil {
			t.Fatal(err)
		}
		b := fixtures.New(t, db, nil)
		editors := map[string][]identity.Role{advisory.ServiceID: {identity.Editor}}
		author, second := b.Staff("author", editors), b.Staff("second", editors)
		analyst := b.Staff("analyst", map[string][]identity.Role{"cert": {identity.Analyst}})
		org := b.OrgApplicant("bank", "legal")
		citizen := b.Applicant("citizen")
		signer, err := csaf.LoadOrCreateSigner(t.TempDir(), nil)
		if err != nil {
			t.Fatal(err)
		}
		docs, err := documents.NewDisk(t.TempDir(), documents.Options{})
		if err != nil {
			t.Fatal(err)
		}
		advs := &advisory.Service{DB: db, Docs: docs, Signer: signer, BaseURL: func() string { return "https://desk.example" }, Version: "test"}
		publish := func(title string) string {
			in := advisory.Input{Content: advisory.Content{TLP: tlp.Clear, Severity: advisory.High, TitleFa: title,
				SummaryFa: "خلاصه", RemediationFa: "راهکار", Products: []advisory.Product{{Name: "Sample", Versions: []string{"1.0"}}}}}
			id, err := advs.Save(ctx, author, 0, in)
			if err == nil {
				err = advs.Submit(ctx, author, id)
			}
			if err != nil {
				t.Fatal(err)
			}
			tr, err := advs.Publish(ctx, second, id)
			if err != nil {
				t.Fatal(err)
			}
			return tr
		}
		one, two := publish("توصیه یکم"), publish("توصیه دوم")
		cons := &constituent.Service{DB: db}
		asset, err := cons.ClaimAsset(ctx, org, constituent.Claim{Kind: "domain", Value: "bank.example"})
		if err == nil {
			err = cons.Decide(ctx, analyst, asset, true, "")
		}
		if err != nil {
			t.Fatal(err)
		}
		s := &Server{Log: slog.New(slog.DiscardHandler),
			Services:   func(context.Context) ([]*catalog.Service, error) { return svcs, nil },
			Cases:      &cases.Engine{DB: db, Catalog: cases.StaticCatalog(svcs)},
			Advisories: advs,
			Proactive:  &Proactive{Constituents: cons, Warnings: &warning.Service{DB: db}}}
		withDomain(s, db)
		if err := s.Init(); err != nil {
			t.Fatal(err)
		}
		mux := http.NewServeMux()
		s.Routes(mux)
		do := func(p *identity.Principal, method, path string, form url.Values) *httptest.ResponseRecorder {
			var body bytes.Buffer
			if form != nil {
				form.Set("csrf", "tok-123")
				body.WriteString(form.Encode())
			}
			r := httptest.NewRequest(method, path, &body)
			if form != nil {
				r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			}
			r = r.WithContext(httpauth.WithCaller(r.Context(), &httpauth.Caller{Principal: p, CSRF: "tok-123"}))
			w := httptest.NewRecorder()
			mux.ServeHTTP(w, r)
			return w
		}

		w := do(org, "GET", "/org/advisories", nil)
		if w.Code != 200 || !strings.Contains(w.Body.String(), `id="pending-`+one+`"`) || !strings.Contains(w.Body.String(), `id="pending-`+two+`"`) {
			t.Fatalf("to acknowledge before: %d", w.Code)
		}
		if w = do(org, "GET", "/org/warnings", nil); !strings.Contains(w.Body.String(), `href="/org/advisories"`) {
			t.Fatal("the organisation's nav does not link its advisories")
		}
		if w = do(org, "GET", "/advisories", nil); !strings.Contains(w.Body.String(), `id="advisories-mine"`) {
			t.Fatal("the advisories list does not link the organisation's own")
		}
		if w = do(citizen, "GET", "/advisories", nil); strings.Contains(w.Body.String(), `id="advisories-mine"`) {
			t.Fatal("the advisories list links a person with no organisation to an organisation's list")
		}
		if w = do(nil, "GET", "/advisories", nil); w.Code != 200 {
			t.Fatalf("anonymous advisories list: %d", w.Code)
		}
		if w = do(org, "GET", "/advisories/"+one, nil); w.Code != 200 || !strings.Contains(w.Body.String(), `id="advisory-apply"`) {
			t.Fatalf("advisory page offers no form to a member: %d", w.Code)
		}
		if w = do(citizen, "GET", "/advisories/"+one, nil); strings.Contains(w.Body.String(), `id="advisory-apply"`) {
			t.Fatal("a person with no organisation is offered the form")
		}
		if w = do(citizen, "POST", "/advisories/"+one+"/applied", url.Values{}); w.Code != http.StatusForbidden {
			t.Fatalf("a person with no organisation marks it applied: %d", w.Code)
		}
		if w = do(org, "POST", "/advisories/NO-SUCH/applied", url.Values{}); w.Code != http.StatusNotFound {
			t.Fatalf("an unknown advisory marked applied: %d", w.Code)
		}
		if w = do(org, "POST", "/advisories/"+one+"/applied", url.Values{"note": {"وصله نصب شد"}}); w.Code != http.StatusSeeOther {
			t.Fatalf("mark applied: %d %s", w.Code, w.Body)
		}
		if w = do(org, "GET", "/advisories/"+one, nil); !strings.Contains(w.Body.String(), `id="advisory-applied-at"`) || !strings.Contains(w.Body.String(), `id="advisory-unapply"`) {
			t.Fatal("the page does not show the mark and its undo")
		}
		w = do(org, "GET", "/org/advisories", nil)
		if strings.Contains(w.Body.String(), `id="pending-`+one+`"`) || !strings.Contains(w.Body.String(), `id="applied-`+one+`"`) || !strings.Contains(w.Body.String(), `id="pending-`+two+`"`) {
			t.Fatal("the applied advisory is still to acknowledge")
		}

		if w = do(org, "GET", "/cert/advisories/coverage", nil); w.Code != http.StatusForbidden {
			t.Fatalf("a constituent sees the coverage: %d", w.Code)
		}
		w = do(analyst, "GET", "/cert/advisories/coverage", nil)
		row := func(id string) string {
			body := w.Body.String()
			i := strings.Index(body, `id="coverage-`+id+`"`)
			if i < 0 {
				t.Fatalf("no coverage row for %s", id)
			}
			j := strings.Index(body[i:], "</tr>")
			return body[i : i+j]
		}
		if w.Code != 200 || !strings.Contains(row(one), "۱ از ۱") || !strings.Contains(row(two), "۰ از ۱") {
			t.Fatalf("coverage: %d %s", w.Code, w.Body)
		}
		if w = do(author, "GET", "/cert/advisories", nil); w.Code != 200 || strings.Contains(w.Body.String(), `id="advisory-coverage-link"`) {
			t.Fatalf("an editor who may not see the coverage is linked to it: %d", w.Code)
		}
		if w = do(analyst, "GET", "/advisories/"+one, nil); !strings.Contains(w.Body.String(), `id="advisory-coverage"`) {
			t.Fatal("the advisory page shows CERT staff no coverage per sector")
		}

		if w = do(org, "POST", "/advisories/"+one+"/unapplied", url.Values{"back": {"org"}}); w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/org/advisories" {
			t.Fatalf("withdraw: %d %s", w.Code, w.Header().Get("Location"))
		}
		if w = do(org, "GET", "/org/advisories", nil); !strings.Contains(w.Body.String(), `id="pending-`+one+`"`) {
			t.Fatal("a withdrawn mark still counts as applied")
		}
	})
}
