package catalog

import (
	"fmt"
	"regexp"
	"slices"
)

var (
	serviceIDPattern    = regexp.MustCompile(`^[a-z][a-z0-9_-]*$`)
	localIDPattern      = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
	digitsPattern       = regexp.MustCompile(`^[0-9]+$`)
	obligationIDPattern = regexp.MustCompile(`^[CZMA]-4\.\d+$`)
	dataClassIDPattern  = regexp.MustCompile(`^D-\d+$`)
)

// requiredFields lists the top-level fields every service file must spell
// out; the JSON Schema's top-level "required" is tested against it.
func requiredFields() []string {
	return []string{
		"id", "version", "effective_from", "national_service_id", "name", "type",
		"responsible_unit", "service_hours", "delivery_time", "max_visits", "fee",
		"laws", "channels", "parties", "applicant_types", "question_response_time",
		"complaints", "obligations", "data_classes", "validity", "documents", "case_kinds",
	}
}

// validateService checks every rule of FORMAT.md that the YAML shapes alone
// cannot express.
func validateService(c *checker, s *Service) {
	for _, f := range requiredFields() {
		need(c, f)
	}
	if c.has("id") && !serviceIDPattern.MatchString(s.ID) {
		c.at("id", "want lower-case letters, digits, - or _, got %q", s.ID)
	}
	if c.has("version") && s.Version < 1 {
		c.at("version", "want a version of 1 or more, got %d", s.Version)
	}
	if s.Module != "" && !localIDPattern.MatchString(s.Module) {
		c.at("module", "want a Go package name such as certify, got %q", s.Module)
	}
	if c.has("national_service_id") && !digitsPattern.MatchString(s.NationalServiceID) {
		c.at("national_service_id", "want ASCII digits, got %q", s.NationalServiceID)
	}
	checkText(c, "name", s.Name, true)
	oneOf(c, "type", s.Type, TypeG2C, TypeG2B, TypeG2G)
	checkText(c, "responsible_unit", s.ResponsibleUnit, true)
	checkText(c, "service_hours", s.ServiceHours, true)
	checkDelivery(c, "delivery_time", s.DeliveryTime)
	if s.MaxVisits < 0 {
		c.at("max_visits", "want 0 or more in-person visits, got %d", s.MaxVisits)
	}
	checkFee(c, s.Fee)
	checkTariffs(c, s)
	nonEmpty(c, "laws", len(s.Laws))
	for i, l := range s.Laws {
		checkText(c, index("laws", i), l, true)
	}
	checkChannels(c, s.Channels)
	checkText(c, "parties.organization", s.Parties.Organization, true)
	checkText(c, "parties.applicant", s.Parties.Applicant, true)
	checkApplicantTypes(c, "applicant_types", s.ApplicantTypes, nil)
	nonEmpty(c, "applicant_types", len(s.ApplicantTypes))
	checkDuration(c, "question_response_time", s.QuestionResponseTime)
	checkDuration(c, "complaints.negotiation_response_time", s.Complaints.NegotiationResponseTime)
	checkDuration(c, "complaints.decision_time", s.Complaints.DecisionTime)
	if need(c, "complaints.quorum") && s.Complaints.Quorum < 1 {
		c.at("complaints.quorum", "want a committee quorum of 1 or more, got %d", s.Complaints.Quorum)
	}
	checkPolicy(c, "sla", s.SLA)
	checkObligations(c, s.Obligations)
	checkDataClasses(c, s.DataClasses)
	checkValidity(c, s)
	checkProvenance(c, s)
	checkDocuments(c, s)
	checkSettings(c, s.ModuleConfig.Settings)
	nonEmpty(c, "case_kinds", len(s.CaseKinds))
	seen := map[string]bool{}
	for i := range s.CaseKinds {
		checkKind(c, index("case_kinds", i), s, &s.CaseKinds[i], seen)
	}
	checkModuleConfig(c, s.ModuleConfig)
}

// need reports a missing field at its parent's line; it returns whether the
// field is there.
func need(c *checker, path string) bool {
	if c.has(path) {
		return true
	}
	parent, field := path, path
	for i := len(path) - 1; i >= 0; i-- {
		if path[i] == '.' {
			parent, field = path[:i], path[i+1:]
			break
		}
		if i == 0 {
			parent = ""
		}
	}
	c.at(parent, "missing required field %q", field)
	return false
}

func index(path string, i int) string { return fmt.Sprintf("%s[%d]", path, i) }

func nonEmpty(c *checker, path string, n int) {
	if c.has(path) && n == 0 {
		c.at(path, "want at least one entry")
	}
}

// oneOf checks a required enumerated value.
func oneOf(c *checker, path, v string, allowed ...string) {
	if need(c, path) {
		oneOfOptional(c, path, v, allowed...)
	}
}

// oneOfOptional checks an enumerated value that may be left out.
func oneOfOptional(c *checker, path, v string, allowed ...string) {
	if (c.has(path) || v != "") && !slices.Contains(allowed, v) {
		c.at(path, "want one of %v, got %q", allowed, v)
	}
}

// checkText makes sure a phrase has both Persian and English.
func checkText(c *checker, path string, t Text, required bool) {
	if !required && !c.has(path) {
		return
	}
	if !need(c, path) {
		return
	}
	if t.FA == "" {
		c.at(path, "missing the Persian text (fa)")
	}
	if t.EN == "" {
		c.at(path, "missing the English text (en)")
	}
}

func checkDuration(c *checker, path string, d Duration) {
	if !need(c, path) {
		return
	}
	if d.Amount <= 0 {
		c.at(path+".amount", "want a positive amount, got %d", d.Amount)
	}
	oneOf(c, path+".unit", d.Unit, UnitBusinessDays, UnitBusinessHours, UnitHours, UnitMinutes)
}

func checkDelivery(c *checker, path string, d Delivery) {
	if !need(c, path) {
		return
	}
	checkDuration(c, path+".average", d.Average)
	checkDuration(c, path+".maximum", d.Maximum)
	if d.Average.Unit == d.Maximum.Unit && d.Average.Amount > d.Maximum.Amount {
		c.at(path+".average", "the average %d exceeds the maximum %d", d.Average.Amount, d.Maximum.Amount)
	}
}

func checkFee(c *checker, f Fee) {
	oneOf(c, "fee.basis", f.Basis, FeeFree, FeeFixed, FeeAgreement)
	switch {
	case f.Amount < 0:
		c.at("fee.amount", "want 0 or more rials, got %d", f.Amount)
	case f.Basis == FeeFixed && f.Amount == 0:
		c.at("fee.amount", "a fixed fee needs a positive amount in rials")
	case f.Basis != FeeFixed && f.Amount != 0:
		c.at("fee.amount", "only a fixed fee has an amount; basis is %q", f.Basis)
	}
	checkText(c, "fee.note", f.Note, f.Basis == FeeAgreement)
}

func checkChannels(c *checker, chs []Channel) {
	nonEmpty(c, "channels", len(chs))
	for i, ch := range chs {
		p := index("channels", i)
		oneOf(c, p+".kind", ch.Kind, "web", "api", "phone", "email")
		if need(c, p+".value") && ch.Value == "" {
			c.at(p+".value", "want the address or number")
		}
		checkText(c, p+".name", ch.Name, true)
	}
}

// checkApplicantTypes checks a list of applicant types; within, when not
// nil, is the service's list that the entries must come from.
func checkApplicantTypes(c *checker, path string, types, within []string) {
	seen := map[string]bool{}
	for i, t := range types {
		p := index(path, i)
		switch {
		case !slices.Contains([]string{ApplicantPerson, ApplicantOrg, ApplicantGovernment}, t):
			c.at(p, "want one of [person org government], got %q", t)
		case seen[t]:
			c.at(p, "applicant type %q listed twice", t)
		case within != nil && !slices.Contains(within, t):
			c.at(p, "the service does not accept applicant type %q", t)
		}
		seen[t] = true
	}
}

func checkPolicy(c *checker, path string, p SLAPolicy) {
	oneOfOptional(c, path+".on_resubmit", p.OnResubmit, ResubmitResume, ResubmitRestart)
	for i, w := range p.Warnings {
		if w <= 0 || w >= 1 {
			c.at(index(path+".warnings", i), "want a fraction between 0 and 1, got %v", w)
		}
		if i > 0 && w <= p.Warnings[i-1] {
			c.at(index(path+".warnings", i), "warnings must ascend: %v follows %v", w, p.Warnings[i-1])
		}
	}
}

func checkValidity(c *checker, s *Service) {
	need(c, "validity.from")
	need(c, "validity.to")
	if s.Validity.To.Before(s.Validity.From) {
		c.at("validity.to", "the period ends (%s) before it starts (%s)", s.Validity.To, s.Validity.From)
	}
	if !s.Validity.To.IsZero() && s.Validity.To.Before(s.EffectiveFrom) {
		c.at("effective_from", "version takes effect (%s) after the SLA period ends (%s)", s.EffectiveFrom, s.Validity.To)
	}
}

func checkModuleConfig(c *checker, m ModuleConfig) {
	for name, p := range m.Periods {
		path := "module_config.periods." + name
		if p.Amount <= 0 {
			c.at(path+".amount", "want a positive amount, got %d", p.Amount)
		}
		oneOf(c, path+".unit", p.Unit, "years", "months", "days")
	}
	for name, items := range m.Lists {
		path := "module_config.lists." + name
		seen := map[string]bool{}
		for i, it := range items {
			p := index(path, i)
			uniqueID(c, p+".id", it.ID, seen)
			checkText(c, p+".name", it.Name, true)
		}
	}
}

// uniqueID checks that a required ID is there and not taken yet.
func uniqueID(c *checker, path, id string, seen map[string]bool) {
	if !need(c, path) {
		return
	}
	if id == "" {
		c.at(path, "want a non-empty id")
		return
	}
	if seen[id] {
		c.at(path, "id %q used twice", id)
	}
	seen[id] = true
}
