package feed

import (
	"strings"

	"github.com/itoir/miz/internal/cert/triage"
)

// tagRule maps words in a source's tag or report name to an RSIT class and type,
// for Shadowserver reports, which name what they saw but not its RSIT class.
type tagRule struct {
	words       []string
	class, typ  string
	defSeverity string
}

// tagRules are tried in order; the first whose word occurs in the tag wins.
var tagRules = []tagRule{
	{[]string{"compromised", "backdoor", "webshell", "defaced", "defacement"}, "intrusions", "system-compromise", "critical"},
	{[]string{"c2", "cnc", "c&c", "command-and-control"}, "malicious-code", "c2-server", "critical"},
	{[]string{"sinkhole", "botnet", "infected", "drone", "malware", "bot"}, "malicious-code", "infected-system", "high"},
	{[]string{"phish"}, "fraud", "phishing", "high"},
	{[]string{"brute", "ssh-login", "rdp-login"}, "intrusion-attempts", "brute-force", "medium"},
	{[]string{"exploit", "honeypot"}, "intrusion-attempts", "exploit", "medium"},
	{[]string{"amplif", "ddos", "ntp", "ssdp", "chargen", "qotd", "memcached", "open-resolver", "dns-open"}, "vulnerable", "ddos-amplifier", "medium"},
	{[]string{"ssl", "tls", "poodle", "freak", "weak", "crypto"}, "vulnerable", "weak-crypto", "low"},
	{[]string{"cve", "vulnerab", "vuln", "exposed"}, "vulnerable", "vulnerable-system", "high"},
	{[]string{"scan", "open", "accessible", "rdp", "smb", "telnet", "vnc", "elasticsearch", "mongodb", "redis", "ftp", "snmp", "mysql", "mssql", "postgres", "ipp", "cwmp"}, "vulnerable", "potentially-unwanted-accessible", "medium"},
	{[]string{"spam"}, "abusive-content", "spam", "low"},
	{[]string{"scanner", "attack", "ids"}, "information-gathering", "scanner", "low"},
}

// defaultSeverity is the severity of a class when the row gives none.
var defaultSeverity = map[string]string{
	"intrusions": "critical", "malicious-code": "high", "fraud": "high",
	"information-content-security": "high", "availability": "high", "vulnerable": "medium",
	"intrusion-attempts": "medium", "abusive-content": "low", "information-gathering": "low",
	"other": "low", "test": "low",
}

// classifier turns what a row says into an RSIT class, type and severity. It
// remembers what it worked out (rows repeat the same few labels), up to a bound so
// a feed with a new tag on every row cannot grow it without end.
type classifier struct {
	cache map[classKey]classified
}

// classKey is what a classification depends on.
type classKey struct{ class, typ, tag, report, severity string }

type classified struct{ class, typ, severity string }

const classifierCacheMax = 4096

func newClassifier() *classifier { return &classifier{cache: map[classKey]classified{}} }

// classify decides from an explicit class and type (IntelMQ's
// classification.taxonomy and .type), else from the tag and report name, and the
// row's severity, else the class's default.
func (c *classifier) classify(class, typ, tag, report, severity string) classified {
	key := classKey{class, typ, tag, report, severity}
	if r, ok := c.cache[key]; ok {
		return r
	}
	r := classifyUncached(class, typ, tag, report, severity)
	if len(c.cache) < classifierCacheMax {
		c.cache[key] = r
	}
	return r
}

func classifyUncached(class, typ, tag, report, severity string) classified {
	var r classified
	if class != "" {
		cl, ty, classOK, typeOK := triage.ParseClassType(class, typ)
		if classOK {
			r.class = cl
			if typeOK {
				r.typ = ty
			}
		}
	}
	ruleSeverity := ""
	if r.class == "" || r.typ == "" {
		text := strings.ToLower(tag + " " + report)
		for _, rule := range tagRules {
			if containsAny(text, rule.words) {
				if r.class == "" {
					r.class, r.typ, ruleSeverity = rule.class, rule.typ, rule.defSeverity
				} else if r.class == rule.class {
					r.typ = rule.typ
				}
				break
			}
		}
	}
	if r.class == "" {
		r.class, r.typ = "other", "undetermined"
	}
	if r.typ == "" {
		r.typ = firstType(r.class)
	}
	r.severity = normalSeverity(severity)
	if r.severity == "" {
		r.severity = ruleSeverity
	}
	if r.severity == "" {
		r.severity = defaultSeverity[r.class]
	}
	return r
}

func containsAny(s string, words []string) bool {
	for _, w := range words {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

func firstType(class string) string {
	for _, k := range triage.Taxonomy() {
		if k.ID == class && len(k.Types) > 0 {
			if class == "other" {
				return "undetermined"
			}
			return k.Types[len(k.Types)-1]
		}
	}
	return "undetermined"
}

// normalSeverity reads the sources' severities; Shadowserver's "info" is low.
func normalSeverity(s string) string {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "critical":
		return "critical"
	case "high":
		return "high"
	case "medium":
		return "medium"
	case "low", "info", "informational":
		return "low"
	}
	if sv, ok := triage.ParseSeverity(s); ok {
		return string(sv)
	}
	return ""
}
