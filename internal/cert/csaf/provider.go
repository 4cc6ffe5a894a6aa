package csaf

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"html"
	"slices"
	"strings"
	"time"
)

// Entry is one published CSAF document as the provider lists it.
type Entry struct {
	// Path is below /.well-known/csaf/: <label folder>/<year of initial release>/<file>.
	Path       string
	Label      Label
	TrackingID string
	Title      string
	Initial    time.Time
	Current    time.Time
}

// EntryPath is where a document with this label, tracking ID and initial release
// lives (CSAF 2.0 requirements 2 and 11).
func EntryPath(l Label, trackingID string, initial time.Time) string {
	return fmt.Sprintf("%s/%d/%s", l.Folder(), initial.UTC().Year(), FileName(trackingID))
}

// Provider writes the trusted provider's files for a base URL such as
// https://desk.example/.
type Provider struct {
	// BaseURL is the desk's public origin, without the trailing slash.
	BaseURL   string
	Publisher Publisher
	Signer    *Signer
}

// Root is the URL of /.well-known/csaf/.
func (p Provider) Root() string { return p.BaseURL + "/.well-known/csaf/" }

// MetadataURL is the canonical URL of provider-metadata.json.
func (p Provider) MetadataURL() string { return p.Root() + "provider-metadata.json" }

// KeyURL is where the public OpenPGP key is served.
func (p Provider) KeyURL() string { return p.Root() + "openpgp/" + p.Signer.Fingerprint() + ".asc" }

// FeedURL is the ROLIE feed of a label.
func (p Provider) FeedURL(l Label) string {
	return p.Root() + l.Folder() + "/csaf-feed-tlp-" + l.Folder() + ".json"
}

func marshal(v any) []byte {
	b, _ := json.MarshalIndent(v, "", "  ") // maps and strings only: never fails
	return append(b, '\n')
}

// Metadata is provider-metadata.json (requirement 7): the role, the publisher, the
// public key with its fingerprint, the ROLIE feeds of every label and the
// directories of the labels the reader may open (dirs: WHITE for everyone, GREEN and
// AMBER too for a constituent), so that every document a reader reaches is in a
// directory it can list. lastUpdated is the newest release (or the key's creation).
func (p Provider) Metadata(lastUpdated time.Time, dirs []Label) []byte {
	var feeds []obj
	for _, l := range Labels() {
		feeds = append(feeds, obj{"summary": "TLP:" + string(l) + " advisories", "tlp_label": string(l), "url": p.FeedURL(l)})
	}
	var dist []obj
	for _, l := range dirs {
		dist = append(dist, obj{"directory_url": p.Root() + l.Folder() + "/"})
	}
	dist = append(dist, obj{"rolie": obj{"feeds": feeds, "services": []string{p.Root() + "service.json"}}})
	return marshal(obj{
		"canonical_url":              p.MetadataURL(),
		"last_updated":               Stamp(lastUpdated),
		"list_on_CSAF_aggregators":   true,
		"mirror_on_CSAF_aggregators": true,
		"metadata_version":           "2.0",
		"publisher":                  p.Publisher,
		"role":                       "csaf_trusted_provider",
		"public_openpgp_keys":        []obj{{"fingerprint": p.Signer.Fingerprint(), "url": p.KeyURL()}},
		"distributions":              dist,
	})
}

func sortNewest(es []Entry) []Entry {
	out := slices.Clone(es)
	slices.SortStableFunc(out, func(a, b Entry) int {
		if c := b.Current.Compare(a.Current); c != 0 {
			return c
		}
		return strings.Compare(a.Path, b.Path)
	})
	return out
}

func ofLabel(es []Entry, l Label) []Entry {
	var out []Entry
	for _, e := range es {
		if e.Label == l {
			out = append(out, e)
		}
	}
	return out
}

// Feed is the ROLIE feed of one label (requirement 15), each entry with its
// self, hash and signature links. updated is used when the feed is empty.
func (p Provider) Feed(l Label, all []Entry, updated time.Time) []byte {
	entries := []obj{}
	for _, e := range sortNewest(ofLabel(all, l)) {
		u := p.Root() + e.Path
		if e.Current.After(updated) {
			updated = e.Current
		}
		entries = append(entries, obj{
			"id": e.TrackingID, "title": e.Title,
			"link": []obj{{"rel": "self", "href": u}, {"rel": "hash", "href": u + ".sha256"},
				{"rel": "hash", "href": u + ".sha512"}, {"rel": "signature", "href": u + ".asc"}},
			"published": Stamp(e.Initial), "updated": Stamp(e.Current),
			"content": obj{"type": "application/json", "src": u},
			"format":  obj{"schema": "https://docs.oasis-open.org/csaf/csaf/v2.0/csaf_json_schema.json", "version": "2.0"},
		})
	}
	return marshal(obj{"feed": obj{
		"id": "csaf-feed-tlp-" + l.Folder(), "title": "Maher CSAF feed (TLP:" + string(l) + ")",
		"link":     []obj{{"rel": "self", "href": p.FeedURL(l)}},
		"category": []obj{{"scheme": "urn:ietf:params:rolie:category:information-type", "term": "csaf"}},
		"updated":  Stamp(updated), "entry": entries,
	}})
}

// Service is the ROLIE service document (requirement 16) naming every feed.
func (p Provider) Service() []byte {
	var cols []obj
	for _, l := range Labels() {
		cols = append(cols, obj{"title": "CSAF feed (TLP:" + string(l) + ")", "href": p.FeedURL(l),
			"categories": obj{"category": []obj{{"scheme": "urn:ietf:params:rolie:category:information-type", "term": "csaf"}}}})
	}
	return marshal(obj{"service": obj{"workspace": []obj{{"title": "Maher CSAF feeds", "collection": cols}}}})
}

// Category is the ROLIE category document beside a label's feed (requirement 17).
func Category(l Label) []byte {
	return marshal(obj{"categories": obj{"category": []obj{
		{"scheme": "urn:ietf:params:rolie:category:information-type", "term": "csaf"},
		{"term": "tlp-" + l.Folder()},
	}}})
}

// Index is index.txt of a label's directory (requirement 12): one path per line,
// relative to the directory.
func Index(l Label, all []Entry) []byte {
	var b bytes.Buffer
	es := ofLabel(all, l)
	slices.SortFunc(es, func(a, b Entry) int { return strings.Compare(a.Path, b.Path) })
	for _, e := range es {
		b.WriteString(strings.TrimPrefix(e.Path, l.Folder()+"/") + "\n")
	}
	return b.Bytes()
}

// Changes is changes.csv of a label's directory (requirement 13): path and current
// release date, newest first.
func Changes(l Label, all []Entry) []byte {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.UseCRLF = false
	for _, e := range sortNewest(ofLabel(all, l)) {
		_ = w.Write([]string{strings.TrimPrefix(e.Path, l.Folder()+"/"), Stamp(e.Current)})
	}
	w.Flush()
	return b.Bytes()
}

// Listing is an HTML directory listing (requirement 14) of names below dir.
func Listing(dir string, names []string) []byte {
	var b bytes.Buffer
	b.WriteString("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Index of /.well-known/csaf/" +
		html.EscapeString(dir) + "</title></head><body>\n<h1>Index of /.well-known/csaf/" + html.EscapeString(dir) + "</h1>\n<ul>\n")
	for _, n := range names {
		e := html.EscapeString(n)
		b.WriteString("<li><a href=\"" + e + "\">" + e + "</a></li>\n")
	}
	b.WriteString("</ul>\n</body></html>\n")
	return b.Bytes()
}

// SecurityTxt is /.well-known/security.txt (RFC 9116) with the CSAF field
// (requirement 8) pointing at provider-metadata.json.
func (p Provider) SecurityTxt(contact string, expires time.Time) []byte {
	return []byte("Contact: " + contact + "\nExpires: " + expires.UTC().Format(time.RFC3339) +
		"\nPreferred-Languages: fa, en\nCanonical: " + p.BaseURL + "/.well-known/security.txt\nCSAF: " + p.MetadataURL() + "\n")
}
