// Package triage is how the CERT sorts an incident: its class and type on the
// Reference Security Incident Taxonomy (RSIT, the taxonomy CSIRTs share through
// TF-CSIRT), its severity, the response and resolution targets the catalog sets for
// that severity, and the order of the queue (severity, then time left).
package triage

import (
	"strings"
)

// Class is one of the RSIT's eleven classes with its types.
type Class struct {
	ID    string
	Types []string
}

// Taxonomy returns the RSIT classes and their types, in the taxonomy's order.
func Taxonomy() []Class {
	return []Class{
		{"abusive-content", []string{"spam", "harmful-speech", "violence"}},
		{"malicious-code", []string{"infected-system", "c2-server", "malware-distribution", "malware-configuration"}},
		{"information-gathering", []string{"scanner", "sniffing", "social-engineering"}},
		{"intrusion-attempts", []string{"ids-alert", "brute-force", "exploit"}},
		{"intrusions", []string{"privileged-account-compromise", "unprivileged-account-compromise",
			"application-compromise", "system-compromise", "burglary"}},
		{"availability", []string{"dos", "ddos", "misconfiguration", "sabotage", "outage"}},
		{"information-content-security", []string{"unauthorised-information-access",
			"unauthorised-information-modification", "data-loss", "data-leak"}},
		{"fraud", []string{"unauthorised-use-of-resources", "copyright", "masquerade", "phishing"}},
		{"vulnerable", []string{"weak-crypto", "ddos-amplifier", "potentially-unwanted-accessible",
			"information-disclosure", "vulnerable-system"}},
		{"other", []string{"other", "undetermined"}},
		{"test", []string{"test"}},
	}
}

// aliases are other names analysts write for a class or type, by folded form.
var aliases = map[string]string{
	"malware": "malicious-code", "maliciouscode": "malicious-code", "intrusion": "intrusions",
	"intrusionattempt": "intrusion-attempts", "vulnerability": "vulnerable", "vulnerabilities": "vulnerable",
	"abusive": "abusive-content", "infosec": "information-content-security",
	"cc": "c2-server", "c2": "c2-server", "cncserver": "c2-server", "ccserver": "c2-server", "c&c": "c2-server",
	"scanning": "scanner", "bruteforce": "brute-force", "denialofservice": "dos",
	"distributeddenialofservice": "ddos", "unknown": "undetermined", "infected": "infected-system",
	"datalekage": "data-leak", "dataleakage": "data-leak",
}

// fold reduces a spelling to letters and digits only, in lower case, with the
// American "unauthorized" read as the taxonomy's "unauthorised".
func fold(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "c&c" {
		return s
	}
	s = strings.ReplaceAll(s, "unauthorized", "unauthorised")
	var b strings.Builder
	for _, r := range s {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// canonical finds want among ids by folded spelling or alias.
func canonical(want string, ids []string) (string, bool) {
	f := fold(want)
	if a, ok := aliases[f]; ok {
		f = fold(a)
	}
	for _, id := range ids {
		if fold(id) == f {
			return id, true
		}
	}
	return "", false
}

// ParseClassType returns the taxonomy's own spelling of a class and a type of that
// class, accepting case, spaces, underscores, missing hyphens, "unauthorized" and
// a few common aliases (malware, C2, DDoS…). ok reports which part failed: classOK
// false means the class is unknown; typeOK false, that the type is not of that class.
func ParseClassType(class, typ string) (c, t string, classOK, typeOK bool) {
	var ids []string
	for _, k := range Taxonomy() {
		ids = append(ids, k.ID)
	}
	c, classOK = canonical(class, ids)
	if !classOK {
		return "", "", false, false
	}
	for _, k := range Taxonomy() {
		if k.ID == c {
			t, typeOK = canonical(typ, k.Types)
		}
	}
	return c, t, true, typeOK
}
