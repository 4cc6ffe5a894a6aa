package api

import (
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/web"
	"github.com/itoir/miz/internal/wiretest"
)

// withDomain fills the domain services a test API leaves out, built over db as
// cmd/miz builds them (the API itself builds none).
func withDomain(a *API, db *store.DB) *API {
	wiretest.Fill(db, wiretest.Domain{Services: a.Services, Cases: a.Cases,
		Outages: &a.Outages, Calendar: &a.Calendar, KPI: &a.KPI, Complaints: &a.Complaints,
		Sessions: &a.Sessions, Accounts: &a.Accounts})
	return a
}

// webWithDomain gives a test web server the same services as a (and the reviews
// reader over db), so both adapters answer from one domain.
func webWithDomain(s *web.Server, a *API, db *store.DB) *web.Server {
	s.Sessions, s.Accounts, s.Calendar, s.Complaints, s.Outages, s.KPI = a.Sessions, a.Accounts, a.Calendar, a.Complaints, a.Outages, a.KPI
	wiretest.Fill(db, wiretest.Domain{Registry: s.Registry, Applications: &s.Applications})
	return s
}
