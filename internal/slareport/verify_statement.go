package slareport

import (
	"bytes"
	"encoding/json"
	"errors"

	"github.com/itoir/miz/internal/keys"
	"github.com/itoir/miz/internal/tlog"
)

// StatementVerdict is what verifying a case statement established.
type StatementVerdict struct {
	Statement Statement
	KeyID     string
	LogIndex  int64 // -1 without a proof
}

// VerifyStatement checks a case statement offline: the signature under the desk's
// keys and, with a proof, that the log holds its hash. in.Report carries the
// statement (compact JWS, or the downloaded JSON with its "credential").
func VerifyStatement(in VerifyInput) (StatementVerdict, error) {
	v := StatementVerdict{LogIndex: -1}
	b := bytes.TrimSpace(in.Report)
	jws := string(b)
	var shown *Statement
	if len(b) > 0 && b[0] == '{' {
		var signed SignedStatement
		if err := json.Unmarshal(b, &signed); err != nil || signed.JWS == "" {
			return v, notValid("the statement JSON cannot be read or carries no signed statement")
		}
		jws, shown = signed.JWS, &signed.Statement
	}
	payload, kid, err := keys.VerifyJWS(jws, in.JWKS)
	switch {
	case errors.Is(err, keys.ErrUnknownKey):
		return v, notValid("signed with an unknown key ID (%s)", kid)
	case errors.Is(err, keys.ErrBadSignature):
		return v, notValid("the signature does not match: the statement was altered or forged")
	case err != nil:
		return v, notValid("the statement cannot be read: %v", err)
	}
	v.KeyID = kid
	if err := json.Unmarshal(payload, &v.Statement); err != nil || v.Statement.Type != StatementType {
		return v, notValid("the signed payload is not a case statement")
	}
	if shown != nil {
		signed, _ := json.Marshal(v.Statement)
		again, _ := json.Marshal(shown)
		if !bytes.Equal(signed, again) {
			return v, notValid("the JSON differs from the signed statement: it was altered")
		}
	}
	if len(in.Proof) == 0 {
		if in.RequireProof {
			return v, notValid("no proof that the statement is in the transparency log")
		}
		return v, nil
	}
	if len(in.LogKeys) == 0 {
		return v, notValid("a proof needs the log's public key (--log-key)")
	}
	p, err := tlog.ParseProof(in.Proof)
	if err != nil || len(p.Extra) == 0 {
		return v, notValid("the proof cannot be read or carries no record")
	}
	if err := tlog.VerifyProofWithKeys(in.Proof, p.Extra, in.LogKeys...); err != nil {
		return v, notValid("the proof does not verify: %v", err)
	}
	var rec StatementRecord
	if err := json.Unmarshal(p.Extra, &rec); err != nil || rec.Type != StatementType || rec.JWSSHA256 != sha256Hex(jws) {
		return v, notValid("the log holds another record at that index, not this statement")
	}
	v.LogIndex = p.Index
	return v, nil
}
