package course

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/itoir/miz/internal/certify"
	"github.com/itoir/miz/internal/keys"
	"github.com/itoir/miz/internal/tlog"
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
	if err := json.Unmarshal(payload, &v.Credential); err != nil || !slices.Contains(v.Credential.Type, CredentialType) {
		return v, notValid("the signed payload is not a certificate of attendance")
	}
	s := v.Credential.CredentialSubject
	v.Number, v.Status = s.Number, "active"
	if claimed != nil {
		for _, d := range []struct{ field, got, want string }{
			{"number", claimed.Number, s.Number},
			{"holder_name", claimed.HolderName, s.Holder.Name},
			{"course_title.fa", claimed.CourseName.FA, s.Course.Title.FA},
			{"attended", fmt.Sprint(claimed.Attended), fmt.Sprint(s.Attended)},
			{"sessions", fmt.Sprint(claimed.Sessions), fmt.Sprint(s.Sessions)},
		} {
			if d.got != d.want {
				return v, notValid("the JSON's %s (%q) differs from the signed credential (%q): it was altered", d.field, d.got, d.want)
			}
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

func verifyProof(v *Verdict, jws string, in certify.VerifyInput) error {
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
	var rec LogRecord
	if err := json.Unmarshal(p.Extra, &rec); err != nil || rec.Type != RecordType {
		return notValid("the proven record is not a certificate of attendance's record")
	}
	if rec.Number != v.Number || rec.JWSSHA256 != sha256Hex(jws) {
		return notValid("the proof is for another certificate (%s), not %s", rec.Number, v.Number)
	}
	v.LogIndex, v.Status = p.Index, rec.Status
	return nil
}
