package certify

import (
	"errors"

	"github.com/itoir/miz/internal/tlog"
)

// CheckLogProof checks a c2sp.org/tlog-proof offline under the log's signed-note
// keys and returns the record it proves (the proof's extra data) and that record's
// index. Every failure wraps ErrNotValid. Verify and the verifier of certificates
// of attendance (course.Verify) read the record each in their own way.
func CheckLogProof(proof []byte, logKeys []string) (record []byte, index int64, err error) {
	p, err := tlog.ParseProof(proof)
	if err != nil {
		return nil, 0, notValid("the proof cannot be read: %v", err)
	}
	if len(p.Extra) == 0 {
		return nil, 0, notValid("the proof carries no certificate record")
	}
	if len(logKeys) == 0 {
		return nil, 0, notValid("a proof needs the log's public key (--log-key)")
	}
	switch err := tlog.VerifyProofWithKeys(proof, p.Extra, logKeys...); {
	case errors.Is(err, tlog.ErrWrongLog):
		return nil, 0, notValid("the proof is for another log, or signed by a key not given")
	case errors.Is(err, tlog.ErrBadSignature):
		return nil, 0, notValid("the proof's checkpoint was altered")
	case errors.Is(err, tlog.ErrNotIncluded):
		return nil, 0, notValid("the proof does not include the certificate's record")
	case err != nil:
		return nil, 0, notValid("the proof does not verify: %v", err)
	}
	return p.Extra, p.Index, nil
}

// wrapNotValid wraps a keys helper's plain-worded failure in ErrNotValid; nil stays nil.
func wrapNotValid(err error) error {
	if err == nil {
		return nil
	}
	return notValid("%v", err)
}
