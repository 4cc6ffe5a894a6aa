package exchange

import (
	"encoding/json"
	"io"
	"strconv"
	"strings"

	"github.com/itoir/miz/internal/cert/incident"
	"github.com/itoir/miz/internal/cert/tlp"
)

// MISPEvent is the envelope MISP imports: {"Event": {...}}.
type MISPEvent struct {
	Event MISPEventBody `json:"Event"`
}

// MISPEventBody is a MISP event with its attributes.
type MISPEventBody struct {
	UUID          string          `json:"uuid"`
	Info          string          `json:"info"`
	Date          string          `json:"date"`
	Timestamp     string          `json:"timestamp"`
	ThreatLevelID string          `json:"threat_level_id"`
	Analysis      string          `json:"analysis"`
	Distribution  string          `json:"distribution"`
	Tag           []MISPTag       `json:"Tag"`
	Attribute     []MISPAttribute `json:"Attribute"`
}

// MISPTag is a MISP tag (tlp:…, rsit:…).
type MISPTag struct {
	Name string `json:"name"`
}

// MISPAttribute is one MISP attribute.
type MISPAttribute struct {
	UUID         string    `json:"uuid"`
	Type         string    `json:"type"`
	Category     string    `json:"category"`
	Value        string    `json:"value"`
	ToIDS        bool      `json:"to_ids"`
	Distribution string    `json:"distribution"`
	Timestamp    string    `json:"timestamp"`
	Tag          []MISPTag `json:"Tag"`
}

// mispTypes maps indicator types to MISP attribute types and categories.
var mispTypes = map[string][2]string{
	incident.IP:     {"ip-dst", "Network activity"},
	incident.Domain: {"domain", "Network activity"},
	incident.URL:    {"url", "Network activity"},
	incident.Email:  {"email-src", "Payload delivery"},
	incident.MD5:    {"md5", "Payload delivery"},
	incident.SHA1:   {"sha1", "Payload delivery"},
	incident.SHA256: {"sha256", "Payload delivery"},
}

// Distribution returns MISP's distribution for a label: CLEAR to all communities
// (3), GREEN to this community (1), AMBER and narrower to our organisation only (0).
func Distribution(l tlp.Level) string {
	switch l {
	case tlp.Clear:
		return "3"
	case tlp.Green:
		return "1"
	}
	return "0"
}

// MISPTLPTag returns MISP's tlp taxonomy tag of a label (tlp:amber+strict …).
func MISPTLPTag(l tlp.Level) string { return "tlp:" + strings.ToLower(l.String()) }

// threatLevel maps the triage severity to MISP's threat levels (1 high … 4 undefined).
func threatLevel(sev string) string {
	switch sev {
	case "critical", "high":
		return "1"
	case "medium":
		return "2"
	case "low":
		return "3"
	}
	return "4"
}

// MISP writes the incident's visible indicators as a MISP event.
func MISP(w io.Writer, in *Incident) error {
	ts := strconv.FormatInt(in.Reported.Unix(), 10)
	ev := MISPEventBody{UUID: uuid5(mizNS, "misp:"+in.TrackingCode), Info: "Incident " + in.TrackingCode,
		Date: in.Reported.UTC().Format("2006-01-02"), Timestamp: ts, ThreatLevelID: threatLevel(in.Severity),
		Analysis: "1", Distribution: Distribution(in.Label), Tag: []MISPTag{{Name: MISPTLPTag(in.Label)}}}
	if in.Class != "" {
		ev.Tag = append(ev.Tag, MISPTag{Name: "rsit:" + in.Class + "=\"" + in.Type + "\""})
	}
	inds := in.visible()
	ev.Attribute = make([]MISPAttribute, 0, len(inds))
	for _, i := range inds {
		t := mispTypes[i.Type]
		ev.Attribute = append(ev.Attribute, MISPAttribute{UUID: uuid5(mizNS, "misp:"+in.TrackingCode+"\x00"+i.Key()),
			Type: t[0], Category: t[1], Value: i.Value, ToIDS: true, Distribution: Distribution(i.TLP),
			Timestamp: ts, Tag: []MISPTag{{Name: MISPTLPTag(i.TLP)}}})
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(MISPEvent{Event: ev})
}
