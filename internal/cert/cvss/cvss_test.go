package cvss

import (
	"testing"

	"github.com/itoir/miz/internal/problem"
)

// The vectors are examples of the kind FIRST's specification documents and
// calculators show; the scores are the specifications' (and match go-cvss).
var examples = []struct {
	vector   string
	base     float64
	severity string
}{
	{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8, "CRITICAL"},
	{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 10.0, "CRITICAL"},
	{"CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", 6.1, "MEDIUM"},
	{"CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", 7.8, "HIGH"},
	{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", 7.5, "HIGH"},
	{"CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N", 5.9, "MEDIUM"},
	{"CVSS:3.1/AV:P/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N", 0.0, "NONE"},
	{"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 9.3, "CRITICAL"},
	{"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H", 10.0, "CRITICAL"},
	{"CVSS:4.0/AV:L/AC:L/AT:N/PR:L/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 8.5, "HIGH"},
	{"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N", 0.0, "NONE"},
}

func TestScoresMatchTheSpecificationExamples(t *testing.T) {
	for _, ex := range examples {
		s, err := Parse("cvss", ex.vector)
		if err != nil || s.Base != ex.base || s.Severity != ex.severity {
			t.Errorf("%s: %v %s %v; want %v %s", ex.vector, s.Base, s.Severity, err, ex.base, ex.severity)
		}
	}
}

func TestInvalidVectorsAreFieldErrors(t *testing.T) {
	for in, key := range map[string]string{
		"CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H":                    "cert.cvss.invalid",
		"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H":                        "cert.cvss.invalid",
		"CVSS:3.1/AV:N/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H":               "cert.cvss.invalid",
		"CVSS:4.0/AV:N/AC:L":                                              "cert.cvss.invalid",
		"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:Q/SC:N/SI:N/SA:N": "cert.cvss.invalid",
		"CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H":                    "cert.cvss.version",
		"AV:N/AC:L/Au:N/C:P/I:P/A:P":                                      "cert.cvss.version",
		"":                                                                "cert.cvss.version",
	} {
		_, err := Parse("cvss_vector", in)
		pe := problem.As(err)
		if err == nil || pe.Code != problem.Invalid || pe.Field != "cvss_vector" || pe.Key != key || Reason(err) == "" {
			t.Errorf("%q: %v", in, err)
		}
	}
}
