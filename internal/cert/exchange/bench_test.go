package exchange

import (
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/itoir/miz/internal/cert/incident"
	"github.com/itoir/miz/internal/cert/tlp"
)

func manyIndicators(n int) *Incident {
	in := &Incident{TrackingCode: "BENCH-0001", Reported: time.Date(2026, 4, 4, 6, 30, 0, 0, time.UTC),
		Label: tlp.Green, Clearance: tlp.AmberStrict}
	for i := range n {
		var ind incident.Indicator
		switch i % 4 {
		case 0:
			ind = incident.Indicator{Type: incident.IP, Value: fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255)}
		case 1:
			ind = incident.Indicator{Type: incident.Domain, Value: fmt.Sprintf("host%d.evil.ir", i)}
		case 2:
			ind = incident.Indicator{Type: incident.URL, Value: fmt.Sprintf("http://evil.ir/p/%d", i), TLP: tlp.Amber}
		default:
			ind = incident.Indicator{Type: incident.SHA256, Value: fmt.Sprintf("%064x", i)}
		}
		in.Indicators = append(in.Indicators, ind)
	}
	return in
}

// BenchmarkSTIXExport writes an incident's indicators as a STIX 2.1 bundle; the
// 100-indicator run is the baseline for the 10,000 one (issue 15, docs/BENCHMARKS.md).
func BenchmarkSTIXExport(b *testing.B) {
	for _, n := range []int{100, 10000} {
		in := manyIndicators(n)
		b.Run(fmt.Sprintf("indicators=%d", n), func(b *testing.B) {
			for b.Loop() {
				if err := STIX(io.Discard, in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
