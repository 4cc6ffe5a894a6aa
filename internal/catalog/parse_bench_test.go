package catalog

import "testing"

// BenchmarkParseDefaults parses both shipped service files (issue 18: what a start
// spends on the catalog):
//
//	go test -run '^$' -bench ParseDefaults -benchmem ./internal/catalog
func BenchmarkParseDefaults(b *testing.B) {
	srcs, err := DefaultSources()
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		for _, s := range srcs {
			if _, err := Parse(s.Name, s.Data); err != nil {
				b.Fatal(err)
			}
		}
	}
}
