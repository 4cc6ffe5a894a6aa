// Package advisory is the CERT's proactive line of advisories and warnings (SLA
// M-4.1): editors draft, a second editor reviews and publishes (four eyes), later
// revisions keep their history, and every published revision is also a signed CSAF
// 2.0 document served by the trusted provider under /.well-known/csaf/.
package advisory

import (
	"context"
	"time"

	"github.com/itoir/miz/internal/cert/csaf"
	"github.com/itoir/miz/internal/cert/tlp"
	"github.com/itoir/miz/internal/documents"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
)

// ServiceID is the catalog service whose editors write advisories.
const ServiceID = "cert"

// State is where an advisory's pending work stands.
type State string

// The states: a draft is being written, one in review waits for a second editor,
// and a published advisory has no pending draft.
const (
	Draft     State = "draft"
	Review    State = "review"
	Published State = "published"
)

// Severity is how urgent an advisory is.
type Severity string

// The severities, mildest first.
const (
	Low      Severity = "low"
	Medium   Severity = "medium"
	High     Severity = "high"
	Critical Severity = "critical"
)

// Severities lists the severities, mildest first.
func Severities() []Severity { return []Severity{Low, Medium, High, Critical} }

// Labels lists the TLP labels an advisory may carry: advisories go to everyone
// (CLEAR) or to the constituency (GREEN, AMBER), never to named people only.
func Labels() []tlp.Level { return []tlp.Level{tlp.Clear, tlp.Green, tlp.Amber} }

// Product is an affected product with its affected versions.
type Product struct {
	Name     string   `json:"name"`
	Versions []string `json:"versions,omitempty"`
}

// Content is the text of one revision, Persian first with English.
type Content struct {
	TLP           tlp.Level `json:"tlp"`
	Severity      Severity  `json:"severity"`
	TitleFa       string    `json:"title_fa"`
	TitleEn       string    `json:"title_en,omitempty"`
	SummaryFa     string    `json:"summary_fa"`
	SummaryEn     string    `json:"summary_en,omitempty"`
	Products      []Product `json:"products"`
	CVEs          []string  `json:"cves,omitempty"`
	CVSS          string    `json:"cvss,omitempty"`
	RemediationFa string    `json:"remediation_fa"`
	RemediationEn string    `json:"remediation_en,omitempty"`
	References    []string  `json:"references,omitempty"`
}

// Input is a draft as an editor saves it; ChangeNote is required for a revision
// of a published advisory.
type Input struct {
	Content
	ChangeNote string `json:"change_note,omitempty"`
}

// Service is the advisories' use cases; web and API call its methods, each of which
// checks the caller's permission, owns its transaction and writes its audit entry.
type Service struct {
	DB *store.DB
	// Docs keeps the attached hardening-guide packages.
	Docs documents.Store
	// Signer signs the CSAF documents; BaseURL gives the public origin for their links.
	Signer  *csaf.Signer
	BaseURL func() string
	// Version is the build, named as the CSAF generator's version.
	Version string
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Publisher is the CSAF publisher: the Maher center as coordinator.
var Publisher = csaf.Publisher{Category: "coordinator", Name: "Maher (Iran national CERT)", Namespace: "https://cert.ir",
	ContactDetails: "cert@cert.ir"}

func (s *Service) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}

func (s *Service) update(ctx context.Context, fn func(tx *store.Tx) error) error {
	return s.DB.UpdateAt(ctx, s.now, fn)
}

func (s *Service) base() string {
	if s.BaseURL == nil {
		return ""
	}
	return s.BaseURL()
}

// provider is the CSAF provider at the desk's public origin.
func (s *Service) provider() csaf.Provider {
	return csaf.Provider{BaseURL: s.base(), Publisher: Publisher, Signer: s.Signer}
}

// IsEditor reports whether p writes and reviews advisories.
func IsEditor(p *identity.Principal) bool { return p.HasRole(ServiceID, identity.Editor) }

// mustEdit refuses everyone but the CERT's editors.
func mustEdit(p *identity.Principal) error {
	if p == nil {
		return problem.New(problem.Unauthorized, "error.unauthorized")
	}
	if !IsEditor(p) {
		return problem.New(problem.Forbidden, "advisory.forbidden")
	}
	return nil
}

// Constituent reports whether p may read GREEN and AMBER advisories: a signed-in
// organisation, a member of one, or CERT staff.
func Constituent(p *identity.Principal) bool {
	return p != nil && (p.Kind == identity.KindOrganization || len(p.MemberOf) > 0 || p.ActingOrgID != 0 || p.IsStaff())
}

// mayRead reports whether p may read a published advisory with label l.
func mayRead(p *identity.Principal, l tlp.Level) bool { return l == tlp.Clear || Constituent(p) }

// csafLabel is the CSAF 2.0 (TLP 1.0) name of an advisory's label.
func csafLabel(l tlp.Level) csaf.Label {
	switch l {
	case tlp.Clear:
		return csaf.White
	case tlp.Green:
		return csaf.Green
	}
	return csaf.Amber
}

func notFound() error {
	return &problem.Error{Code: problem.NotFound, Key: "advisory.not_found", Err: store.ErrNotFound}
}
