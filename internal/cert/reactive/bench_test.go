package reactive

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/itoir/miz/internal/cases"
	"github.com/itoir/miz/internal/store/storetest"
)

// intakeForm is a report with n indicator entries as analysts paste them: defanged
// URLs, domains and addresses, upper-case hashes, and one entry in ten repeated.
func intakeForm(n int) []byte {
	list := make([]string, 0, n)
	for i := range n {
		j := i
		if i%10 == 9 {
			j = i - 1 // a duplicate after normalisation
		}
		switch j % 5 {
		case 0:
			list = append(list, fmt.Sprintf("10.%d.%d[.]%d", j>>16&255, j>>8&255, j&255))
		case 1:
			list = append(list, fmt.Sprintf("host%d.Evil[.]IR", j))
		case 2:
			list = append(list, fmt.Sprintf("hxxp://evil[.]ir/p/%d", j))
		case 3:
			list = append(list, fmt.Sprintf("user%d[@]evil.ir", j))
		default:
			list = append(list, fmt.Sprintf("%064X", j))
		}
	}
	b, _ := json.Marshal(map[string]any{"summary": "bench", "indicators": list})
	return b
}

// BenchmarkIntake reports an incident (open: normalise and de-duplicate; submit:
// store every indicator) on SQLite; 100 indicators is the baseline for 1,000
// (issue 15, docs/BENCHMARKS.md).
func BenchmarkIntake(b *testing.B) {
	for _, n := range []int{100, 1000} {
		b.Run(fmt.Sprintf("indicators=%d", n), func(b *testing.B) {
			d := newDesk(b, storetest.OpenSQLite(b))
			form := intakeForm(n)
			ctx := context.Background()
			for b.Loop() {
				c, err := d.e.Open(ctx, d.reporter, cases.OpenInput{Service: "cert", Kind: KindIncident, Form: form})
				if err != nil {
					b.Fatal(err)
				}
				if _, err := d.e.Submit(ctx, d.reporter, c.TrackingCode); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
