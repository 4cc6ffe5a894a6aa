// Package disclosure is coordinated vulnerability disclosure at the national
// CERT: anyone, signed in or not, reports a vulnerability in a constituent's
// system (with an optional CVSS v3.1 or v4.0 vector, scored by internal/cert/cvss);
// an analyst verifies it, identifies the owner organisation and informs it
// through internal/notify — "owner informed" is recorded only with that notice
// (SLA M-4.3) — sets the embargo, and after it discloses; reporters who wish are
// credited on the public credit page, which lists disclosed reports only.
package disclosure

import (
	"time"

	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
)

// Statuses of a vulnerability report.
const (
	StatusReceived      = "received"
	StatusVerified      = "verified"
	StatusRejected      = "rejected"
	StatusOwnerInformed = "owner_informed"
	StatusDisclosed     = "disclosed"
)

// Service is the disclosure use cases; each checks p, owns its transaction and
// writes its audit entry.
type Service struct {
	DB *store.DB
	// ServiceID is the catalog service whose analysts and supervisors handle
	// reports; "" means "cert".
	ServiceID string
	// PerHour bounds reports from one client address an hour; 0 means 5.
	PerHour int
	// BaseURL, when https, makes the owner's e-mail link absolute.
	BaseURL string
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

func (s *Service) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}

func (s *Service) service() string {
	if s.ServiceID == "" {
		return "cert"
	}
	return s.ServiceID
}

// Analyst reports whether p handles vulnerability reports.
func (s *Service) Analyst(p *identity.Principal) bool {
	return p.IsStaff() && (p.HasRole(s.service(), identity.Analyst) || p.HasRole(s.service(), identity.Supervisor))
}

func (s *Service) mustAnalyst(p *identity.Principal) error {
	if p == nil {
		return problem.New(problem.Unauthorized, "error.unauthorized")
	}
	if !s.Analyst(p) {
		return problem.New(problem.Forbidden, "vuln.forbidden")
	}
	return nil
}

// Vuln is one vulnerability report.
type Vuln struct {
	ID              int64
	Ref             string
	ReceivedAt      time.Time
	ReporterAccount int64
	ReporterName    string
	ReporterEmail   string
	CreditWanted    bool
	System          string
	Title           string
	Description     string
	CVSSVector      string
	CVSSVersion     string
	CVSSScore       string
	CVSSSeverity    string
	Status          string
	AnalystID       int64
	VerifiedAt      time.Time
	OwnerOrgID      int64
	OwnerName       string
	NotifiedAt      time.Time
	NotifiedBy      int64
	NoticeAccounts  int
	EmbargoUntil    time.Time
	DisclosedAt     time.Time
}

// Credit is one line of the public credit page: a disclosed report whose
// reporter asked to be credited.
type Credit struct {
	Ref         string
	Title       string
	Reporter    string
	Severity    string
	DisclosedAt time.Time
}
