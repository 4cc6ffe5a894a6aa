// Package certify is the CERTIFY service module: it issues certificates of
// authenticity and administrative health, keeps their status, and publishes them in
// the public registry and the transparency log in the same transaction as the change
// (SLA Z-4.1, D-2). The case engine calls Issue inside the transaction that approves
// an application; web and api read the registry through Registry.
package certify

import (
	"errors"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/itoir/miz/internal/catalog"
	"github.com/itoir/miz/internal/keys"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/tlog"
)

// Status is where a certificate stands in its lifecycle.
type Status string

// The statuses of a certificate. Only active certificates certify anything.
const (
	Active     Status = "active"
	Suspended  Status = "suspended"
	Revoked    Status = "revoked"
	Expired    Status = "expired"
	Superseded Status = "superseded"
)

// Statuses lists every status, in the order the registry filter shows them.
func Statuses() []Status { return []Status{Active, Suspended, Revoked, Expired, Superseded} }

// Valid reports whether s is a known status.
func (s Status) Valid() bool {
	for _, k := range Statuses() {
		if s == k {
			return true
		}
	}
	return false
}

// Holder types, as in the catalog's applicant_types.
const (
	HolderOrg    = "org"
	HolderPerson = "person"
)

// ExpireJob is the job kind that expires one certificate on time.
const ExpireJob = "certify.expire"

// Errors returned (wrapped) by the module.
var (
	// ErrInvalid means a request is missing a field or has a bad one.
	ErrInvalid = errors.New("certify: invalid request")
	// ErrTransition means the status change is not allowed from the current status.
	ErrTransition = errors.New("certify: status change not allowed")
)

// Bilingual is a phrase in Persian and English.
type Bilingual struct {
	FA string `json:"fa"`
	EN string `json:"en,omitempty"`
}

// Certificate is one issued certificate as the registry publishes it (D-2).
type Certificate struct {
	Number         string      `json:"number"`
	Status         Status      `json:"status"`
	StatusReason   string      `json:"status_reason,omitempty"`
	StatusAt       time.Time   `json:"status_at"`
	HolderType     string      `json:"holder_type"`
	HolderID       string      `json:"holder_id"`
	HolderName     Bilingual   `json:"holder_name"`
	ProductName    Bilingual   `json:"product_name"`
	Versions       []string    `json:"versions"`
	Category       string      `json:"category"`
	Platform       string      `json:"platform,omitempty"`
	Deployment     string      `json:"deployment,omitempty"`
	Conditions     []Bilingual `json:"conditions"`
	IssuedAt       time.Time   `json:"issued_at"`
	ExpiresAt      time.Time   `json:"expires_at"`
	CaseCode       string      `json:"case_tracking_code,omitempty"`
	PreviousNumber string      `json:"previous_number,omitempty"`
	SupersededBy   string      `json:"superseded_by,omitempty"`
	JWS            string      `json:"credential"`
	JWSSHA256      string      `json:"credential_sha256"`

	id int64
}

// Event is one entry of a certificate's status history; each is a record of the
// transparency log at TlogIndex.
type Event struct {
	Seq        int       `json:"seq"`
	At         time.Time `json:"at"`
	Kind       string    `json:"kind"`
	FromStatus Status    `json:"from_status,omitempty"`
	ToStatus   Status    `json:"to_status"`
	Reason     string    `json:"reason,omitempty"`
	Actor      string    `json:"actor"`
	TlogIndex  int64     `json:"tlog_index"`
	Number     string    `json:"number"`
}

// Issuer names the organisation that signs certificates.
type Issuer struct {
	// ID is the issuer's URL, e.g. https://miz.ito.gov.ir.
	ID   string
	Name Bilingual
}

// Registry issues certificates and answers the public registry's questions.
type Registry struct {
	DB   *store.DB
	Keys *keys.Ring
	Log  *tlog.Log
	// BaseURL is the public URL of the desk, without a trailing slash; credentials
	// and QR codes point at it.
	BaseURL string
	Issuer  Issuer
	// Validity is the default certificate_validity when a request carries none.
	Validity catalog.Period
	// Categories are the catalog's certificate categories (id → names).
	Categories []catalog.Item
	Logger     *slog.Logger

	// changes counts registry changes committed through this value, so caches in
	// this process notice them at once (see Revision).
	changes atomic.Int64
}

// DefaultIssuer is ITO as the issuer of certificates.
func DefaultIssuer(baseURL string) Issuer {
	return Issuer{ID: baseURL, Name: Bilingual{FA: "سازمان فناوری اطلاعات ایران", EN: "Information Technology Organization of Iran"}}
}

// FromCatalog fills the registry's validity and categories from the CERTIFY
// service's module_config.
func (r *Registry) FromCatalog(svc *catalog.Service) {
	if svc == nil {
		return
	}
	if p, ok := svc.ModuleConfig.Periods["certificate_validity"]; ok {
		r.Validity = p
	}
	r.Categories = svc.ModuleConfig.Lists["categories"]
}

func (r *Registry) logger() *slog.Logger {
	if r.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return r.Logger
}
