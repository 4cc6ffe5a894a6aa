package course

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/itoir/miz/internal/certify"
	"github.com/itoir/miz/internal/keys"
)

// Verdict is what a successful verification of a certificate of attendance
// established.
type Verdict struct {
	Number     string
	KeyID      string
	Credential Credential
	// LogIndex is the index of the proven log record; -1 without a proof.
	LogIndex int64
	Status   string
}

func notValid(format string, args ...any) error {
	return fmt.Errorf("%w: %s", certify.ErrNotValid, fmt.Sprintf(format, args...))
}

// IsAttendance reports whether a credential file (a compact JWS, or the JSON the
// desk serves with the JWS in "credential") claims to be a certificate of
// attendance. It reads the payload unverified, only to choose the verifier.
func IsAttendance(b []byte) bool {
	jws, _, err := splitInput(b)
	if err != nil {
		return false
	}
	parts := strings.Split(jws, ".")
	if len(parts) != 3 {
		return false
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return false
	}
	var cr struct {
		Type []string `json:"type"`
	}
	return json.Unmarshal(payload, &cr) == nil && slices.Contains(cr.Type, CredentialType)
}

// Verify checks a certificate of attendance offline, in the same steps as
// certify.Verify: the JWS under the issuer's published keys, the agreement of the
// accompanying JSON with what was signed, and, with a proof, that the certificate's
// record is in the transparency log. Every failure wraps certify.ErrNotValid.
func Verify(in certify.VerifyInput) (Verdict, error) {
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
	if err := json.Unmarshal(payload, &v.Credential); err != nil || !slices.Contains(v.Credential.Type, CredentialType) {
		return v, notValid("the signed payload is not a certificate of attendance")
	}
	s := v.Credential.CredentialSubject
	v.Number, v.Status = s.Number, "active"
	if claimed != nil {
		if err := keys.CompareClaims(
			keys.Claim{Field: "number", Got: claimed.Number, Want: s.Number},
			keys.Claim{Field: "holder_name", Got: claimed.HolderName, Want: s.Holder.Name},
			keys.Claim{Field: "course_title.fa", Got: claimed.CourseName.FA, Want: s.Course.Title.FA},
			keys.Claim{Field: "attended", Got: fmt.Sprint(claimed.Attended), Want: fmt.Sprint(s.Attended)},
			keys.Claim{Field: "sessions", Got: fmt.Sprint(claimed.Sessions), Want: fmt.Sprint(s.Sessions)},
		); err != nil {
			return v, notValid("%v", err)
		}
	}
	if len(in.Proof) > 0 {
		if err := verifyProof(&v, jws, in); err != nil {
			return v, err
		}
	}
	if in.CurrentStatus != "" {
		v.Status = string(in.CurrentStatus)
	}
	if v.Status != "active" {
		return v, notValid("certificate %s is %s, not active", v.Number, v.Status)
	}
	return v, nil
}

// splitInput returns the JWS and, for the desk's JSON, the claims shown beside it.
func splitInput(b []byte) (string, *Certificate, error) {
	var c Certificate
	jws, shown, err := keys.SplitCredential(b, &c)
	switch {
	case err != nil:
		return "", nil, notValid("%v", err)
	case !shown:
		return jws, nil, nil
	}
	return jws, &c, nil
}

func verifyProof(v *Verdict, jws string, in certify.VerifyInput) error {
	extra, index, err := certify.CheckLogProof(in.Proof, in.LogKeys)
	if err != nil {
		return err
	}
	var rec LogRecord
	if err := json.Unmarshal(extra, &rec); err != nil || rec.Type != RecordType {
		return notValid("the proven record is not a certificate of attendance's record")
	}
	if rec.Number != v.Number || rec.JWSSHA256 != sha256Hex(jws) {
		return notValid("the proof is for another certificate (%s), not %s", rec.Number, v.Number)
	}
	v.LogIndex, v.Status = index, rec.Status
	return nil
}
