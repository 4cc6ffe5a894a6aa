package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"

	"github.com/itoir/miz/internal/keys"
)

// ErrNotValid is wrapped by every verification failure; the message says why.
var ErrNotValid = errors.New("technical report does not verify")

// IsSigned reports whether b looks like a signed report (a JSON object with a
// "report" of PayloadType), so `miz verify` can tell it from a certificate.
func IsSigned(b []byte) bool {
	var probe struct {
		Report struct {
			Type string `json:"type"`
		} `json:"report"`
	}
	return json.Unmarshal(bytes.TrimSpace(b), &probe) == nil && probe.Report.Type == PayloadType
}

// Verify checks a delivered report offline against the desk's JWKS: the JWS
// signature, that its payload is a technical report, and that the report shown
// in clear beside it is exactly what was signed.
func Verify(signed, jwks []byte) (Payload, string, error) {
	var s struct {
		Report     json.RawMessage `json:"report"`
		Credential string          `json:"credential"`
	}
	if err := json.Unmarshal(bytes.TrimSpace(signed), &s); err != nil {
		return Payload{}, "", fmt.Errorf("%w: the report JSON cannot be read: %v", ErrNotValid, err)
	}
	if s.Credential == "" {
		return Payload{}, "", fmt.Errorf("%w: no signature (field \"credential\"); unsigned JSON proves nothing", ErrNotValid)
	}
	payload, kid, err := keys.VerifyJWS(s.Credential, jwks)
	switch {
	case errors.Is(err, keys.ErrUnknownKey):
		return Payload{}, kid, fmt.Errorf("%w: signed with an unknown key ID (%s)", ErrNotValid, kid)
	case errors.Is(err, keys.ErrBadSignature):
		return Payload{}, kid, fmt.Errorf("%w: the signature does not match: the report was altered or forged", ErrNotValid)
	case err != nil:
		return Payload{}, kid, fmt.Errorf("%w: the signature cannot be read: %v", ErrNotValid, err)
	}
	var p Payload
	if err := json.Unmarshal(payload, &p); err != nil || p.Type != PayloadType {
		return Payload{}, kid, fmt.Errorf("%w: the signed payload is not a technical report", ErrNotValid)
	}
	var signedAny, shownAny any
	_ = json.Unmarshal(payload, &signedAny)
	if err := json.Unmarshal(s.Report, &shownAny); err != nil || !reflect.DeepEqual(signedAny, shownAny) {
		return Payload{}, kid, fmt.Errorf("%w: the report shown differs from the signed one", ErrNotValid)
	}
	return p, kid, nil
}
