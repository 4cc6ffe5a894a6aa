package catalog

import (
	"errors"
	"testing"
)

func FuzzParse(f *testing.F) {
	for _, name := range []string{"services/certify.yaml", "services/cert.yaml"} {
		data, err := defaultFiles.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Parse("fuzz.yaml", data)
		if err != nil {
			var ve *ValidationError
			if s != nil || !errors.As(err, &ve) || len(ve.Problems) == 0 {
				t.Fatalf("Parse = %v, %T %v", s, err, err)
			}
			return
		}
		// Whatever parses must be usable by the engine and the renderer.
		for _, k := range s.CaseKinds {
			if _, ok := k.State(k.Process.Initial); !ok {
				t.Fatalf("kind %s: initial state missing", k.ID)
			}
			s.DocumentsFor(k.ID, ApplicantPerson)
		}
		s.SLADocument("fa")
		s.SLADocument("en")
	})
}
