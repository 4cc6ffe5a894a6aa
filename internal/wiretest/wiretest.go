// Package wiretest builds, for the tests of the web and API adapters, the domain
// services a test server leaves out, over the test's database as cmd/miz builds
// them. The adapters build no service themselves and never import store; only
// their tests import this package.
package wiretest

import (
	"context"
	"time"

	"github.com/itoir/miz/internal/calendar"
	"github.com/itoir/miz/internal/cases"
	"github.com/itoir/miz/internal/catalog"
	"github.com/itoir/miz/internal/certify"
	"github.com/itoir/miz/internal/certify/application"
	"github.com/itoir/miz/internal/complaints"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/kpi"
	"github.com/itoir/miz/internal/outages"
	"github.com/itoir/miz/internal/store"
)

// Domain points at an adapter's service fields. Fill sets each field that is
// nil; a nil pointer is a field the adapter does not have, left alone.
type Domain struct {
	// Services and Cases are read, not filled: what the test built.
	Services func(ctx context.Context) ([]*catalog.Service, error)
	Cases    *cases.Engine
	// Registry backs Applications; without one, Fill builds one over db.
	Registry *certify.Registry

	Outages      **outages.Service
	Calendar     **calendar.Service
	KPI          **kpi.Computer
	Complaints   **complaints.Service
	Sessions     **identity.Sessions
	Accounts     **identity.Accounts
	Applications **application.Module
}

// Fill builds over db each service of d that is still nil, with the test's clock
// (Cases.Now) where the case engine has one.
func Fill(db *store.DB, d Domain) {
	now := time.Now
	if d.Cases != nil && d.Cases.Now != nil {
		now = d.Cases.Now
	}
	if d.Outages != nil && *d.Outages == nil {
		*d.Outages = &outages.Service{DB: db, Services: d.Services, Now: now}
	}
	if d.Calendar != nil && *d.Calendar == nil {
		*d.Calendar = &calendar.Service{DB: db, Now: now}
		if d.Cases != nil {
			(*d.Calendar).Deadlines = d.Cases
		}
	}
	if d.Cases != nil {
		if d.KPI != nil && *d.KPI == nil {
			var avail kpi.AvailabilitySource
			if d.Outages != nil {
				avail = *d.Outages
			}
			*d.KPI = &kpi.Computer{DB: db, Catalog: d.Cases.Catalog, Calendar: d.Cases.Calendar, Now: now, Availability: avail}
		}
		if d.Complaints != nil && *d.Complaints == nil {
			*d.Complaints = complaints.New(d.Cases)
		}
	}
	if d.Sessions != nil && *d.Sessions == nil {
		*d.Sessions = &identity.Sessions{DB: db, Policy: identity.DefaultLoginPolicy()}
	}
	if d.Accounts != nil && *d.Accounts == nil {
		*d.Accounts = &identity.Accounts{DB: db, Policy: identity.DefaultLoginPolicy()}
	}
	if d.Applications != nil && *d.Applications == nil {
		reg := d.Registry
		if reg == nil {
			reg = &certify.Registry{DB: db}
		}
		*d.Applications = &application.Module{Registry: reg}
	}
}
