package keys

import (
	"errors"
	"strings"
	"testing"
)

func TestSplitCredential(t *testing.T) {
	var c struct {
		Number string `json:"number"`
	}
	jws, shown, err := SplitCredential([]byte("  a.b.c\n"), &c)
	if err != nil || shown || jws != "a.b.c" {
		t.Fatalf("compact: %q %v %v", jws, shown, err)
	}
	jws, shown, err = SplitCredential([]byte(`{"number":"N-1","credential":"x.y.z"}`), &c)
	if err != nil || !shown || jws != "x.y.z" || c.Number != "N-1" {
		t.Fatalf("json: %q %v %v %+v", jws, shown, err, c)
	}
	for in, want := range map[string]string{
		"   ":              "empty credential file",
		`{"number":"N-1"}`: "unsigned JSON proves nothing",
		`{"number":1}`:     "cannot be read",
		`{"credential":7}`: "cannot be read",
	} {
		if _, _, err := SplitCredential([]byte(in), &c); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want %q", in, err, want)
		}
	}
}

func TestCompareClaimsNamesFirstDifference(t *testing.T) {
	if err := CompareClaims(Claim{"a", "1", "1"}, Claim{"b", "2", "2"}); err != nil {
		t.Fatal(err)
	}
	err := CompareClaims(Claim{"a", "1", "1"}, Claim{"b", "x", "2"}, Claim{"c", "y", "3"})
	if err == nil || err.Error() != `the JSON's b ("x") differs from the signed credential ("2"): it was altered` {
		t.Fatalf("got %v", err)
	}
}

func TestVerifyCredentialSaysWhy(t *testing.T) {
	_, _, err := VerifyCredential("not-a-jws", []byte(`{"keys":[]}`))
	if err == nil || !strings.HasPrefix(err.Error(), "the credential cannot be read: ") || !errors.Is(err, ErrMalformed) {
		t.Fatalf("got %v", err)
	}
}
