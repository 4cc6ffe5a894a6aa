package slareport

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/itoir/miz/internal/keys"
	"github.com/itoir/miz/internal/tlog"
)

// ErrNotValid is wrapped by every verification failure; the message says why.
var ErrNotValid = errors.New("report does not verify")

func notValid(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrNotValid, fmt.Sprintf(format, args...))
}

// VerifyInput is what an offline verifier of a report holds.
type VerifyInput struct {
	// Report is the compact JWS or the published JSON (whose "credential" field is
	// the JWS, and whose figures must be the signed ones).
	Report []byte
	// JWKS is the desk's key set (/.well-known/jwks.json).
	JWKS []byte
	// Proof is the report's c2sp.org/tlog-proof; without it the log is not checked.
	Proof   []byte
	LogKeys []string
	// RequireProof refuses a report that is not shown to be in the log.
	RequireProof bool
}

// Verdict is what a verification established.
type Verdict struct {
	Report   Report
	KeyID    string
	LogIndex int64 // -1 without a proof
}

// Verify checks a report offline: its signature under the desk's keys, that any
// JSON shown beside it says exactly what was signed, and, with a proof, that the
// log holds this very report. Every failure wraps ErrNotValid.
func Verify(in VerifyInput) (Verdict, error) {
	v := Verdict{LogIndex: -1}
	jws, shown, err := splitReport(in.Report)
	if err != nil {
		return v, err
	}
	payload, kid, err := keys.VerifyJWS(jws, in.JWKS)
	switch {
	case errors.Is(err, keys.ErrUnknownKey):
		return v, notValid("signed with an unknown key ID (%s)", kid)
	case errors.Is(err, keys.ErrBadSignature):
		return v, notValid("the signature does not match: the report was altered or forged")
	case err != nil:
		return v, notValid("the report cannot be read: %v", err)
	}
	v.KeyID = kid
	if err := json.Unmarshal(payload, &v.Report); err != nil || v.Report.Type != ReportType {
		return v, notValid("the signed payload is not an SLA report")
	}
	if shown != nil {
		signed, _ := json.Marshal(v.Report)
		again, _ := json.Marshal(shown)
		if !bytes.Equal(signed, again) {
			return v, notValid("the JSON's figures differ from the signed report: it was altered")
		}
	}
	if len(in.Proof) == 0 {
		if in.RequireProof {
			return v, notValid("no proof that report %s is in the transparency log", v.Report.ID)
		}
		return v, nil
	}
	if len(in.LogKeys) == 0 {
		return v, notValid("a proof needs the log's public key (--log-key)")
	}
	p, err := tlog.ParseProof(in.Proof)
	if err != nil || len(p.Extra) == 0 {
		return v, notValid("the proof cannot be read or carries no report record")
	}
	if err := tlog.VerifyProofWithKeys(in.Proof, p.Extra, in.LogKeys...); err != nil {
		return v, notValid("the proof does not verify: %v", err)
	}
	rec, err := ParseLogRecord(p.Extra)
	if err != nil {
		return v, notValid("the proven record is not a report record")
	}
	if rec.ID != v.Report.ID || rec.JWSSHA256 != sha256Hex(jws) {
		return v, notValid("the log holds another report (%s) at that index, not this one (%s)", rec.ID, v.Report.ID)
	}
	v.LogIndex = p.Index
	return v, nil
}

// splitReport returns the JWS and, for published JSON, the report shown beside it.
func splitReport(b []byte) (string, *Report, error) {
	b = bytes.TrimSpace(b)
	if len(b) == 0 {
		return "", nil, notValid("empty report file")
	}
	if b[0] != '{' {
		return string(b), nil, nil
	}
	var pub struct {
		Report
		JWS string `json:"credential"`
	}
	if err := json.Unmarshal(b, &pub); err != nil {
		return "", nil, notValid("the report JSON cannot be read: %v", err)
	}
	if pub.JWS == "" {
		return "", nil, notValid("the JSON carries no signed report (field \"credential\"); unsigned JSON proves nothing")
	}
	return pub.JWS, &pub.Report, nil
}
