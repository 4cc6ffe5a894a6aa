// Package csaf writes CSAF 2.0 documents and the files of a CSAF trusted provider
// (OASIS CSAF 2.0, section 7): provider-metadata.json, the per-label directories
// with index.txt and changes.csv, ROLIE feeds, hashes and OpenPGP signatures.
// It knows nothing about the database: the advisory package hands it what to write.
package csaf

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// Label is a CSAF 2.0 TLP label (TLP 1.0 names: TLP 2.0's CLEAR is WHITE here).
type Label string

// The labels an advisory may carry.
const (
	White Label = "WHITE"
	Green Label = "GREEN"
	Amber Label = "AMBER"
)

// Labels lists the labels in order of widening restriction.
func Labels() []Label { return []Label{White, Green, Amber} }

// Folder is the label's directory below /.well-known/csaf/.
func (l Label) Folder() string { return strings.ToLower(string(l)) }

// Public reports whether documents with this label are served without sign-in.
func (l Label) Public() bool { return l == White }

// Publisher is the issuing party named in every document and in the metadata.
type Publisher struct {
	Category       string `json:"category"`
	Name           string `json:"name"`
	Namespace      string `json:"namespace"`
	ContactDetails string `json:"contact_details,omitempty"`
}

// Product is an affected product and its affected versions.
type Product struct {
	Name     string
	Versions []string
}

// Score is a CVSS score (only v3.x goes into CSAF 2.0 documents).
type Score struct {
	Version, Vector, Severity string
	Base                      float64
}

// Revision is one published revision.
type Revision struct {
	Number  int
	Date    time.Time
	Summary string
}

// Advisory is what a csaf_security_advisory document is built from.
type Advisory struct {
	TrackingID         string
	Label              Label
	Title, TitleEn     string
	Summary, SummaryEn string
	Remediation        string
	RemediationEn      string
	Severity           string // aggregate severity, as people read it
	Products           []Product
	CVEs               []string
	CVSS               *Score
	References         []string
	Revisions          []Revision // oldest first; the last is the current one
	PortalURL, SelfURL string
	GeneratorVersion   string
}

// FileName is the CSAF file name of a tracking ID (section 5.1): lower case, every
// character other than a-z, 0-9, + and - replaced by _, then ".json".
func FileName(trackingID string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(trackingID) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '+' || r == '-' {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	return b.String() + ".json"
}

// Stamp writes an instant as CSAF and ROLIE want it (RFC 3339, UTC, milliseconds).
func Stamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

type obj = map[string]any

// Build writes the CSAF 2.0 csaf_security_advisory document of a. Every product ID
// a vulnerability names is one the product tree defines.
func Build(a Advisory, pub Publisher) ([]byte, error) {
	if a.TrackingID == "" || len(a.Revisions) == 0 || a.Title == "" {
		return nil, fmt.Errorf("csaf: build: tracking ID, title and a revision are required")
	}
	cur := a.Revisions[len(a.Revisions)-1]
	var hist []obj
	for _, r := range a.Revisions {
		hist = append(hist, obj{"date": Stamp(r.Date), "number": fmt.Sprint(r.Number), "summary": nonEmpty(r.Summary, "Initial version")})
	}
	notes := []obj{{"category": "summary", "title": "خلاصه", "text": nonEmpty(a.Summary, a.Title)}}
	if a.SummaryEn != "" {
		notes = append(notes, obj{"category": "summary", "title": "Summary (English)", "text": a.SummaryEn})
	}
	refs := []obj{{"category": "self", "summary": "CSAF document", "url": a.SelfURL}}
	if a.PortalURL != "" {
		refs = append(refs, obj{"category": "external", "summary": "Advisory on the portal", "url": a.PortalURL})
	}
	for _, u := range a.References {
		refs = append(refs, obj{"category": "external", "summary": "Reference", "url": u})
	}
	title := a.Title
	if a.TitleEn != "" {
		title += " / " + a.TitleEn
	}
	doc := obj{
		"category":     "csaf_security_advisory",
		"csaf_version": "2.0",
		"lang":         "fa",
		"title":        title,
		"publisher":    pub,
		"distribution": obj{"tlp": obj{"label": string(a.Label), "url": "https://www.first.org/tlp/"}},
		"notes":        notes,
		"references":   refs,
		"tracking": obj{
			"id":                   a.TrackingID,
			"status":               "final",
			"version":              fmt.Sprint(cur.Number),
			"initial_release_date": Stamp(a.Revisions[0].Date),
			"current_release_date": Stamp(cur.Date),
			"revision_history":     hist,
			"generator":            obj{"date": Stamp(cur.Date), "engine": obj{"name": "Miz", "version": nonEmpty(a.GeneratorVersion, "dev")}},
		},
	}
	if a.Severity != "" {
		doc["aggregate_severity"] = obj{"text": a.Severity}
	}
	tree, ids := productTree(a.Products)
	out := obj{"document": doc, "product_tree": tree, "vulnerabilities": vulnerabilities(a, ids)}
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("csaf: build %s: %w", a.TrackingID, err)
	}
	return append(b, '\n'), nil
}

// productTree lists every affected product version as a full product name with its
// own ID (CSAFPID-0001, …).
func productTree(ps []Product) (obj, []string) {
	var names []obj
	var ids []string
	add := func(name string) {
		id := fmt.Sprintf("CSAFPID-%04d", len(ids)+1)
		ids = append(ids, id)
		names = append(names, obj{"name": name, "product_id": id})
	}
	for _, p := range ps {
		if len(p.Versions) == 0 {
			add(p.Name)
		}
		for _, v := range p.Versions {
			add(p.Name + " " + v)
		}
	}
	if len(ids) == 0 {
		add("Unspecified product")
	}
	return obj{"full_product_names": names}, ids
}

// vulnerabilities writes one vulnerability per CVE (one without a CVE when none is
// known), each affecting every product of the tree.
func vulnerabilities(a Advisory, ids []string) []obj {
	cves := a.CVEs
	if len(cves) == 0 {
		cves = []string{""}
	}
	var out []obj
	for _, cve := range cves {
		v := obj{
			"notes":          []obj{{"category": "description", "text": nonEmpty(a.Summary, a.Title)}},
			"product_status": obj{"known_affected": ids},
		}
		if cve != "" {
			v["cve"] = cve
		}
		if a.Remediation != "" {
			details := a.Remediation
			if a.RemediationEn != "" {
				details += "\n\n" + a.RemediationEn
			}
			v["remediations"] = []obj{{"category": "mitigation", "details": details, "product_ids": ids}}
		}
		if s := a.CVSS; s != nil && strings.HasPrefix(s.Version, "3.") {
			v["scores"] = []obj{{"products": ids, "cvss_v3": obj{"version": s.Version, "vectorString": s.Vector,
				"baseScore": s.Base, "baseSeverity": s.Severity}}}
		}
		out = append(out, v)
	}
	return out
}

func nonEmpty(s, def string) string {
	if strings.TrimSpace(s) == "" {
		return def
	}
	return s
}
