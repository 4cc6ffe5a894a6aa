package keys

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// The helpers below are the steps an offline verifier of a signed credential
// (a software authenticity certificate, a certificate of attendance) takes before
// it reads what was signed. Their errors say in plain words why a file does not
// verify; a caller wraps them in its own "does not verify" error.

// SplitCredential returns the compact JWS of a credential file: the file itself,
// or, when it is the JSON the desk serves, its "credential" field. In the JSON
// case the whole document is also decoded into claims (the fields shown beside
// the JWS, to be compared with what was signed) and shown is true.
func SplitCredential(b []byte, claims any) (jws string, shown bool, err error) {
	b = bytes.TrimSpace(b)
	if len(b) == 0 {
		return "", false, errors.New("empty credential file")
	}
	if b[0] != '{' {
		return string(b), false, nil
	}
	if err := json.Unmarshal(b, claims); err != nil {
		return "", false, fmt.Errorf("the certificate JSON cannot be read: %v", err)
	}
	var c struct {
		JWS string `json:"credential"`
	}
	if err := json.Unmarshal(b, &c); err != nil {
		return "", false, fmt.Errorf("the certificate JSON cannot be read: %v", err)
	}
	if c.JWS == "" {
		return "", false, errors.New("the JSON carries no signed credential (field \"credential\"); unsigned JSON proves nothing")
	}
	return c.JWS, true, nil
}

// VerifyCredential is VerifyJWS with the failure said for a person: an unknown
// key ID, an altered or forged signature, a key revoked before the credential's
// date, or an unreadable credential. The error still wraps ErrUnknownKey,
// ErrBadSignature, ErrRevokedKey or ErrMalformed.
func VerifyCredential(jws string, jwks []byte) (payload []byte, kid string, err error) {
	payload, kid, err = VerifyJWS(jws, jwks)
	switch {
	case errors.Is(err, ErrUnknownKey):
		return nil, kid, reason{fmt.Sprintf("signed with an unknown key ID (%s): not one of the issuer's published keys", kid), err}
	case errors.Is(err, ErrBadSignature):
		return nil, kid, reason{"the signature does not match: the credential was altered or forged", err}
	case errors.Is(err, ErrRevokedKey): // issue 19: the message already names the key, time and reason
		return nil, kid, err
	case err != nil:
		return nil, kid, reason{fmt.Sprintf("the credential cannot be read: %v", err), err}
	}
	return payload, kid, nil
}

// Claim is one field of a credential's JSON as shown beside the JWS (Got) and as
// signed (Want).
type Claim struct {
	Field, Got, Want string
}

// CompareClaims refuses JSON whose visible fields differ from what was signed:
// it names the first claim that differs.
func CompareClaims(claims ...Claim) error {
	for _, c := range claims {
		if c.Got != c.Want {
			return fmt.Errorf("the JSON's %s (%q) differs from the signed credential (%q): it was altered", c.Field, c.Got, c.Want)
		}
	}
	return nil
}

// reason is an error whose text is written for a person and which still unwraps
// to the sentinel it explains.
type reason struct {
	msg string
	err error
}

func (r reason) Error() string { return r.msg }
func (r reason) Unwrap() error { return r.err }
