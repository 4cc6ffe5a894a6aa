package web

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
)

// withDomain fills the domain services a test server leaves out, built over db as
// cmd/miz builds them (the server itself builds none).
func withDomain(s *Server, db *store.DB) *Server {
	now := time.Now
	if s.Cases != nil && s.Cases.Now != nil {
		now = s.Cases.Now
	}
	if s.Outages == nil {
		s.Outages = &outages.Service{DB: db, Services: s.Services, Now: now}
	}
	if s.Calendar == nil {
		s.Calendar = &calendar.Service{DB: db, Now: now}
		if s.Cases != nil {
			s.Calendar.Deadlines = s.Cases
		}
	}
	if s.Cases != nil {
		if s.KPI == nil {
			s.KPI = &kpi.Computer{DB: db, Catalog: s.Cases.Catalog, Calendar: s.Cases.Calendar, Now: now, Availability: s.Outages}
		}
		if s.Complaints == nil {
			s.Complaints = complaints.New(s.Cases)
		}
	}
	if s.Sessions == nil {
		s.Sessions = &identity.Sessions{DB: db, Policy: identity.DefaultLoginPolicy()}
	}
	if s.Accounts == nil {
		s.Accounts = &identity.Accounts{DB: db, Policy: identity.DefaultLoginPolicy()}
	}
	if s.Applications == nil {
		reg := s.Registry
		if reg == nil {
			reg = &certify.Registry{DB: db}
		}
		s.Applications = &application.Module{Registry: reg}
	}
	return s
}
