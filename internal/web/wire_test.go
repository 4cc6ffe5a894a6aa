package web

import (
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/wiretest"
)

// withDomain fills the domain services a test server leaves out, built over db as
// cmd/miz builds them (the server itself builds none).
func withDomain(s *Server, db *store.DB) *Server {
	wiretest.Fill(db, wiretest.Domain{Services: s.Services, Cases: s.Cases, Registry: s.Registry,
		Outages: &s.Outages, Calendar: &s.Calendar, KPI: &s.KPI, Complaints: &s.Complaints,
		Sessions: &s.Sessions, Accounts: &s.Accounts, Applications: &s.Applications})
	return s
}
