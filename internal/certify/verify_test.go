package certify

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/itoir/miz/internal/keys"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

func TestVerifyAcceptsGenuineAndRejectsTampering(t *testing.T) {
	db := storetest.OpenSQLite(t)
	ctx := context.Background()
	r, clk := newTestRegistry(t, db)
	c := issue(t, r, sampleRequest())
	proof, err := r.Proof(ctx, c.Number)
	if err != nil {
		t.Fatal(err)
	}
	logKeys, _ := r.LogKeys()
	good := VerifyInput{Credential: []byte(c.JWS), JWKS: r.Keys.JWKS(), Proof: proof, LogKeys: logKeys, Now: clk.Now()}
	if v, err := Verify(good); err != nil || v.Number != c.Number || v.LogIndex != 0 {
		t.Fatalf("genuine: %+v %v", v, err)
	}
	regJSON, _ := json.Marshal(c)
	if _, err := Verify(with(good, func(in *VerifyInput) { in.Credential = regJSON })); err != nil {
		t.Fatalf("registry JSON: %v", err)
	}

	// A second log, with its own key, to forge proofs from.
	otherDB := storetest.OpenSQLite(t)
	other, _ := newTestRegistry(t, otherDB)
	oc := issue(t, other, sampleRequest())
	otherProof, _ := other.Proof(ctx, oc.Number)
	otherKeys, _ := other.LogKeys()

	parts := strings.Split(c.JWS, ".")
	payload, _ := base64.RawURLEncoding.DecodeString(parts[1])
	forgedPayload := strings.Replace(string(payload), "4.2", "9.9", 1)
	forged := parts[0] + "." + base64.RawURLEncoding.EncodeToString([]byte(forgedPayload)) + "." + parts[2]
	altered := strings.Replace(string(regJSON), "سپید", "سپیدار", 1)

	cases := map[string]struct {
		mut  func(*VerifyInput)
		want string
	}{
		"forged payload":          {func(in *VerifyInput) { in.Credential = []byte(forged) }, "altered or forged"},
		"altered JSON":            {func(in *VerifyInput) { in.Credential = []byte(altered) }, "it was altered"},
		"unsigned JSON":           {func(in *VerifyInput) { in.Credential = []byte(`{"number":"CRT-1405-000001"}`) }, "no signed credential"},
		"unknown key id":          {func(in *VerifyInput) { in.JWKS = other.Keys.JWKS() }, "unknown key ID"},
		"proof of other log":      {func(in *VerifyInput) { in.Proof = otherProof }, "another log"},
		"proof for other log key": {func(in *VerifyInput) { in.Proof, in.LogKeys = otherProof, otherKeys }, "another certificate"},
		"proof without key":       {func(in *VerifyInput) { in.LogKeys = nil }, "log's public key"},
		"expired by date":         {func(in *VerifyInput) { in.Now = c.ExpiresAt.Add(time.Second) }, "validity ended"},
		"revoked live status":     {func(in *VerifyInput) { in.CurrentStatus = Revoked }, "is revoked"},
		"altered proof":           {func(in *VerifyInput) { in.Proof = []byte(strings.Replace(string(proof), "index 0", "index 1", 1)) }, "does not"},
	}
	for name, tc := range cases {
		_, err := Verify(with(good, tc.mut))
		if !errors.Is(err, ErrNotValid) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v (want %q)", name, err, tc.want)
		}
	}

	// A revoked certificate presented with its old, still-valid issuance proof is
	// caught by the live status; with the current proof it is caught offline.
	if _, err := change(r, c.Number, Revoked, "back door"); err != nil {
		t.Fatal(err)
	}
	newProof, _ := r.Proof(ctx, c.Number)
	if _, err := Verify(with(good, func(in *VerifyInput) { in.Proof = newProof })); err == nil || !strings.Contains(err.Error(), "revoked") {
		t.Fatalf("revoked with current proof: %v", err)
	}
	if _, _, err := keys.VerifyJWS(c.JWS, r.Keys.JWKS()); err != nil {
		t.Fatal(err)
	}
}

func with(in VerifyInput, mut func(*VerifyInput)) VerifyInput {
	mut(&in)
	return in
}

func TestLogAuditFindsAnEditedCertificate(t *testing.T) {
	db := storetest.OpenSQLite(t)
	ctx := context.Background()
	r, _ := newTestRegistry(t, db)
	c := issue(t, r, sampleRequest())
	if _, err := change(r, c.Number, Suspended, "check"); err != nil {
		t.Fatal(err)
	}
	exp, err := ExpectedRecords(ctx, db)
	if err != nil || len(exp) != 2 {
		t.Fatalf("%d %v", len(exp), err)
	}
	if div, err := r.Log.AuditAgainst(ctx, exp); err != nil || len(div) != 0 {
		t.Fatalf("clean log: %v %v", div, err)
	}
	if err := db.Update(ctx, func(tx *store.Tx) error {
		_, err := tx.Exec(ctx, `UPDATE certificate_events SET reason = 'quietly rewritten' WHERE seq = 2`)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	exp, _ = ExpectedRecords(ctx, db)
	if div, _ := r.Log.AuditAgainst(ctx, exp); len(div) != 1 || div[0].Index != 1 {
		t.Fatalf("edited history: %v", div)
	}
}
