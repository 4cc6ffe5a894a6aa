package api

import (
	"time"

	"github.com/itoir/miz/internal/calendar"
	"github.com/itoir/miz/internal/certify"
	"github.com/itoir/miz/internal/certify/application"
	"github.com/itoir/miz/internal/complaints"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/kpi"
	"github.com/itoir/miz/internal/outages"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/web"
)

// withDomain fills the domain services a test API leaves out, built over db as
// cmd/miz builds them (the API itself builds none).
func withDomain(a *API, db *store.DB) *API {
	now := time.Now
	if a.Cases != nil && a.Cases.Now != nil {
		now = a.Cases.Now
	}
	if a.Outages == nil {
		a.Outages = &outages.Service{DB: db, Services: a.Services, Now: now}
	}
	if a.Calendar == nil {
		a.Calendar = &calendar.Service{DB: db, Now: now}
		if a.Cases != nil {
			a.Calendar.Deadlines = a.Cases
		}
	}
	if a.Cases != nil {
		if a.KPI == nil {
			a.KPI = &kpi.Computer{DB: db, Catalog: a.Cases.Catalog, Calendar: a.Cases.Calendar, Now: now, Availability: a.Outages}
		}
		if a.Complaints == nil {
			a.Complaints = complaints.New(a.Cases)
		}
	}
	if a.Sessions == nil {
		a.Sessions = &identity.Sessions{DB: db, Policy: identity.DefaultLoginPolicy()}
	}
	if a.Accounts == nil {
		a.Accounts = &identity.Accounts{DB: db, Policy: identity.DefaultLoginPolicy()}
	}
	return a
}

// webWithDomain gives a test web server the same services as a (and the reviews
// reader over db), so both adapters answer from one domain.
func webWithDomain(s *web.Server, a *API, db *store.DB) *web.Server {
	s.Sessions, s.Accounts, s.Calendar, s.Complaints, s.Outages, s.KPI = a.Sessions, a.Accounts, a.Calendar, a.Complaints, a.Outages, a.KPI
	if s.Applications == nil {
		reg := s.Registry
		if reg == nil {
			reg = &certify.Registry{DB: db}
		}
		s.Applications = &application.Module{Registry: reg}
	}
	return s
}
