package catalog

import (
	"strings"
	"testing"
)

// withPayment adds a tariff and a payment step to the minimal service.
func withPayment(t *testing.T) string {
	t.Helper()
	src := edit(t, minimal(t), "laws:\n", `tariffs:
  - {id: seat, name: {fa: صندلی, en: Seat}, basis: fixed, amount: 2500000}
  - {id: agreed, name: {fa: توافقی, en: Agreed}, basis: agreement}
laws:
`)
	src = edit(t, src, "        - {id: done,", `        - {id: unpaid, name: {fa: پرداخت, en: Pay}, holder: applicant, pause: payment, roles: [applicant], payment: {item: seat, on_paid: paid}}
        - {id: done,`)
	return edit(t, src, "        - {id: finish, from: review, to: done,", `        - {id: bill, from: review, to: unpaid, role: expert, name: {fa: صورتحساب, en: Bill}}
        - {id: paid, from: unpaid, to: review, role: applicant, name: {fa: پرداخت, en: Pay}}
        - {id: finish, from: review, to: done,`)
}

func TestTariffsAreCatalogDataOfTheService_Section6(t *testing.T) {
	s, err := Parse("s.yaml", []byte(withPayment(t)))
	if err != nil {
		t.Fatal(err)
	}
	seat, ok := s.Tariff("seat")
	if !ok || seat.Amount != 2500000 || seat.Basis != FeeFixed {
		t.Errorf("seat = %+v", seat)
	}
	k, _ := s.Kind("request")
	st, _ := k.State("unpaid")
	if st.Payment == nil || st.Payment.Item != "seat" || st.Payment.OnPaid != "paid" {
		t.Errorf("payment step = %+v", st.Payment)
	}
	if _, ok := s.Tariff("nothing"); ok {
		t.Error("unknown tariff found")
	}
}

func TestTariffProblemsAreNamed(t *testing.T) {
	tests := []struct{ name, old, new, want string }{
		{"free service with tariffs", "fee: {basis: fixed, amount: 1000000}", "fee: {basis: free}", "basis is free"},
		{"fixed without amount", "basis: fixed, amount: 2500000}", "basis: fixed}", "fixed price needs a positive amount"},
		{"agreed with amount", "basis: agreement}", "basis: agreement, amount: 5}", "agreed price has no amount"},
		{"unknown item", "payment: {item: seat,", "payment: {item: sofa,", `no tariff item "sofa"`},
		{"on_paid does not leave", "on_paid: paid}", "on_paid: finish}", `want a transition leaving "unpaid"`},
		{"payment on an organization state", "holder: applicant, pause: payment, roles: [applicant], payment:", "holder: organization, roles: [expert], payment:", "only a state the applicant holds"},
		{"duplicate id", "{id: agreed,", "{id: seat,", "seat"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ps := problems(t, edit(t, withPayment(t), tt.old, tt.new))
			var all []string
			for _, p := range ps {
				all = append(all, p.Message)
			}
			if !strings.Contains(strings.Join(all, "\n"), tt.want) {
				t.Errorf("problems %q do not mention %q", all, tt.want)
			}
		})
	}
}

func TestShippedTariffs_Section6(t *testing.T) {
	svcs, err := Defaults()
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range svcs {
		switch s.ID {
		case "certify":
			if !s.IsFree() || len(s.Tariffs) != 0 {
				t.Errorf("CERTIFY is free (§6): fee %+v, tariffs %v", s.Fee, s.Tariffs)
			}
		case "cert":
			if s.IsFree() {
				t.Error("CERT carries fees (§6)")
			}
			for _, id := range []string{"course_fee", "whitehat_entry"} {
				if _, ok := s.Tariff(id); !ok || !s.IsExample("tariffs."+id) {
					t.Errorf("tariff %s missing or not marked an example", id)
				}
			}
			k, _ := s.Kind("course")
			if st, _ := k.State("awaiting_payment"); st.Payment == nil {
				t.Error("the course's awaiting_payment does not wait for a payment")
			}
		}
	}
}
