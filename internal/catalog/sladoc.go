package catalog

import (
	"fmt"
	"slices"
	"strings"
)

// SLADoc is a service's agreement on the national nine-section SLA template,
// as plain data for an HTML template: no markup, text already in one language.
type SLADoc struct {
	// Lang is "fa" or "en"; Dir is "rtl" or "ltr" to match.
	Lang     string
	Dir      string
	Title    string
	Version  int
	Sections []Section
}

// Section is one numbered section of the agreement.
type Section struct {
	Number     int
	Title      string
	Paragraphs []string
	// Groups are titled lists, such as the obligations of each party.
	Groups []Group
	// Table is nil when the section has none.
	Table *Table
}

// Group is a titled list within a section.
type Group struct {
	Title string
	Items []ListItem
}

// ListItem is one entry of a group; ID is empty for unnumbered entries.
type ListItem struct {
	ID   string
	Text string
}

// Table is a table with one header row; every row has as many cells.
type Table struct {
	Headers []string
	Rows    [][]string
}

// SLADocument renders the service's agreement in lang ("fa" or "en"; any
// other value gives Persian), section by section as in the seeds.
func (s *Service) SLADocument(lang string) SLADoc { return s.SLADocumentMarked(lang, false) }

// SLADocumentMarked is SLADocument that, when markExamples is set (demo mode), puts
// "(example)" after each figure nobody has confirmed (provenance.go, issue 14).
func (s *Service) SLADocumentMarked(lang string, markExamples bool) SLADoc {
	if lang != "en" {
		lang = "fa"
	}
	p := phrasesFor(lang)
	p.mark = func(path string) string {
		if markExamples && s.IsExample(path) {
			return ExampleMark(lang)
		}
		return ""
	}
	doc := SLADoc{Lang: lang, Dir: p.dir, Title: fmt.Sprintf(p.title, s.Name.In(lang)), Version: s.Version}
	doc.Sections = []Section{
		{Title: p.intro, Paragraphs: []string{fmt.Sprintf(p.introText, s.Parties.Organization.In(lang), s.Parties.Applicant.In(lang))}},
		{Title: p.description, Paragraphs: []string{fmt.Sprintf(p.goalText, s.Name.In(lang))}, Table: s.identityCard(p)},
		{Title: p.legal, Paragraphs: texts(s.Laws, lang)},
		{Title: p.obligations, Groups: s.obligationGroups(p)},
		{Title: p.data, Paragraphs: []string{p.dataText}, Table: s.dataTable(p)},
		{Title: p.fees, Paragraphs: s.feeText(p)},
		{Title: p.disputes, Paragraphs: []string{p.disputeText, fmt.Sprintf(p.disputeTimes,
			p.duration(s.Complaints.NegotiationResponseTime)+p.mark("complaints.negotiation_response_time"),
			p.number(s.Complaints.Quorum)+p.mark("complaints.quorum"),
			p.duration(s.Complaints.DecisionTime)+p.mark("complaints.decision_time"))}},
		{Title: p.period, Paragraphs: []string{
			fmt.Sprintf(p.periodText, p.date(s.Validity.From)+p.mark("validity.from"), p.date(s.Validity.To)+p.mark("validity.to")),
			fmt.Sprintf(p.versionText, p.number(s.Version), p.date(s.EffectiveFrom)),
			p.renewText,
		}},
		{Title: p.end, Paragraphs: []string{p.endText}, Table: &Table{
			Headers: []string{p.party, p.signatory, p.signature},
			Rows:    [][]string{{p.organization, "", ""}, {p.applicant, "", ""}},
		}},
	}
	for i := range doc.Sections {
		doc.Sections[i].Number = i + 1
	}
	return doc
}

func texts(ts []Text, lang string) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.In(lang)
	}
	return out
}

// identityCard is the service identity card (شناسنامه خدمت) of section 2.
func (s *Service) identityCard(p phrases) *Table {
	l := p.lang
	row := func(k, v string) []string { return []string{k, v} }
	t := &Table{Headers: []string{p.field, p.value}}
	types := make([]string, len(s.ApplicantTypes))
	for i, a := range s.ApplicantTypes {
		types[i] = p.applicantTypes[a]
		// A type that only some kinds of request accept says which (issue 14: CERT
		// serves agencies and companies; the public only reports vulnerabilities).
		var only []string
		for _, k := range s.CaseKinds {
			if len(k.ApplicantTypes) == 0 || slices.Contains(k.ApplicantTypes, a) {
				only = append(only, k.Name.In(l))
			}
		}
		if len(only) < len(s.CaseKinds) {
			types[i] += " " + fmt.Sprintf(p.onlyFor, strings.Join(only, p.sep))
		}
	}
	t.Rows = append(t.Rows,
		row(p.serviceID, p.digits(s.NationalServiceID)+p.mark("national_service_id")),
		row(p.serviceName, s.Name.In(l)),
		row(p.serviceType, s.Type),
		row(p.unit, s.ResponsibleUnit.In(l)),
		row(p.applicants, strings.Join(types, p.sep)),
		row(p.hours, s.ServiceHours.In(l)),
		row(p.average, p.duration(s.DeliveryTime.Average)+p.mark("delivery_time.average")),
		row(p.maximum, p.duration(s.DeliveryTime.Maximum)+p.mark("delivery_time.maximum")),
		row(p.visits, p.number(s.MaxVisits)+p.mark("max_visits")),
		row(p.questions, p.duration(s.QuestionResponseTime)+p.mark("question_response_time")),
	)
	for _, ch := range s.Channels {
		t.Rows = append(t.Rows, row(p.channel, ch.Name.In(l)+": "+ch.Value))
	}
	for _, k := range s.CaseKinds {
		t.Rows = append(t.Rows, row(p.kind, fmt.Sprintf(p.kindText, k.Name.In(l),
			p.duration(k.DeliveryTime.Maximum)+p.mark("case_kinds."+k.ID+".delivery_time.maximum"))))
		for _, d := range s.DocumentsFor(k.ID, "") {
			name := d.Name.In(l)
			if d.Required == RequiredConditional {
				name += " (" + d.Condition.In(l) + ")"
			}
			t.Rows = append(t.Rows, row(p.document, name))
		}
	}
	return t
}

func (s *Service) obligationGroups(p phrases) []Group {
	org := Group{Title: fmt.Sprintf(p.orgDuties, s.Name.In(p.lang))}
	app := Group{Title: fmt.Sprintf(p.applicantDuties, s.Name.In(p.lang))}
	for _, o := range s.Obligations {
		item := ListItem{ID: o.ID, Text: o.Text.In(p.lang)}
		if o.Party == PartyApplicant {
			app.Items = append(app.Items, item)
		} else {
			org.Items = append(org.Items, item)
		}
	}
	return []Group{org, app}
}

func (s *Service) dataTable(p phrases) *Table {
	t := &Table{Headers: p.dataHeaders}
	for _, d := range s.DataClasses {
		t.Rows = append(t.Rows, []string{
			d.ID, d.Name.In(p.lang), d.Provider.In(p.lang), d.Receiver.In(p.lang),
			p.storage[d.Storage], p.yesNo[fmt.Sprint(d.Analytics)], p.public[d.Public], p.level[d.Level],
		})
	}
	return t
}

func (s *Service) feeText(p phrases) []string {
	var out []string
	switch s.Fee.Basis {
	case FeeFree:
		out = append(out, p.free)
	case FeeFixed:
		out = append(out, fmt.Sprintf(p.fixed, p.digits(groupThousands(s.Fee.Amount, p.thousands))))
	}
	if note := s.Fee.Note.In(p.lang); note != "" && (s.Fee.Basis != FeeFree || note != p.free) {
		out = append(out, note)
	}
	for _, t := range s.Tariffs {
		if t.Basis == FeeFixed {
			out = append(out, fmt.Sprintf(p.tariff, t.Name.In(p.lang), p.digits(groupThousands(t.Amount, p.thousands))))
		} else {
			out = append(out, fmt.Sprintf(p.tariffAgreed, t.Name.In(p.lang)))
		}
	}
	return out
}

// groupThousands writes n with a separator every three digits.
func groupThousands(n int64, sep string) string {
	s := fmt.Sprint(n)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(r)
	}
	return b.String()
}
