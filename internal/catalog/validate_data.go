package catalog

import "strings"

// knownFileTypes are the document types the upload checks can recognise by
// content.
func knownFileTypes() []string {
	return []string{"pdf", "png", "jpeg", "zip", "docx", "xlsx", "odt", "txt"}
}

func checkObligations(c *checker, obs []Obligation) {
	nonEmpty(c, "obligations", len(obs))
	seen := map[string]bool{}
	for i, o := range obs {
		p := index("obligations", i)
		uniqueID(c, p+".id", o.ID, seen)
		if o.ID != "" && !obligationIDPattern.MatchString(o.ID) {
			c.at(p+".id", "want an SLA obligation ID such as C-4.1, got %q", o.ID)
		}
		oneOf(c, p+".party", o.Party, PartyOrganization, PartyApplicant)
		// The letter of an ID already says whose duty it is
		// (SLA-REQUIREMENTS.md): A for the applicant, C, Z and M for us.
		if obligationIDPattern.MatchString(o.ID) && o.Party != "" {
			if want := partyOf(o.ID); want != o.Party {
				c.at(p+".party", "obligation %s binds the %s, not the %s", o.ID, want, o.Party)
			}
		}
		checkText(c, p+".text", o.Text, true)
	}
}

func partyOf(obligationID string) string {
	if strings.HasPrefix(obligationID, "A-") {
		return PartyApplicant
	}
	return PartyOrganization
}

func checkDataClasses(c *checker, dcs []DataClass) {
	nonEmpty(c, "data_classes", len(dcs))
	seen := map[string]bool{}
	for i, d := range dcs {
		p := index("data_classes", i)
		uniqueID(c, p+".id", d.ID, seen)
		if d.ID != "" && !dataClassIDPattern.MatchString(d.ID) {
			c.at(p+".id", "want a data class ID such as D-1, got %q", d.ID)
		}
		checkText(c, p+".name", d.Name, true)
		checkText(c, p+".provider", d.Provider, true)
		checkText(c, p+".receiver", d.Receiver, true)
		oneOf(c, p+".storage", d.Storage, "full")
		need(c, p+".analytics")
		oneOf(c, p+".public", d.Public, "yes", "no", "if_needed")
		oneOf(c, p+".level", d.Level, "organization", "public")
	}
}

func checkDocuments(c *checker, s *Service) {
	seen := map[string]bool{}
	for i, d := range s.Documents {
		p := index("documents", i)
		uniqueID(c, p+".id", d.ID, seen)
		if d.ID != "" && !localIDPattern.MatchString(d.ID) {
			c.at(p+".id", "want lower-case letters, digits and _, got %q", d.ID)
		}
		checkText(c, p+".name", d.Name, true)
		if need(c, p+".types") {
			nonEmpty(c, p+".types", len(d.Types))
		}
		types := map[string]bool{}
		for j, t := range d.Types {
			oneOfOptional(c, index(p+".types", j), t, knownFileTypes()...)
			if types[t] {
				c.at(index(p+".types", j), "file type %q listed twice", t)
			}
			types[t] = true
		}
		need(c, p+".max_size")
		oneOf(c, p+".required", d.Required, RequiredAlways, RequiredConditional)
		checkText(c, p+".condition", d.Condition, d.Required == RequiredConditional)
		checkApplicantTypes(c, p+".applicant_types", d.ApplicantTypes, s.ApplicantTypes)
	}
}
