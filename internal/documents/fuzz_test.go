package documents

import (
	"bytes"
	"context"
	"errors"
	"testing"
)

// FuzzDetect checks that type detection and the hostile-file checks never
// panic and that they either accept content as a known type or reject it
// with a reason. Seeds are the samples the other tests use, plus the tiny
// files under testdata/fuzz/FuzzDetect.
func FuzzDetect(f *testing.F) {
	f.Add(samplePDF(300))
	f.Add(samplePNG(f))
	f.Add(sampleJPEG(f))
	f.Add(sampleDOCX(f))
	f.Add(sampleODT(f))
	f.Add(sampleText())
	f.Add(sampleZIP(f, entry{name: "in.zip", data: sampleZIP(f, entry{name: "a", data: []byte("a")})}))
	f.Add(append(samplePNG(f), sampleZIP(f, entry{name: "a", data: []byte("a")})...))
	limits := Limits{MaxBytes: 1 << 20, Allowed: allTypes(),
		Archive: ArchiveLimits{MaxUncompressed: 4 << 20, MaxEntries: 64, MaxNested: 1 << 20}}
	f.Fuzz(func(t *testing.T, data []byte) {
		ft, err := inspect(context.Background(), bytes.NewReader(data), int64(len(data)), limits)
		var rej *RejectError
		switch {
		case err == nil:
			if _, ok := LookupType(ft.ID); !ok {
				t.Fatalf("accepted as unknown type %q", ft.ID)
			}
		case errors.As(err, &rej):
			_, _ = rej.MessageFa(), rej.MessageEn()
		default:
			t.Fatalf("error that is not a rejection: %v", err)
		}
	})
}
