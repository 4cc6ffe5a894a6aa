package csaf

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestFileNameFollowsCSAFRule(t *testing.T) {
	for id, want := range map[string]string{"MIZ-2026-0001": "miz-2026-0001.json", "CERT/IR 12+a": "cert_ir_12+a.json", "x.y": "x_y.json"} {
		if got := FileName(id); got != want {
			t.Errorf("FileName(%q) = %q, want %q", id, got, want)
		}
	}
}

func sample() Advisory {
	day := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	return Advisory{TrackingID: "MIZ-2026-0001", Label: White, Title: "عنوان", Summary: "خلاصه", Remediation: "راهکار",
		Products: []Product{{Name: "httpd", Versions: []string{"2.4.1", "2.4.2"}}, {Name: "proxy"}},
		CVEs:     []string{"CVE-2026-1", "CVE-2026-2"}, CVSS: &Score{Version: "3.1", Vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", Base: 9.8, Severity: "CRITICAL"},
		Revisions: []Revision{{1, day, "انتشار نخست"}, {2, day.Add(time.Hour), "اصلاح"}}, SelfURL: "https://d.example/.well-known/csaf/white/2026/miz-2026-0001.json"}
}

// TestBuildWritesASecurityAdvisoryWhoseProductIDsExist_M41 checks what the CSAF
// 2.0 schema and the csaf_security_advisory profile ask that a schema cannot:
// every product ID a vulnerability names is defined in the product tree, the
// revision history ends at the current version and its date.
func TestBuildWritesASecurityAdvisoryWhoseProductIDsExist_M41(t *testing.T) {
	b, err := Build(sample(), Publisher{Category: "coordinator", Name: "Maher", Namespace: "https://cert.ir"})
	if err != nil {
		t.Fatal(err)
	}
	var d struct {
		Document struct {
			Category     string `json:"category"`
			CSAFVersion  string `json:"csaf_version"`
			Distribution struct {
				TLP struct{ Label string } `json:"tlp"`
			} `json:"distribution"`
			Publisher map[string]string `json:"publisher"`
			Tracking  struct {
				ID, Version, Status string
				Current             string                          `json:"current_release_date"`
				History             []struct{ Number, Date string } `json:"revision_history"`
			} `json:"tracking"`
		} `json:"document"`
		ProductTree struct {
			Names []struct {
				ID string `json:"product_id"`
			} `json:"full_product_names"`
		} `json:"product_tree"`
		Vulnerabilities []struct {
			CVE    string `json:"cve"`
			Status struct {
				Affected []string `json:"known_affected"`
			} `json:"product_status"`
			Remediations []struct {
				IDs []string `json:"product_ids"`
			} `json:"remediations"`
			Scores []struct {
				Products []string `json:"products"`
			} `json:"scores"`
		} `json:"vulnerabilities"`
	}
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatal(err)
	}
	doc := d.Document
	if doc.Category != "csaf_security_advisory" || doc.CSAFVersion != "2.0" || doc.Distribution.TLP.Label != "WHITE" ||
		doc.Publisher["category"] != "coordinator" || doc.Tracking.Status != "final" || doc.Tracking.Version != "2" {
		t.Fatalf("document = %+v", doc)
	}
	h := doc.Tracking.History
	if len(h) != 2 || h[1].Number != doc.Tracking.Version || h[1].Date != doc.Tracking.Current {
		t.Fatalf("revision history %+v does not end at version %s of %s", h, doc.Tracking.Version, doc.Tracking.Current)
	}
	var ids []string
	for _, n := range d.ProductTree.Names {
		ids = append(ids, n.ID)
	}
	if len(ids) != 3 {
		t.Fatalf("product IDs = %v", ids)
	}
	if len(d.Vulnerabilities) != 2 {
		t.Fatalf("vulnerabilities = %d", len(d.Vulnerabilities))
	}
	for _, v := range d.Vulnerabilities {
		refs := append(append([]string{}, v.Status.Affected...), v.Remediations[0].IDs...)
		refs = append(refs, v.Scores[0].Products...)
		for _, id := range refs {
			if !slices.Contains(ids, id) {
				t.Errorf("%s names product %s, which the tree does not define", v.CVE, id)
			}
		}
	}
}

func TestSignatureVerifiesAndKeyIsKept_M41(t *testing.T) {
	dir := t.TempDir()
	s, err := LoadOrCreateSigner(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	sig, err := s.Sign([]byte("{}\n"), time.Now())
	if err != nil || s.Verify([]byte("{}\n"), sig) != nil {
		t.Fatalf("sign/verify: %v", err)
	}
	if s.Verify([]byte("{ }\n"), sig) == nil {
		t.Fatal("a changed document verified")
	}
	again, err := LoadOrCreateSigner(dir, nil)
	if err != nil || again.Fingerprint() != s.Fingerprint() || len(s.Fingerprint()) != 40 {
		t.Fatalf("reloaded key %v: %s vs %s", err, again.Fingerprint(), s.Fingerprint())
	}
	if !strings.HasPrefix(string(s.PublicKey()), "-----BEGIN PGP PUBLIC KEY BLOCK-----") {
		t.Fatalf("public key = %q", s.PublicKey()[:40])
	}
}

func TestChangesNewestFirstAndIndexPerLabel(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	es := []Entry{{Path: "white/2026/a.json", Label: White, Current: t0}, {Path: "white/2026/b.json", Label: White, Current: t0.Add(time.Hour)},
		{Path: "green/2026/c.json", Label: Green, Current: t0}}
	if got := string(Changes(White, es)); got != "2026/b.json,2026-01-01T01:00:00.000Z\n2026/a.json,2026-01-01T00:00:00.000Z\n" {
		t.Fatalf("changes.csv = %q", got)
	}
	if got := string(Index(White, es)); got != "2026/a.json\n2026/b.json\n" {
		t.Fatalf("index.txt = %q", got)
	}
}
