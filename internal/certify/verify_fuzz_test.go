package certify

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/itoir/miz/internal/store/storetest"
)

// FuzzVerify mutates what `miz verify` reads from disk (the credential or the
// registry's JSON, and the log proof) around one genuine certificate. Verify must
// never panic, every failure must wrap ErrNotValid, and only the genuine
// certificate may ever verify: the fuzzer holds neither the issuer's nor the log's
// private key.
func FuzzVerify(f *testing.F) {
	db := storetest.OpenSQLite(f)
	r, clk := newTestRegistry(f, db)
	c := issue(f, r, sampleRequest())
	proof, err := r.Proof(context.Background(), c.Number)
	if err != nil {
		f.Fatal(err)
	}
	logKeys, _ := r.LogKeys()
	jwks := r.Keys.JWKS()
	regJSON, _ := json.Marshal(c)
	f.Add([]byte(c.JWS), proof)
	f.Add(regJSON, proof)
	f.Add(regJSON, []byte(nil))
	f.Add([]byte(`{"number":"CRT-1405-000001","credential":""}`), proof)
	f.Add([]byte(`{"credential":"a.b.c"}`), []byte("c2sp.org/tlog-proof@v1\nindex 0\n\n"))
	f.Add([]byte("   "), []byte(nil))
	f.Fuzz(func(t *testing.T, credential, bundle []byte) {
		in := VerifyInput{Credential: credential, JWKS: jwks, Proof: bundle, LogKeys: logKeys, Now: clk.Now()}
		v, err := Verify(in)
		if err != nil {
			if !errors.Is(err, ErrNotValid) {
				t.Fatalf("failure does not wrap ErrNotValid: %v", err)
			}
			return
		}
		if v.Number != c.Number {
			t.Fatalf("a certificate that was never issued verified: %+v", v)
		}
	})
}

// FuzzParseCredential decodes arbitrary payloads as a signed credential would be:
// it must never panic, and what it accepts must encode and decode to the same value.
func FuzzParseCredential(f *testing.F) {
	f.Add([]byte(`{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiableCredential","SoftwareAuthenticityCertificate"],` +
		`"validUntil":"2028-04-04T06:30:00Z","credentialSubject":{"certificateNumber":"CRT-1405-000001"}}`))
	f.Add([]byte(`{"type":"SoftwareAuthenticityCertificate"}`))
	f.Add([]byte(`{"credentialSubject":{"certificateNumber":1}}`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, payload []byte) {
		cr, err := ParseCredential(payload)
		if err != nil {
			return
		}
		b, err := json.Marshal(cr)
		if err != nil {
			t.Fatalf("an accepted credential does not encode: %v", err)
		}
		again, err := ParseCredential(b)
		if err != nil {
			t.Fatalf("re-decoding: %v", err)
		}
		b2, _ := json.Marshal(again)
		if string(b) != string(b2) {
			t.Fatalf("round trip changed the credential:\n%s\n%s", b, b2)
		}
	})
}
