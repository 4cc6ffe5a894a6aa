package catalog

import (
	"errors"
	"strings"
	"testing"
)

// A hostile or broken file is answered with a bounded report: too many entries are
// refused before decoding, and no file yields more than maxProblems problems (+1 line
// saying so).
func TestHostileFilesGetBoundedReports(t *testing.T) {
	cases := map[string]struct {
		in   string
		want string
	}{
		"many keys": {strings.Repeat("k: v\n", 100000), "more than 50000 YAML entries"},
		"many unknowns": {func() string {
			var b strings.Builder
			for i := 0; i < 5000; i++ {
				b.WriteString("k" + strings.Repeat("x", i%50) + string(rune('a'+i%26)) + ": v\n")
			}
			return b.String()
		}(), ""},
		"deep flow":      {strings.Repeat("[", 5000), ""},
		"too large file": {"id: " + strings.Repeat("x", maxFileSize), "larger than"},
	}
	for name, tc := range cases {
		_, err := Parse("x.yaml", []byte(tc.in))
		var ve *ValidationError
		if !errors.As(err, &ve) {
			t.Fatalf("%s: %v", name, err)
		}
		if len(ve.Problems) > maxProblems+1 {
			t.Errorf("%s: %d problems, want at most %d", name, len(ve.Problems), maxProblems+1)
		}
		if tc.want != "" && !strings.Contains(ve.Error(), tc.want) {
			t.Errorf("%s: %q does not say %q", name, ve.Problems[0].Message, tc.want)
		}
	}
}
