package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/itoir/miz/internal/demo"
)

// postRaw sends body as the raw request body.
func postRaw(t *testing.T, u, token string, body io.Reader) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest("POST", u, body)
	req.Header.Set("Content-Type", "application/octet-stream")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

// fieldsOf lists the fields a 400 answer names.
func fieldsOf(body map[string]any) []string {
	e, _ := body["error"].(map[string]any)
	list, _ := e["fields"].([]any)
	var out []string
	for _, f := range list {
		m, _ := f.(map[string]any)
		if msg, _ := m["message"].(string); msg != "" {
			out = append(out, fmt.Sprint(m["field"]))
		}
	}
	return out
}

// TestIncidentReportAPIRefusesEveryInvalidFieldAtOnce: issue 15 through
// POST /api/v1/cert/incidents — a bad TLP, IP 999.1.1.1, a bad CIDR, domain, URL and
// hash are each a 400 naming the field with a localized message, and all at once
// when sent together; nothing is stored. Triage refuses an unknown RSIT class and a
// bad severity; evidence above the catalog's per-file limit is refused with a field
// error.
func TestIncidentReportAPIRefusesEveryInvalidFieldAtOnce(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, m *Main) {
		u := m.URL() + "/api/v1/cert/incidents"
		org := apiLogin(t, m, demo.OrgNationalID, "")
		for form, field := range map[string]string{
			`{"summary":"x","tlp":"NOT-A-TLP"}`:                                   "tlp",
			`{"summary":"x","assets":["999.1.1.1"]}`:                              "assets[0]",
			`{"summary":"x","assets":[{"type":"cidr","value":"10.0.0.0/33"}]}`:    "assets[0]",
			`{"summary":"x","assets":[{"type":"domain","value":"exa mple..ir"}]}`: "assets[0]",
			`{"summary":"x","assets":[{"type":"url","value":"ht!tp:/nope"}]}`:     "assets[0]",
			`{"summary":"x","indicators":["1.2.3.4","999.1.1.1"]}`:                "indicators[1]",
			`{"summary":"x","indicators":[{"type":"md5","value":"abc123"}]}`:      "indicators[0]",
			`{"summary":"x","indicators":[{"type":"sha256","value":"zz"}]}`:       "indicators[0]",
			`{"summary":"x","first_seen":"1405/13/40"}`:                           "first_seen",
			`{"tlp":"red"}`: "summary",
		} {
			resp, got := doJSON(t, "POST", u, org, "application/json", `{"form":`+form+`}`)
			e, _ := got["error"].(map[string]any)
			if resp.StatusCode != 400 || e["field"] != field || e["message"] == "" {
				t.Errorf("%s: %d %v", form, resp.StatusCode, got)
			}
		}
		resp, got := doJSON(t, "POST", u, org, "application/json",
			`{"form":{"tlp":"purple","assets":["999.1.1.1","ok.ir"],"indicators":"evil[.]ir\nnot a hash"}}`)
		if f := fieldsOf(got); resp.StatusCode != 400 || strings.Join(f, ",") != "tlp,assets[0],indicators[1],indicators[2],indicators[3],summary" {
			t.Fatalf("every field at once: %d %v", resp.StatusCode, f)
		}
		_, mine := doJSON(t, "GET", m.URL()+"/api/v1/cases", org, "", "")
		if n := strings.Count(fmt.Sprint(mine), "incident"); n != 0 {
			t.Fatalf("a refused report was stored: %v", mine)
		}

		resp, got = doJSON(t, "POST", u, org, "application/json",
			`{"form":{"summary":"نفوذ به کارگزار پست","tlp":"amber","indicators":"hxxp://evil[.]ir/x\n1.2.3[.]4\n1.2.3.4"}}`)
		if resp.StatusCode != 201 {
			t.Fatalf("report: %d %v", resp.StatusCode, got)
		}
		code := got["tracking_code"].(string)
		cu := m.URL() + "/api/v1/cases/" + code + "/incident"
		responder := staffLogin(t, m, "demo-responder")
		for body, field := range map[string]string{
			`{"class":"not-a-class","type":"x","severity":"high"}`:      "class",
			`{"class":"malware","type":"not-a-type","severity":"high"}`: "type",
			`{"class":"malware","type":"c2","severity":"catastrophic"}`: "severity",
		} {
			resp, got := doJSON(t, "POST", cu+"/triage", responder, "application/json", body)
			e, _ := got["error"].(map[string]any)
			if resp.StatusCode != 400 || e["field"] != field || e["message"] == "" {
				t.Errorf("triage %s: %d %v", body, resp.StatusCode, got)
			}
		}
		resp, got = doJSON(t, "POST", cu+"/indicators", responder, "application/json", `{"indicators":["8.8.8.8"],"tlp":"WHITE"}`)
		if e, _ := got["error"].(map[string]any); resp.StatusCode != 400 || e["field"] != "tlp" {
			t.Errorf("TLP 1.0 WHITE accepted: %d %v", resp.StatusCode, got)
		}
		_, view := doJSON(t, "GET", cu, org, "", "")
		if inds, _ := view["indicators"].([]any); len(inds) != 2 {
			t.Fatalf("indicators not normalised and de-duplicated: %v", view["indicators"])
		}

		// Evidence above the catalog's 50MB per-file limit: a field error, nothing kept.
		big := io.MultiReader(bytes.NewReader(make([]byte, 50<<20)), strings.NewReader("x"))
		r2, b := postRaw(t, cu+"/evidence?filename=dump.raw", org, big)
		if r2.StatusCode != 400 || !strings.Contains(string(b), `"field":"file"`) {
			t.Fatalf("oversize evidence: %d %s", r2.StatusCode, b)
		}
		sample := []byte("X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*")
		r2, b = postRaw(t, cu+"/evidence?filename=eicar.com&tlp=amber%2Bstrict", org, bytes.NewReader(sample))
		sum := sha256.Sum256(sample)
		if r2.StatusCode != 201 || !strings.Contains(string(b), hex.EncodeToString(sum[:])) {
			t.Fatalf("a sample that looks like malware was refused: %d %s", r2.StatusCode, b)
		}
	})
}

// TestIncidentStatisticsArePublicWithoutContent_D2: the catalog publishes the CERT's
// incident statistics, so anyone reads the page, the JSON and the CSV; none of them
// names a tracking code or a word of a report.
func TestIncidentStatisticsArePublicWithoutContent_D2(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, m *Main) {
		org := apiLogin(t, m, demo.OrgNationalID, "")
		_, got := doJSON(t, "POST", m.URL()+"/api/v1/cert/incidents", org, "application/json", `{"form":{"summary":"SECRET-WORD leak"}}`)
		code, _ := got["tracking_code"].(string)
		if code == "" {
			t.Fatalf("report: %v", got)
		}
		for _, path := range []string{"/api/v1/cert/stats", "/api/v1/cert/stats.csv", "/cert/stats", "/cert/stats.csv"} {
			resp, err := http.Get(m.URL() + path)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 || strings.Contains(string(b), code) || strings.Contains(string(b), "SECRET-WORD") {
				t.Errorf("%s: %d", path, resp.StatusCode)
			}
			if strings.HasSuffix(path, ".csv") && !strings.Contains(string(b), ",total,,") {
				t.Errorf("%s: no total:\n%s", path, b)
			}
			if path == "/api/v1/cert/stats" {
				// No class, severity or sector counted fewer than three times is named
				// to the public; the rest is pooled (D-2).
				var st struct {
					MinCell int `json:"min_cell"`
					Months  []map[string]any
				}
				if err := json.Unmarshal(b, &st); err != nil || st.MinCell != 3 || len(st.Months) == 0 {
					t.Fatalf("%s: %v %s", path, err, b)
				}
				for _, month := range st.Months {
					for _, dim := range []string{"by_class", "by_severity", "by_sector"} {
						for k, n := range month[dim].(map[string]any) {
							if n.(float64) < 3 && k != "pooled" {
								t.Errorf("%s %s: %s counted %v is shown to the public", month["jalali_month"], dim, k, n)
							}
						}
					}
				}
			}
		}
	})
}
