package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestValidateNationalCode(t *testing.T) {
	t.Parallel()
	in := "0499370899\n۰۴۹۹۳۷۰۸۹۹\n0499370898\n\n12345\n1111111111\n04993a0899\n"
	want := strings.Join([]string{
		"valid",
		"valid",
		"invalid: the national code is not valid; please check it for a typing mistake",
		"error: empty line",
		"invalid: the national code must have 10 digits",
		"invalid: the national code cannot be one digit repeated",
		"invalid: the national code may contain digits only",
	}, "\n") + "\n"
	code, out, _ := runValidateWith(t, in, "national-code")
	if out != want || code != 1 {
		t.Errorf("code %d, stdout:\n%s\nwant:\n%s", code, out, want)
	}
}

func TestValidateLegalIDAndMobile(t *testing.T) {
	t.Parallel()
	code, out, _ := runValidateWith(t, "10100561010\n10100561011\n", "legal-id")
	if want := "valid\ninvalid: the national ID is not valid; please check it for a typing mistake\n"; out != want || code != 1 {
		t.Errorf("legal-id: code %d, stdout %q", code, out)
	}
	code, out, _ = runValidateWith(t, "+98 912 123 4567\n09121234567\n02112345678\n", "mobile")
	if want := "valid\nvalid\ninvalid: the mobile number must be an Iranian mobile number starting with 09\n"; out != want || code != 1 {
		t.Errorf("mobile: code %d, stdout %q", code, out)
	}
	code, out, _ = runValidateWith(t, "09121234567\n", "mobile")
	if code != 0 || out != "valid\n" {
		t.Errorf("all valid: code %d, stdout %q", code, out)
	}
}

func TestValidateUsage(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{nil, {"passport"}, {"mobile", "extra"}} {
		code, out, errOut := runValidateWith(t, "09121234567\n", args...)
		if code != 2 || out != "" || !strings.HasPrefix(errOut, "usage: miz validate") {
			t.Errorf("args %q: code %d, stdout %q, stderr %q", args, code, out, errOut)
		}
	}
}

func TestValidateLongLineFailsCleanly(t *testing.T) {
	t.Parallel()
	code, _, errOut := runValidateWith(t, strings.Repeat("9", 2<<20)+"\n", "mobile")
	if code != 1 || !strings.Contains(errOut, "read stdin") {
		t.Errorf("code %d, stderr %q", code, errOut)
	}
}

func runValidateWith(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = runValidate(args, strings.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}
