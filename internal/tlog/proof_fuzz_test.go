package tlog_test

import (
	"bytes"
	"errors"
	"testing"

	"github.com/itoir/miz/internal/tlog"
)

// FuzzParseProof feeds arbitrary bundles to the proof parser `miz verify` uses: it
// must never panic, every refusal must wrap ErrMalformed, and whatever it accepts
// must survive a round trip through Marshal unchanged.
func FuzzParseProof(f *testing.F) {
	hash := "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
	f.Add([]byte("c2sp.org/tlog-proof@v1\nindex 0\n\nmiz.example/log\n1\n" + hash + "\n\n— miz.example/log AAAA\n"))
	f.Add([]byte("c2sp.org/tlog-proof@v1\nextra aGVsbG8=\nindex 3\n" + hash + "\n" + hash + "\n\ncheckpoint"))
	f.Add([]byte("c2sp.org/tlog-proof@v1\nindex 01\n\n"))
	f.Add([]byte("c2sp.org/tlog-proof@v1\nindex -1\n\n"))
	f.Add([]byte("c2sp.org/tlog-proof@v1\nindex 9223372036854775808\n\n"))
	f.Add([]byte("not a proof"))
	f.Fuzz(func(t *testing.T, bundle []byte) {
		p, err := tlog.ParseProof(bundle)
		if err != nil {
			if !errors.Is(err, tlog.ErrMalformed) {
				t.Fatalf("refusal does not wrap ErrMalformed: %v", err)
			}
			return
		}
		if p.Index < 0 || len(p.Hashes) > 64 {
			t.Fatalf("accepted index %d with %d hashes", p.Index, len(p.Hashes))
		}
		again, err := tlog.ParseProof(p.Marshal())
		if err != nil {
			t.Fatalf("re-parsing the marshalled proof: %v", err)
		}
		if again.Index != p.Index || len(again.Hashes) != len(p.Hashes) || !bytes.Equal(again.Checkpoint, p.Checkpoint) ||
			!bytes.Equal(again.Extra, p.Extra) {
			t.Fatalf("round trip changed the proof: %+v != %+v", again, p)
		}
		// Without the log's key nothing verifies.
		if err := tlog.VerifyProof(bundle, []byte("record")); err == nil {
			t.Fatal("a proof verified with no log key")
		}
	})
}
