package main

import (
	"log/slog"
	"time"

	"github.com/itoir/miz/internal/api"
	"github.com/itoir/miz/internal/cases"
	"github.com/itoir/miz/internal/cert/consent"
	"github.com/itoir/miz/internal/cert/disclosure"
	"github.com/itoir/miz/internal/cert/dispatch"
	"github.com/itoir/miz/internal/cert/reactive"
	"github.com/itoir/miz/internal/cert/report"
	"github.com/itoir/miz/internal/keys"
	"github.com/itoir/miz/internal/pdf"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/web"
)

// certWork is the CERT desk's services beside the incident module (issue 15):
// on-site dispatch (M-4.4), access consent, technical reports (D-3) and
// coordinated disclosure. Both adapters get the same services.
type certWork struct {
	Dispatch   *dispatch.Service
	Consent    *consent.Service
	Reports    *report.Service
	Disclosure *disclosure.Service
	chrome     *pdf.Chrome // prints delivered reports; started on first use
}

// certModule is the cert case module guarded so that no state claims a team,
// an access grant or a delivered report the desk has not recorded.
func certModule(next *reactive.Module) cases.Module {
	return &dispatch.Module{Next: next, Guards: []dispatch.Guard{dispatch.TeamGuard, consent.Guard, report.Guard}, Pages: true}
}

func newCertWork(db *store.DB, e *cases.Engine, ring *keys.Ring, baseURL string, now func() time.Time) *certWork {
	return &certWork{
		Dispatch:   &dispatch.Service{DB: db, Cases: e, Now: now},
		Consent:    &consent.Service{DB: db, Cases: e, Now: now},
		Reports:    &report.Service{DB: db, Cases: e, Keys: ring, Now: now},
		Disclosure: &disclosure.Service{DB: db, BaseURL: baseURL, Now: now},
	}
}

// printWith lets consent records and delivered reports be printed by chromium from this server's own
// print page.
func (c *certWork) printWith(self func() string, log *slog.Logger) {
	c.chrome = pdf.NewChrome("", 1, log)
	c.Reports.Renderer, c.Reports.SelfURL = c.chrome, self
	c.Consent.Renderer, c.Consent.SelfURL = c.chrome, self
}

func (c *certWork) web() *web.CertWork {
	return &web.CertWork{Dispatch: c.Dispatch, Consent: c.Consent, Reports: c.Reports, Disclosure: c.Disclosure}
}

func (c *certWork) api() *api.CertWork {
	return &api.CertWork{Dispatch: c.Dispatch, Consent: c.Consent, Reports: c.Reports, Disclosure: c.Disclosure}
}

func (c *certWork) close() error {
	if c == nil || c.chrome == nil {
		return nil
	}
	return c.chrome.Close()
}
