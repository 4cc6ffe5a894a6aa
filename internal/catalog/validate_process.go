package catalog

import "slices"

func knownRoles() []string {
	return []string{RoleExpert, RoleSupervisor, RoleSigner, RoleCommittee, RoleEditor, RoleAnalyst, RoleResponder, RoleApplicant}
}

func checkKind(c *checker, path string, s *Service, k *CaseKind, seen map[string]bool) {
	uniqueID(c, path+".id", k.ID, seen)
	if k.ID != "" && !localIDPattern.MatchString(k.ID) {
		c.at(path+".id", "want lower-case letters, digits and _, got %q", k.ID)
	}
	checkText(c, path+".name", k.Name, true)
	checkApplicantTypes(c, path+".applicant_types", k.ApplicantTypes, s.ApplicantTypes)
	if c.has(path + ".delivery_time") {
		checkDelivery(c, path+".delivery_time", k.DeliveryTime)
	}
	checkPolicy(c, path+".sla", k.SLA)
	docs := map[string]bool{}
	for i, id := range k.Documents {
		p := index(path+".documents", i)
		if _, ok := s.Document(id); !ok {
			c.at(p, "no document %q in the service's documents", id)
		}
		if docs[id] {
			c.at(p, "document %q listed twice", id)
		}
		docs[id] = true
	}
	if need(c, path+".process") {
		checkProcess(c, path+".process", &k.Process)
		for i := range k.Process.States {
			checkStatePayment(c, index(path+".process.states", i), s, k, &k.Process.States[i])
		}
	}
	for i, t := range k.Process.Transitions {
		for j, id := range t.Documents {
			if !slices.Contains(k.Documents, id) {
				c.at(index(index(path+".process.transitions", i)+".documents", j), "document %q is not among the kind's documents", id)
			}
		}
		if len(t.Documents) > 0 && !t.RequiresDocuments {
			c.at(index(path+".process.transitions", i)+".documents", "documents are listed but requires_documents is false")
		}
	}
}

func checkProcess(c *checker, path string, p *Process) {
	need(c, path+".states")
	nonEmpty(c, path+".states", len(p.States))
	states := map[string]*State{}
	seen := map[string]bool{}
	for i := range p.States {
		st := &p.States[i]
		sp := index(path+".states", i)
		uniqueID(c, sp+".id", st.ID, seen)
		states[st.ID] = st
		checkText(c, sp+".name", st.Name, true)
		checkState(c, sp, st)
	}
	if need(c, path+".initial") && states[p.Initial] == nil {
		c.at(path+".initial", "no state %q", p.Initial)
	}

	out := map[string][]string{}
	broken := false // a transition to or from nowhere makes graph checks noise
	seen = map[string]bool{}
	for i, t := range p.Transitions {
		tp := index(path+".transitions", i)
		uniqueID(c, tp+".id", t.ID, seen)
		checkText(c, tp+".name", t.Name, true)
		from, to := states[t.From], states[t.To]
		if need(c, tp+".from") && from == nil {
			c.at(tp+".from", "no state %q", t.From)
		}
		if need(c, tp+".to") && to == nil {
			c.at(tp+".to", "no state %q", t.To)
		}
		broken = broken || from == nil || to == nil
		oneOf(c, tp+".role", t.Role, knownRoles()...)
		if from != nil && from.Terminal {
			c.at(tp+".from", "state %q is terminal; nothing may leave it", t.From)
		} else if from != nil && t.Role != "" && !slices.Contains(from.Roles, t.Role) {
			c.at(tp+".role", "role %q may not act in state %q (roles: %v)", t.Role, t.From, from.Roles)
		}
		if from != nil && to != nil {
			out[t.From] = append(out[t.From], t.To)
		}
	}
	if states[p.Initial] != nil && !broken {
		checkGraph(c, path, p, out)
	}
}

func checkState(c *checker, sp string, st *State) {
	oneOf(c, sp+".holder", st.Holder, HolderOrganization, HolderApplicant, HolderNone)
	switch {
	case st.Terminal && st.Holder != HolderNone && st.Holder != "":
		c.at(sp+".holder", "a terminal state is held by no one; want holder none")
	case !st.Terminal && st.Holder == HolderNone:
		c.at(sp+".terminal", "a state held by no one must be terminal")
	}
	if st.Pause != "" {
		if st.Holder != HolderApplicant {
			c.at(sp+".pause", "only a state the applicant holds pauses the clock")
		}
		oneOfOptional(c, sp+".pause", st.Pause, PauseDraft, PauseIncomplete, PauseInformation, PausePayment, PauseConsent)
	}
	rs := map[string]bool{}
	for j, r := range st.Roles {
		oneOfOptional(c, index(sp+".roles", j), r, knownRoles()...)
		if rs[r] {
			c.at(index(sp+".roles", j), "role %q listed twice", r)
		}
		rs[r] = true
	}
	if !st.Terminal && len(st.Roles) == 0 {
		c.at(sp, "state %q needs the roles that may act in it", st.ID)
	}
	if st.Budget != nil {
		checkDuration(c, sp+".budget", *st.Budget)
	}
}

// checkGraph runs once every transition links known states: every state can
// be reached, none but the terminal ones is a dead end, a case can finish,
// and the organization holds it somewhere, or the clock would never start.
func checkGraph(c *checker, path string, p *Process, out map[string][]string) {
	reached := map[string]bool{p.Initial: true}
	queue := []string{p.Initial}
	for len(queue) > 0 {
		id := queue[0]
		queue = queue[1:]
		for _, to := range out[id] {
			if !reached[to] {
				reached[to] = true
				queue = append(queue, to)
			}
		}
	}
	finishes, clocked := false, false
	for i, st := range p.States {
		sp := index(path+".states", i)
		if !reached[st.ID] {
			c.at(sp, "state %q cannot be reached from %q", st.ID, p.Initial)
		}
		if !st.Terminal && len(out[st.ID]) == 0 {
			c.at(sp, "state %q is not terminal but has no way out", st.ID)
		}
		finishes = finishes || (st.Terminal && reached[st.ID])
		clocked = clocked || st.Holder == HolderOrganization
	}
	if !finishes {
		c.at(path+".initial", "no terminal state can be reached from %q", p.Initial)
	}
	if !clocked {
		c.at(path+".states", "no state is held by the organization, so the SLA clock never runs")
	}
}
