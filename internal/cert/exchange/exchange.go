// Package exchange writes an incident's indicators in the formats CERTs trade them
// in: a STIX 2.1 bundle and a MISP event. Both are our own encoding/json structs.
// TLP is honoured here too: an indicator whose label is above the caller's
// clearance is left out, whatever the caller passed in.
package exchange

import (
	"crypto/sha1"
	"encoding/hex"
	"time"

	"github.com/itoir/miz/internal/cert/incident"
	"github.com/itoir/miz/internal/cert/tlp"
)

// Incident is what an export needs of an incident; nothing of the reporter's form
// beyond its indicators leaves the desk (D-1).
type Incident struct {
	TrackingCode string
	Reported     time.Time
	// Label is the incident's TLP label, the default of indicators without one.
	Label tlp.Level
	// Class, Type and Severity are the triage, empty before it.
	Class, Type, Severity string
	Indicators            []incident.Indicator
	// Clearance is the widest label the caller may see; items above it are dropped.
	Clearance tlp.Level
}

// visible returns the indicators the caller may receive, each with its effective
// label (its own or the incident's, whichever is more restrictive).
func (in *Incident) visible() []incident.Indicator {
	out := make([]incident.Indicator, 0, len(in.Indicators))
	for _, i := range in.Indicators {
		i.TLP = tlp.Max(i.TLP, in.Label)
		if !i.TLP.Valid() || i.TLP > in.Clearance {
			continue
		}
		out = append(out, i)
	}
	return out
}

// uuid5 returns the RFC 9562 name-based (SHA-1) UUID of name in namespace ns.
func uuid5(ns [16]byte, name string) string {
	h := sha1.New()
	h.Write(ns[:])
	h.Write([]byte(name))
	var u [16]byte
	copy(u[:], h.Sum(nil))
	u[6] = (u[6] & 0x0f) | 0x50
	u[8] = (u[8] & 0x3f) | 0x80
	var b [36]byte
	hex.Encode(b[0:8], u[0:4])
	b[8] = '-'
	hex.Encode(b[9:13], u[4:6])
	b[13] = '-'
	hex.Encode(b[14:18], u[6:8])
	b[18] = '-'
	hex.Encode(b[19:23], u[8:10])
	b[23] = '-'
	hex.Encode(b[24:], u[10:])
	return string(b[:])
}

func mustUUID(s string) [16]byte {
	var u [16]byte
	clean := make([]byte, 0, 32)
	for i := 0; i < len(s); i++ {
		if s[i] != '-' {
			clean = append(clean, s[i])
		}
	}
	if _, err := hex.Decode(u[:], clean); err != nil || len(clean) != 32 {
		panic("exchange: bad namespace UUID " + s)
	}
	return u
}

// mizNS is the namespace of the IDs Miz gives its exported objects, so that the
// same incident exported twice gives the same IDs and a receiver updates, not
// duplicates.
var mizNS = mustUUID("6f1d7a52-3c1e-4b8e-9a57-1c0f3d2e8b41")
