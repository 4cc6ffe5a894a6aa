package main

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/itoir/miz/internal/cert/advisory"
	"github.com/itoir/miz/internal/cert/tlp"
	"github.com/itoir/miz/internal/demo"
)

// publishDemoAdvisory drafts as demo-editor and publishes as demo-editor-2.
func publishDemoAdvisory(t *testing.T, m *Main, label tlp.Level, title string) string {
	t.Helper()
	ctx := context.Background()
	in := advisory.Input{Content: advisory.Content{TLP: label, Severity: advisory.Medium, TitleFa: title,
		SummaryFa: "خلاصه", RemediationFa: "راهکار", Products: []advisory.Product{{Name: "Sample", Versions: []string{"1.0"}}}}}
	author, reviewer := demoPrincipal(t, m, "demo-editor"), demoPrincipal(t, m, "demo-editor-2")
	id, err := m.Advisories.Save(ctx, author, 0, in)
	if err == nil {
		err = m.Advisories.Submit(ctx, author, id)
	}
	if err != nil {
		t.Fatal(err)
	}
	tr, err := m.Advisories.Publish(ctx, reviewer, id)
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

// TestAdvisoriesOverHTTPKeepGreenForConstituents_M41: the JSON API, the pages and
// the CSAF provider show a TLP:CLEAR advisory to everyone and a GREEN one only to a
// signed-in constituent; security.txt names the provider metadata.
func TestAdvisoriesOverHTTPKeepGreenForConstituents_M41(t *testing.T) {
	t.Parallel()
	m := startDemo(t, "")
	clear := publishDemoAdvisory(t, m, tlp.Clear, "هشدار همگانی")
	green := publishDemoAdvisory(t, m, tlp.Green, "هشدار ویژه اعضا")
	org := apiLogin(t, m, demo.OrgNationalID, "")

	resp, body := doJSON(t, "GET", m.URL()+"/api/v1/advisories", "", "", "")
	items, _ := body["items"].([]any)
	if resp.StatusCode != 200 || len(items) != 1 || items[0].(map[string]any)["id"] != clear {
		t.Fatalf("anonymous list: %d %v", resp.StatusCode, body)
	}
	if resp, _ := doJSON(t, "GET", m.URL()+"/api/v1/advisories/"+green, "", "", ""); resp.StatusCode != 404 {
		t.Fatalf("anonymous GREEN advisory: %d", resp.StatusCode)
	}
	resp, body = doJSON(t, "GET", m.URL()+"/api/v1/advisories/"+green, org, "", "")
	csafURL, _ := body["csaf_url"].(string)
	if resp.StatusCode != 200 || !strings.Contains(csafURL, "/.well-known/csaf/green/") {
		t.Fatalf("constituent GREEN advisory: %d %v", resp.StatusCode, body)
	}
	get := func(u, token string) (int, string) {
		req, _ := http.NewRequest("GET", u, nil)
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
	if st, _ := get(csafURL, ""); st != 401 {
		t.Fatalf("anonymous GREEN CSAF document: %d", st)
	}
	if st, b := get(csafURL, org); st != 200 || !strings.Contains(b, `"label": "GREEN"`) {
		t.Fatalf("constituent GREEN CSAF document: %d %s", st, b)
	}
	if st, b := get(m.URL()+"/.well-known/security.txt", ""); st != 200 || !strings.Contains(b, "CSAF: "+m.URL()+"/.well-known/csaf/provider-metadata.json") {
		t.Fatalf("security.txt: %d %s", st, b)
	}
	if st, b := get(m.URL()+"/advisories/feed.atom", ""); st != 200 || !strings.Contains(b, clear) || strings.Contains(b, green) {
		t.Fatalf("feed: %d %s", st, b)
	}
	if st, b := get(m.URL()+"/advisories", org); st != 200 || !strings.Contains(b, clear) {
		t.Fatalf("list page: %d", st)
	} else if st, b = get(m.URL()+"/advisories", ""); strings.Contains(b, green) {
		t.Fatalf("anonymous list page shows the GREEN advisory")
	}
}
