package catalog

// Tariff is one priced item of a service (§6): what an invoice charges for. Tariffs
// are catalog data, so a price changes only with a new version of the service, and
// an invoice keeps the version it was issued under.
type Tariff struct {
	// ID names the item, e.g. "dispatch" or "whitehat_entry"; lower_snake.
	ID   string `yaml:"id"`
	Name Text   `yaml:"name"`
	// Basis is "fixed" (Amount applies) or "agreement" (the amount is agreed per
	// case and given when the invoice is issued).
	Basis string `yaml:"basis"`
	// Amount is the net price in Iranian rials, before VAT; only for "fixed".
	Amount int64 `yaml:"amount"`
	Note   Text  `yaml:"note"`
}

// StatePayment marks a state that waits for the applicant's payment (§6): entering
// it issues an invoice for the tariff item Item (when its amount is fixed), and
// when the case's invoice is paid the engine takes the transition OnPaid for the
// applicant. The state is the applicant's (pause: payment), so the SLA clock
// stops while it waits (C-4.1, SLA-CLOCK rule 1).
type StatePayment struct {
	// Item is the ID of a tariff of the service.
	Item string `yaml:"item"`
	// OnPaid is the ID of a transition leaving the state, taken when paid.
	OnPaid string `yaml:"on_paid"`
}

// Tariff returns the tariff item with the given ID.
func (s *Service) Tariff(id string) (*Tariff, bool) {
	for i := range s.Tariffs {
		if s.Tariffs[i].ID == id {
			return &s.Tariffs[i], true
		}
	}
	return nil, false
}

// IsFree reports whether the service charges nothing (§6: CERTIFY at present).
func (s *Service) IsFree() bool { return s.Fee.Basis == FeeFree }

// checkTariffs: unique lower_snake IDs, both names, a positive amount only for a
// fixed price, and none at all for a free service.
func checkTariffs(c *checker, s *Service) {
	seen := map[string]bool{}
	if s.IsFree() && len(s.Tariffs) > 0 {
		c.at("tariffs", "the service's fee basis is free, so it can have no tariff items")
	}
	for i, t := range s.Tariffs {
		p := index("tariffs", i)
		uniqueID(c, p+".id", t.ID, seen)
		if t.ID != "" && !localIDPattern.MatchString(t.ID) {
			c.at(p+".id", "want lower-case letters, digits and _, got %q", t.ID)
		}
		checkText(c, p+".name", t.Name, true)
		oneOf(c, p+".basis", t.Basis, FeeFixed, FeeAgreement)
		switch {
		case t.Amount < 0:
			c.at(p+".amount", "want 0 or more rials, got %d", t.Amount)
		case t.Basis == FeeFixed && t.Amount == 0:
			c.at(p+".amount", "a fixed price needs a positive amount in rials")
		case t.Basis == FeeAgreement && t.Amount != 0:
			c.at(p+".amount", "an agreed price has no amount in the catalog; it is set per case")
		}
		checkText(c, p+".note", t.Note, false)
	}
}

// checkStatePayment: a payment step is the applicant's pause for payment, names a
// tariff item of the service and a transition that leaves the state.
func checkStatePayment(c *checker, sp string, s *Service, k *CaseKind, st *State) {
	if st.Payment == nil {
		return
	}
	if st.Holder != HolderApplicant || st.Pause != PausePayment {
		c.at(sp+".payment", "only a state the applicant holds with pause: payment waits for a payment")
	}
	if _, ok := s.Tariff(st.Payment.Item); !ok {
		c.at(sp+".payment.item", "no tariff item %q in the service's tariffs", st.Payment.Item)
	}
	t, ok := k.Transition(st.Payment.OnPaid)
	if !ok || t.From != st.ID {
		c.at(sp+".payment.on_paid", "want a transition leaving %q, got %q", st.ID, st.Payment.OnPaid)
	}
}
