package certify

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/itoir/miz/internal/keys"
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
	payload, kid, err := keys.VerifyCredential(jws, in.JWKS)
	if err != nil {
		return v, notValid("%v", err)
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
	var c Certificate
	jws, shown, err := keys.SplitCredential(b, &c)
	if err != nil || !shown {
		return jws, nil, wrapNotValid(err)
	}
	return jws, &c, nil
}

// compareClaims refuses JSON whose visible fields differ from what was signed.
func compareClaims(c Certificate, cr Credential) error {
	s := cr.CredentialSubject
	return wrapNotValid(keys.CompareClaims(
		keys.Claim{Field: "number", Got: c.Number, Want: s.Number},
		keys.Claim{Field: "holder_id", Got: c.HolderID, Want: s.Holder.NationalID},
		keys.Claim{Field: "holder_name.fa", Got: c.HolderName.FA, Want: s.Holder.Name.FA},
		keys.Claim{Field: "holder_name.en", Got: c.HolderName.EN, Want: s.Holder.Name.EN},
		keys.Claim{Field: "product_name.fa", Got: c.ProductName.FA, Want: s.Product.Name.FA},
		keys.Claim{Field: "product_name.en", Got: c.ProductName.EN, Want: s.Product.Name.EN},
		keys.Claim{Field: "versions", Got: strings.Join(c.Versions, ","), Want: strings.Join(s.Versions, ",")},
		keys.Claim{Field: "category", Got: c.Category, Want: s.Category},
		keys.Claim{Field: "expires_at", Got: c.ExpiresAt.UTC().Format(time.RFC3339), Want: cr.ValidUntil},
	))
}

func verifyProof(v *Verdict, jws string, in VerifyInput) error {
	extra, index, err := CheckLogProof(in.Proof, in.LogKeys)
	if err != nil {
		return err
	}
	rec, err := ParseLogRecord(extra)
	if err != nil {
		return notValid("the proven record is not a certificate record")
	}
	if rec.Number != v.Number || rec.JWSSHA256 != sha256Hex(jws) {
		return notValid("the proof is for another certificate (%s), not %s", rec.Number, v.Number)
	}
	v.LogIndex, v.Status = index, rec.Status
	return nil
}
