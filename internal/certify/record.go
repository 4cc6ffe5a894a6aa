package certify

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
)

// LogRecord is what the transparency log holds for one issuance or status change:
// small, so it stays far below tlog.MaxRecordSize, and bound to the signed
// credential by its SHA-256. `miz log audit` rebuilds it from certificate_events.
type LogRecord struct {
	Type      string `json:"type"` // "miz.certify/v1"
	Kind      string `json:"kind"` // issue | status
	Number    string `json:"number"`
	Seq       int    `json:"seq"`
	Status    Status `json:"status"`
	Reason    string `json:"reason,omitempty"`
	At        int64  `json:"at"` // Unix milliseconds
	JWSSHA256 string `json:"jws_sha256"`
}

// RecordType is the Type of every certificate log record.
const RecordType = "miz.certify/v1"

// maxReason keeps a record small whatever a signer types.
const maxReason = 2000

// Marshal returns the record's canonical bytes, exactly as logged.
func (lr LogRecord) Marshal() []byte {
	b, err := json.Marshal(lr)
	if err != nil { // a struct of strings and ints always marshals
		panic(fmt.Sprintf("certify: marshal record: %v", err))
	}
	return b
}

// ParseLogRecord parses a record taken from the log or a proof bundle.
func ParseLogRecord(b []byte) (LogRecord, error) {
	var lr LogRecord
	if err := json.Unmarshal(b, &lr); err != nil {
		return lr, fmt.Errorf("certify: parse log record: %w", err)
	}
	if lr.Type != RecordType || lr.Number == "" {
		return lr, fmt.Errorf("certify: parse log record: not a certificate record")
	}
	return lr, nil
}

// sha256Hex is the digest that binds a log record to a credential.
func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}
