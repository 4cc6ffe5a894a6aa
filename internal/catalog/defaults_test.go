package catalog

import (
	"slices"
	"testing"
)

func TestDefaultsValidateWithTheirObligationsAndData(t *testing.T) {
	svcs, err := Defaults()
	if err != nil {
		t.Fatalf("Defaults: %v", err)
	}
	common := []string{"C-4.1", "C-4.2", "C-4.3", "C-4.4", "C-4.5", "C-4.6", "C-4.7", "C-4.8", "C-4.9", "A-4.1", "A-4.2", "A-4.3", "A-4.4"}
	tests := []struct {
		id, module  string
		obligations []string
		data        []string
		kinds       []string
	}{
		{"certify", "certify", append(slices.Clone(common), "Z-4.1"), []string{"D-1", "D-2"}, []string{"application"}},
		{"cert", "cert", append(slices.Clone(common), "M-4.1", "M-4.2", "M-4.3", "M-4.4", "A-4.5", "A-4.6", "A-4.7"),
			[]string{"D-1", "D-3"}, []string{"incident", "vulnerability", "dispatch", "course"}},
	}
	if len(svcs) != len(tests) {
		t.Fatalf("Defaults returned %d services, want %d", len(svcs), len(tests))
	}
	for i, tt := range tests {
		s := svcs[i]
		if s.ID != tt.id || s.Module != tt.module || s.Version != 1 {
			t.Errorf("service %d = %s/%s v%d, want %s/%s v1", i, s.ID, s.Module, s.Version, tt.id, tt.module)
		}
		var obs, data, kinds []string
		for _, o := range s.Obligations {
			obs = append(obs, o.ID)
		}
		for _, d := range s.DataClasses {
			data = append(data, d.ID)
		}
		for _, k := range s.CaseKinds {
			kinds = append(kinds, k.ID)
		}
		slices.Sort(obs)
		slices.Sort(tt.obligations)
		if !slices.Equal(obs, tt.obligations) {
			t.Errorf("%s obligations = %v, want %v", s.ID, obs, tt.obligations)
		}
		if !slices.Equal(data, tt.data) {
			t.Errorf("%s data classes = %v, want %v", s.ID, data, tt.data)
		}
		if !slices.Equal(kinds, tt.kinds) {
			t.Errorf("%s case kinds = %v, want %v", s.ID, kinds, tt.kinds)
		}
	}
}

func TestDefaultsCarryTheSeedsFacts(t *testing.T) {
	svcs, err := Defaults()
	if err != nil {
		t.Fatal(err)
	}
	certify, cert := svcs[0], svcs[1]
	// §6: CERTIFY is free, CERT is priced by agreement.
	if certify.Fee.Basis != FeeFree || certify.Fee.Amount != 0 || cert.Fee.Basis != FeeAgreement {
		t.Errorf("fees = %+v, %+v", certify.Fee, cert.Fee)
	}
	// §8: CERTIFY to the end of 1400, CERT to the end of Shahrivar 1400.
	if got := certify.Validity.To.String(); got != "2022-03-20" {
		t.Errorf("certify valid to %s, want 2022-03-20 (1400/12/29)", got)
	}
	if got := cert.Validity.To.String(); got != "2021-09-22" {
		t.Errorf("cert valid to %s, want 2021-09-22 (1400/06/31)", got)
	}
	// D-3 is public only when a warning needs it.
	if d := cert.DataClasses[1]; d.Public != "if_needed" || d.Analytics {
		t.Errorf("D-3 = %+v", d)
	}
	if p := certify.ModuleConfig.Periods["certificate_validity"]; p != (Period{2, "years"}) {
		t.Errorf("certificate validity = %+v", p)
	}
	if len(certify.ModuleConfig.Lists["review_criteria"]) == 0 || len(certify.ModuleConfig.Lists["categories"]) == 0 {
		t.Error("certify lacks review criteria or categories")
	}
}

func TestIncidentsRunAroundTheClock(t *testing.T) {
	svcs, err := Defaults()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		service, kind string
		business      bool
	}{
		{"certify", "application", true},
		{"cert", "incident", false},
		{"cert", "vulnerability", true},
		{"cert", "dispatch", false},
		{"cert", "course", true},
	}
	for _, tt := range tests {
		s := svcs[0]
		if tt.service == "cert" {
			s = svcs[1]
		}
		k, ok := s.Kind(tt.kind)
		if !ok {
			t.Fatalf("%s has no kind %s", tt.service, tt.kind)
		}
		if got := k.DeliveryTime.Maximum.Business(); got != tt.business {
			t.Errorf("%s/%s business clock = %v, want %v", tt.service, tt.kind, got, tt.business)
		}
		// Parse filled in the SLA policy's defaults for every kind.
		if k.SLA.OnResubmit != ResubmitResume || !slices.Equal(k.SLA.Warnings, []float64{0.75, 0.9}) {
			t.Errorf("%s/%s policy = %+v", tt.service, tt.kind, k.SLA)
		}
	}
}

func TestDefaultsReturnFreshCopies(t *testing.T) {
	a, _ := Defaults()
	a[0].Name.EN = "changed"
	b, _ := Defaults()
	if b[0].Name.EN == "changed" {
		t.Error("Defaults shares state between calls")
	}
}
