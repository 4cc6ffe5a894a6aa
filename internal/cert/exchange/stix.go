package exchange

import (
	"encoding/json"
	"io"
	"net/netip"
	"strings"

	"github.com/itoir/miz/internal/cert/incident"
	"github.com/itoir/miz/internal/cert/tlp"
)

// TLP 2.0 marking definitions as published for STIX 2.1 (the OASIS CTI TC's TLP 2.0
// extension): fixed IDs every STIX consumer recognises.
const (
	tlpExtension = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"
	tlpCreated   = "2022-10-01T00:00:00.000Z"
)

var markingIDs = map[tlp.Level]string{
	tlp.Clear:       "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
	tlp.Green:       "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
	tlp.Amber:       "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
	tlp.AmberStrict: "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
	tlp.Red:         "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
}

// MarkingID returns the STIX 2.1 marking-definition ID of a TLP 2.0 label.
func MarkingID(l tlp.Level) string { return markingIDs[l] }

// stixNS is STIX 2.1's namespace for the deterministic IDs of cyber-observables.
var stixNS = mustUUID("00abedb4-aa42-466c-9c01-fed23315a9b7")

// Bundle is a STIX 2.1 bundle.
type Bundle struct {
	Type    string `json:"type"`
	ID      string `json:"id"`
	Objects []any  `json:"objects"`
}

// Marking is a STIX 2.1 marking-definition of TLP 2.0.
type Marking struct {
	Type        string                    `json:"type"`
	SpecVersion string                    `json:"spec_version"`
	ID          string                    `json:"id"`
	Created     string                    `json:"created"`
	Name        string                    `json:"name"`
	Extensions  map[string]map[string]any `json:"extensions"`
}

// Indicator is a STIX 2.1 indicator SDO.
type Indicator struct {
	Type           string   `json:"type"`
	SpecVersion    string   `json:"spec_version"`
	ID             string   `json:"id"`
	Created        string   `json:"created"`
	Modified       string   `json:"modified"`
	Name           string   `json:"name"`
	IndicatorTypes []string `json:"indicator_types"`
	Pattern        string   `json:"pattern"`
	PatternType    string   `json:"pattern_type"`
	ValidFrom      string   `json:"valid_from"`
	Labels         []string `json:"labels,omitempty"`
	MarkingRefs    []string `json:"object_marking_refs"`
}

// ObservedData is a STIX 2.1 observed-data SDO: one per label, referring to the
// observables so labelled.
type ObservedData struct {
	Type           string   `json:"type"`
	SpecVersion    string   `json:"spec_version"`
	ID             string   `json:"id"`
	Created        string   `json:"created"`
	Modified       string   `json:"modified"`
	FirstObserved  string   `json:"first_observed"`
	LastObserved   string   `json:"last_observed"`
	NumberObserved int      `json:"number_observed"`
	ObjectRefs     []string `json:"object_refs"`
	MarkingRefs    []string `json:"object_marking_refs"`
}

// Observable is a STIX 2.1 cyber-observable (ipv4-addr, ipv6-addr, domain-name,
// url, email-addr or file).
type Observable struct {
	Type        string            `json:"type"`
	SpecVersion string            `json:"spec_version"`
	ID          string            `json:"id"`
	Value       string            `json:"value,omitempty"`
	Hashes      map[string]string `json:"hashes,omitempty"`
	MarkingRefs []string          `json:"object_marking_refs"`
}

const stixTime = "2006-01-02T15:04:05.000Z"

// stixQuote writes a value as a STIX pattern string literal.
func stixQuote(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

var hashNames = map[string]string{incident.MD5: "MD5", incident.SHA1: "SHA-1", incident.SHA256: "SHA-256"}

// observable maps an indicator to its cyber-observable and STIX pattern.
func observable(i incident.Indicator) (Observable, string) {
	o := Observable{SpecVersion: "2.1", Value: i.Value}
	var path string
	switch i.Type {
	case incident.IP:
		o.Type, path = "ipv4-addr", "ipv4-addr:value"
		if p, err := netip.ParsePrefix(i.Value); (err == nil && p.Addr().Is6()) || strings.Contains(i.Value, ":") {
			o.Type, path = "ipv6-addr", "ipv6-addr:value"
		}
	case incident.Domain:
		o.Type, path = "domain-name", "domain-name:value"
	case incident.URL:
		o.Type, path = "url", "url:value"
	case incident.Email:
		o.Type, path = "email-addr", "email-addr:value"
	default:
		name := hashNames[i.Type]
		o.Type, o.Value, o.Hashes = "file", "", map[string]string{name: i.Value}
		path = "file:hashes."
		if strings.Contains(name, "-") {
			path += "'" + name + "'"
		} else {
			path += name
		}
	}
	var idName []byte
	if o.Hashes != nil {
		idName, _ = json.Marshal(map[string]any{"hashes": o.Hashes})
	} else {
		idName, _ = json.Marshal(map[string]string{"value": o.Value})
	}
	o.ID = o.Type + "--" + uuid5(stixNS, string(idName))
	return o, "[" + path + " = " + stixQuote(i.Value) + "]"
}

// STIX writes the incident's visible indicators as a STIX 2.1 bundle: the TLP 2.0
// marking definitions used, and for each indicator an indicator object (its
// pattern) and its cyber-observable, with one observed-data per label.
func STIX(w io.Writer, in *Incident) error {
	inds := in.visible()
	at := in.Reported.UTC().Format(stixTime)
	b := Bundle{Type: "bundle", ID: "bundle--" + uuid5(mizNS, "bundle:"+in.TrackingCode)}
	b.Objects = make([]any, 0, 2*len(inds)+10)
	used := map[tlp.Level][]string{}
	var labels []string
	if in.Class != "" {
		labels = []string{"rsit:" + in.Class + "=" + in.Type}
	}
	for _, i := range inds {
		o, pattern := observable(i)
		mark := []string{markingIDs[i.TLP]}
		o.MarkingRefs = mark
		b.Objects = append(b.Objects, Indicator{Type: "indicator", SpecVersion: "2.1",
			ID:      "indicator--" + uuid5(mizNS, in.TrackingCode+"\x00"+i.Key()),
			Created: at, Modified: at, Name: i.Value, IndicatorTypes: []string{"malicious-activity"},
			Pattern: pattern, PatternType: "stix", ValidFrom: at, Labels: labels, MarkingRefs: mark}, o)
		used[i.TLP] = append(used[i.TLP], o.ID)
	}
	for _, l := range tlp.All() {
		refs := used[l]
		if len(refs) == 0 {
			continue
		}
		b.Objects = append(b.Objects, ObservedData{Type: "observed-data", SpecVersion: "2.1",
			ID:      "observed-data--" + uuid5(mizNS, in.TrackingCode+"\x00observed\x00"+l.String()),
			Created: at, Modified: at, FirstObserved: at, LastObserved: at, NumberObserved: 1,
			ObjectRefs: refs, MarkingRefs: []string{markingIDs[l]}},
			Marking{Type: "marking-definition", SpecVersion: "2.1", ID: markingIDs[l], Created: tlpCreated,
				Name: "TLP:" + l.String(), Extensions: map[string]map[string]any{
					tlpExtension: {"extension_type": "property-extension", "tlp_2_0": strings.ToLower(l.String())}}})
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(b)
}
