package catalog

import (
	"maps"
	"regexp"
	"slices"
)

// Provenance of published facts (issue 14). The seeds fix a service's obligations but
// not most of its numbers: delivery times, visits, fees, quorum, budgets are set by
// the service owner on the desk. A service file marks each such value in its
// `provenance` map with where it comes from:
//
//   - "§N": quoted from section N of the SLA document;
//   - "owner": set by the service owner and confirmed by them;
//   - "example": a value nobody has confirmed yet (the shipped catalog's invented
//     figures); public pages show it as an example in demo mode, and the editor's
//     publish page lists it.
const (
	SourceOwner   = "owner"
	SourceExample = "example"
)

var sourcePattern = regexp.MustCompile(`^(§[1-9]|owner|example)$`)

// FactPaths lists, in the order a reader meets them, the paths of the service's
// published values that need a provenance: the identity card's figures, the
// complaint times and quorum, the validity period, each kind's delivery times and
// state budgets, and the module's named periods.
func (s *Service) FactPaths() []string {
	paths := []string{
		"national_service_id", "delivery_time.average", "delivery_time.maximum", "max_visits", "fee",
		"question_response_time", "complaints.negotiation_response_time", "complaints.quorum",
		"complaints.decision_time", "validity.from", "validity.to",
	}
	for _, t := range s.Tariffs {
		if t.Basis == FeeFixed {
			paths = append(paths, "tariffs."+t.ID)
		}
	}
	for _, k := range s.CaseKinds {
		paths = append(paths, "case_kinds."+k.ID+".delivery_time.average", "case_kinds."+k.ID+".delivery_time.maximum")
		for _, st := range k.Process.States {
			if st.Budget != nil {
				paths = append(paths, "case_kinds."+k.ID+".states."+st.ID+".budget")
			}
		}
	}
	for _, name := range sortedKeys(s.ModuleConfig.Periods) {
		paths = append(paths, "module_config.periods."+name)
	}
	return paths
}

// SourceOf returns where the value at path comes from: "§N", "owner", "example", or
// "" when the file does not say.
func (s *Service) SourceOf(path string) string { return s.Provenance[path] }

// IsExample reports whether the value at path is one nobody has confirmed: marked
// "example", or not marked at all.
func (s *Service) IsExample(path string) bool {
	src := s.Provenance[path]
	return src == "" || src == SourceExample
}

// Unconfirmed lists the paths of the values nobody has confirmed yet, for the
// editor's publish page.
func (s *Service) Unconfirmed() []string {
	var out []string
	for _, p := range s.FactPaths() {
		if s.IsExample(p) {
			out = append(out, p)
		}
	}
	return out
}

// checkProvenance: a file that has a provenance map marks every fact and nothing
// else, each with a known source.
func checkProvenance(c *checker, s *Service) {
	if !c.has("provenance") {
		return
	}
	known := map[string]bool{}
	for _, p := range s.FactPaths() {
		known[p] = true
		if _, ok := s.Provenance[p]; !ok {
			c.at("provenance", "%s is not marked: want §N (quoted from the SLA), owner or example", p)
		}
	}
	for _, p := range sortedKeys(s.Provenance) {
		switch {
		case !known[p]:
			c.at("provenance."+p, "no published value has this path")
		case !sourcePattern.MatchString(s.Provenance[p]):
			c.at("provenance."+p, "want §N (quoted from the SLA), owner or example, got %q", s.Provenance[p])
		}
	}
}

// ExampleMark is the suffix demo pages put after a value nobody has confirmed.
func ExampleMark(lang string) string {
	if lang == "en" {
		return " (example)"
	}
	return " (نمونه)"
}

// sortedKeys returns m's keys in order, so that problems and paths read the same
// on every run.
func sortedKeys[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}
