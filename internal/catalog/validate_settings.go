package catalog

import "sort"

// checkSettings checks the module settings whose names say their kind, so a
// module never starts with a limit it cannot read: *_size is a size (50MB), and
// *_public a yes/no written true or false.
func checkSettings(c *checker, settings map[string]string) {
	keys := make([]string, 0, len(settings))
	for k := range settings {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := settings[k]
		switch {
		case hasSuffix(k, "_size"):
			if _, err := ParseByteSize(v); err != nil {
				c.at("module_config.settings."+k, "want a positive size such as 50MB, got %q", v)
			}
		case hasSuffix(k, "_public"):
			if v != "true" && v != "false" {
				c.at("module_config.settings."+k, "want true or false, got %q", v)
			}
		}
	}
}

func hasSuffix(s, suffix string) bool {
	return len(s) >= len(suffix) && s[len(s)-len(suffix):] == suffix
}
