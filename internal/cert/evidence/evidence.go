// Package evidence keeps an incident's evidence — logs that mention malware,
// pcaps, memory dumps, password-protected sample archives — which the ordinary
// upload checks would rightly refuse. Evidence is taken as it is, never opened,
// parsed or rendered; it is stored encrypted at rest (AES-256-GCM, a data key per
// file wrapped by the desk's evidence key), listed with its size and SHA-256 under
// TLP 2.0, and handed out only as a download to the staff member the incident is
// assigned to, each download audited. Limits per file and per incident come from
// the catalog (module_config.settings evidence_file_size, evidence_case_size).
package evidence

import (
	"fmt"
	"time"

	"github.com/itoir/miz/internal/catalog"
	"github.com/itoir/miz/internal/cert/reactive"
	"github.com/itoir/miz/internal/cert/tlp"
	"github.com/itoir/miz/internal/store"
)

// Service is the evidence store's use cases; each checks access through the
// incident's own reading (need-to-know, TLP), owns its transaction and audits.
type Service struct {
	DB *store.DB
	// Incidents decides who may see an incident and each labelled item of it.
	Incidents *reactive.Service
	// Key wraps the data keys of new files.
	Key *Key
	// Ring finds the keys that wrapped older files (a rotation's retired keys);
	// nil: every file is under Key.
	Ring *Keyring
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

func (s *Service) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}

// File is one piece of evidence as listed: never its content.
type File struct {
	ID          int64
	Filename    string
	Size        int64
	SHA256      string
	TLP         tlp.Level
	Description string
	UploadedBy  int64
	UploadedAt  time.Time
}

// Limits bound the evidence of one incident.
type Limits struct {
	// File is the largest file; Case, the most one incident may hold.
	File, Case int64
}

// Defaults when the catalog names no limit.
const (
	DefaultFileSize = 200 << 20
	DefaultCaseSize = 1 << 30
)

// LimitsOf reads the limits from the service's module settings
// (evidence_file_size, evidence_case_size; sizes such as 200MB), which the
// catalog's loader has checked.
func LimitsOf(svc *catalog.Service) (Limits, error) {
	l := Limits{File: DefaultFileSize, Case: DefaultCaseSize}
	if svc == nil {
		return l, nil
	}
	for key, into := range map[string]*int64{"evidence_file_size": &l.File, "evidence_case_size": &l.Case} {
		raw, ok := svc.ModuleConfig.Settings[key]
		if !ok {
			continue
		}
		v, err := catalog.ParseByteSize(raw)
		if err != nil {
			return l, fmt.Errorf("evidence: %s: module_config.settings.%s: %w", svc.ID, key, err)
		}
		*into = int64(v)
	}
	if l.File > l.Case {
		return l, fmt.Errorf("evidence: %s: evidence_file_size %d is above evidence_case_size %d", svc.ID, l.File, l.Case)
	}
	return l, nil
}

// chunkSize is how much plaintext one stored chunk holds.
const chunkSize = 1 << 20
