package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// TestCvssCommandPrintsScoreOrWhy: issue 15 — `miz cvss` reads vectors one a line
// and prints VECTOR<TAB>score<TAB>severity, or VECTOR<TAB>invalid: why.
func TestCvssCommandPrintsScoreOrWhy(t *testing.T) {
	in := "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\n\n# a comment\n" +
		"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N\nCVSS:3.1/AV:N\n"
	var out, errb bytes.Buffer
	code := run(context.Background(), []string{"cvss"}, strings.NewReader(in), &out, &errb)
	want := "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\t9.8\tCRITICAL\n" +
		"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N\t9.3\tCRITICAL\n" +
		"CVSS:3.1/AV:N\tinvalid: base metric AC is not defined\n"
	if out.String() != want || code != 1 {
		t.Fatalf("exit %d\n%s\nwant\n%s", code, out.String(), want)
	}
	out.Reset()
	if code := run(context.Background(), []string{"cvss"}, strings.NewReader("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H\n"), &out, &errb); code != 0 || out.String() != "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H\t10.0\tCRITICAL\n" {
		t.Fatalf("exit %d: %q", code, out.String())
	}
}
