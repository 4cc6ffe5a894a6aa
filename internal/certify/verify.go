package certify

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/itoir/miz/internal/keys"
	"github.com/itoir/miz/internal/tlog"
)

// ErrNotValid is wrapped by every verification failure; the message says why.
var ErrNotValid = errors.New("certificate does not verify")

// VerifyInput is what an offline verifier holds.
type VerifyInput struct {
	// Credential is the compact JWS, or the registry's certificate JSON (whose
	// "credential" field is the JWS and whose other fields must agree with it).
	Credential []byte
	// JWKS is the issuer's key set (/.well-known/jwks.json).
	JWKS []byte
	// Proof is the c2sp.org/tlog-proof from the registry; optional.
	Proof []byte
	// LogKeys are the log's signed-note verifier keys; needed with Proof.
	LogKeys []string
	// CurrentStatus is the live status from the registry, when known.
	CurrentStatus Status
	// Now is the time of verification.
	Now time.Time
}

// Verdict is what a successful verification established.
type Verdict struct {
	Number     string
	KeyID      string
	Credential Credential
	// LogIndex is the index of the proven log record; -1 without a proof.
	LogIndex int64
	Status   Status
}

func notValid(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrNotValid, fmt.Sprintf(format, args...))
}

// Verify checks a certificate offline: the JWS signature under the issuer's keys,
// the agreement of any accompanying JSON with the signed payload, the validity
// period, and, with a proof, that the certificate's latest status record is in the
// transparency log and says active. Every failure wraps ErrNotValid.
func Verify(in VerifyInput) (Verdict, error) {
	v := Verdict{LogIndex: -1}
	jws, claimed, err := splitInput(in.Credential)
	if err != nil {
		return v, err
	}
	payload, kid, err := keys.VerifyJWS(jws, in.JWKS)
	switch {
	case errors.Is(err, keys.ErrUnknownKey):
		return v, notValid("signed with an unknown key ID (%s): not one of the issuer's published keys", kid)
	case errors.Is(err, keys.ErrBadSignature):
		return v, notValid("the signature does not match: the credential was altered or forged")
	case err != nil:
		return v, notValid("the credential cannot be read: %v", err)
	}
	v.KeyID = kid
	if v.Credential, err = ParseCredential(payload); err != nil || !slices.Contains(v.Credential.Type, "SoftwareAuthenticityCertificate") {
		return v, notValid("the signed payload is not a software authenticity certificate")
	}
	v.Number, v.Status = v.Credential.CredentialSubject.Number, Active
	if claimed != nil {
		if err := compareClaims(*claimed, v.Credential); err != nil {
			return v, err
		}
	}
	if until, err := time.Parse(time.RFC3339, v.Credential.ValidUntil); err != nil || !in.Now.Before(until) {
		return v, notValid("the certificate's validity ended at %s", v.Credential.ValidUntil)
	}
	if len(in.Proof) > 0 {
		if err := verifyProof(&v, jws, in); err != nil {
			return v, err
		}
	}
	if in.CurrentStatus != "" {
		v.Status = in.CurrentStatus
	}
	if v.Status != Active {
		return v, notValid("certificate %s is %s, not active", v.Number, v.Status)
	}
	return v, nil
}

// splitInput returns the JWS and, for registry JSON, the claims shown beside it.
func splitInput(b []byte) (string, *Certificate, error) {
	b = bytes.TrimSpace(b)
	if len(b) == 0 {
		return "", nil, notValid("empty credential file")
	}
	if b[0] != '{' {
		return string(b), nil, nil
	}
	var c Certificate
	if err := json.Unmarshal(b, &c); err != nil {
		return "", nil, notValid("the certificate JSON cannot be read: %v", err)
	}
	if c.JWS == "" {
		return "", nil, notValid("the JSON carries no signed credential (field \"credential\"); unsigned JSON proves nothing")
	}
	return c.JWS, &c, nil
}

// compareClaims refuses JSON whose visible fields differ from what was signed.
func compareClaims(c Certificate, cr Credential) error {
	s := cr.CredentialSubject
	diffs := []struct {
		field     string
		got, want string
	}{
		{"number", c.Number, s.Number},
		{"holder_id", c.HolderID, s.Holder.NationalID},
		{"holder_name.fa", c.HolderName.FA, s.Holder.Name.FA},
		{"holder_name.en", c.HolderName.EN, s.Holder.Name.EN},
		{"product_name.fa", c.ProductName.FA, s.Product.Name.FA},
		{"product_name.en", c.ProductName.EN, s.Product.Name.EN},
		{"versions", strings.Join(c.Versions, ","), strings.Join(s.Versions, ",")},
		{"category", c.Category, s.Category},
		{"expires_at", c.ExpiresAt.UTC().Format(time.RFC3339), cr.ValidUntil},
	}
	for _, d := range diffs {
		if d.got != d.want {
			return notValid("the JSON's %s (%q) differs from the signed credential (%q): it was altered", d.field, d.got, d.want)
		}
	}
	return nil
}

func verifyProof(v *Verdict, jws string, in VerifyInput) error {
	p, err := tlog.ParseProof(in.Proof)
	if err != nil {
		return notValid("the proof cannot be read: %v", err)
	}
	if len(p.Extra) == 0 {
		return notValid("the proof carries no certificate record")
	}
	if len(in.LogKeys) == 0 {
		return notValid("a proof needs the log's public key (--log-key)")
	}
	switch err := tlog.VerifyProofWithKeys(in.Proof, p.Extra, in.LogKeys...); {
	case errors.Is(err, tlog.ErrWrongLog):
		return notValid("the proof is for another log, or signed by a key not given")
	case errors.Is(err, tlog.ErrBadSignature):
		return notValid("the proof's checkpoint was altered")
	case errors.Is(err, tlog.ErrNotIncluded):
		return notValid("the proof does not include the certificate's record")
	case err != nil:
		return notValid("the proof does not verify: %v", err)
	}
	rec, err := ParseLogRecord(p.Extra)
	if err != nil {
		return notValid("the proven record is not a certificate record")
	}
	if rec.Number != v.Number || rec.JWSSHA256 != sha256Hex(jws) {
		return notValid("the proof is for another certificate (%s), not %s", rec.Number, v.Number)
	}
	v.LogIndex, v.Status = p.Index, rec.Status
	return nil
}
