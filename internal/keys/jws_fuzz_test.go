package keys_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/itoir/miz/internal/keys"
)

// FuzzVerifyJWS mutates a genuine credential and its key set as `miz verify` reads
// them: VerifyJWS must never panic, every refusal must wrap one of its three errors,
// and nothing but the genuine payload may ever verify, since the fuzzer holds no
// private key.
func FuzzVerifyJWS(f *testing.F) {
	ring, err := keys.Open(f.TempDir(), fixedClock())
	if err != nil {
		f.Fatal(err)
	}
	payload := []byte(`{"type":["VerifiableCredential","SoftwareAuthenticityCertificate"],"credentialSubject":{"number":"CRT-1405-000001"}}`)
	genuine, err := ring.SignJWS(payload)
	if err != nil {
		f.Fatal(err)
	}
	jwks := ring.JWKS()
	parts := strings.Split(genuine, ".")
	f.Add(genuine, jwks)
	f.Add(parts[0]+"."+parts[1]+".", jwks)
	f.Add(parts[0]+".e30."+parts[2], jwks)
	f.Add("eyJhbGciOiJub25lIn0.e30.", jwks)
	f.Add(genuine, []byte(`{"keys":[{"kty":"OKP","crv":"Ed25519","x":"AAAA"}]}`))
	f.Add(genuine, []byte(`{"keys":null}`))
	f.Add("a.b.c.d.e", []byte(`[]`))
	f.Fuzz(func(t *testing.T, compact string, set []byte) {
		got, _, err := keys.VerifyJWS(compact, set)
		if err != nil {
			if !errors.Is(err, keys.ErrMalformed) && !errors.Is(err, keys.ErrUnknownKey) && !errors.Is(err, keys.ErrBadSignature) {
				t.Fatalf("unclassified refusal: %v", err)
			}
			return
		}
		if !bytes.Equal(got, payload) {
			t.Fatalf("a forged payload verified: %q", got)
		}
	})
}
