package catalog

import (
	"strings"
	"testing"
)

// TestModuleSettingsNamedSizeOrPublicAreChecked: a module setting named *_size
// must be a size and *_public true or false, so a module never starts with a
// limit it cannot read.
func TestModuleSettingsNamedSizeOrPublicAreChecked(t *testing.T) {
	for settings, want := range map[string]string{
		`{"evidence_file_size": "50MB", "statistics_public": "true"}`: "",
		`{"evidence_file_size": "lots"}`:                              "module_config.settings.evidence_file_size",
		`{"statistics_public": "yes"}`:                                "module_config.settings.statistics_public",
	} {
		c := &checker{}
		m := map[string]string{}
		for _, kv := range strings.Split(strings.Trim(settings, "{}"), ",") {
			k, v, _ := strings.Cut(kv, ":")
			m[strings.Trim(strings.TrimSpace(k), `"`)] = strings.Trim(strings.TrimSpace(v), `"`)
		}
		checkSettings(c, m)
		got := ""
		if len(c.problems) > 0 {
			got, _, _ = strings.Cut(c.problems[0].Message, ":")
		}
		if got != want {
			t.Errorf("%s: %q, want %q", settings, got, want)
		}
	}
}
