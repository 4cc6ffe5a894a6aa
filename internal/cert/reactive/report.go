package reactive

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/itoir/miz/internal/audit"
	"github.com/itoir/miz/internal/cases"
	"github.com/itoir/miz/internal/cert/incident"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
)

// Channels by which staff may take a report for an organisation.
const (
	ChannelPhone = "phone"
	ChannelEmail = "email"
	ChannelVisit = "visit"
)

// Channels lists the channels of a report taken by staff, in the order a page offers them.
func Channels() []string { return []string{ChannelPhone, ChannelEmail, ChannelVisit} }

// ReportInput is an incident report as the form and the API send it.
type ReportInput struct {
	// Service is the CERT service's catalog ID.
	Service string
	// Form is the report (incident.Form's JSON keys).
	Form json.RawMessage
	// Organization is the national ID of the organisation staff report for (empty:
	// the caller reports for itself); Channel is how the organisation told the CERT.
	Organization string
	Channel      string
}

// Check validates a report completely — every field at fault at once, and what
// happened required — without storing anything; web and API call it before
// accepting uploads, and Report calls it again.
func (s *Service) Check(in ReportInput) (incident.Form, error) {
	f, err := incident.Parse(in.Form, s.now())
	var fe incident.FieldErrors
	if err != nil && !errors.As(err, &fe) {
		return f, err
	}
	if len(fe) > 0 && fe[0].Field == "form" {
		return f, fe // unreadable: nothing more to say
	}
	if err := f.Complete(); err != nil {
		fe = append(fe, err.(incident.FieldErrors)...)
	}
	if in.onBehalf() {
		ok := false
		for _, c := range Channels() {
			ok = ok || c == strings.TrimSpace(in.Channel)
		}
		if !ok {
			fe = append(fe, problem.Field("channel", "cert.report.channel"))
		}
		if strings.TrimSpace(in.Organization) == "" {
			fe = append(fe, problem.Field("organization", "cert.report.organization"))
		}
	}
	if len(fe) > 0 {
		return f, fe
	}
	return f, nil
}

// Open opens an incident report as a draft for the caller's organisation, so that
// evidence can be attached before it is sent (Submit). The form must be complete.
func (s *Service) Open(ctx context.Context, p *identity.Principal, in ReportInput) (*cases.Case, error) {
	if _, err := s.Check(in); err != nil {
		return nil, err
	}
	if in.onBehalf() {
		return nil, problem.Field("organization", "cert.report.organization")
	}
	return s.Cases.Open(ctx, p, cases.OpenInput{Service: in.Service, Kind: KindIncident, Form: in.Form})
}

// Submit sends an opened report to the CERT: the reported state's 30-minute first
// response starts (24×7 clock).
func (s *Service) Submit(ctx context.Context, p *identity.Principal, code string) (*cases.Case, error) {
	return s.Cases.Submit(ctx, p, code)
}

// Report opens and sends an incident report in one step. An applicant reports for
// its own organisation; CERT staff report for organisation OnBehalfOf (a report
// taken by phone at night), which the incident keeps — who took it and by which
// channel — shown on its page and audited as cert.reported_on_behalf.
func (s *Service) Report(ctx context.Context, p *identity.Principal, in ReportInput) (*cases.Case, error) {
	if _, err := s.Check(in); err != nil {
		return nil, err
	}
	if !in.onBehalf() {
		c, err := s.Cases.Open(ctx, p, cases.OpenInput{Service: in.Service, Kind: KindIncident, Form: in.Form})
		if err != nil {
			return nil, err
		}
		return s.Cases.Submit(ctx, p, c.TrackingCode)
	}
	if !p.IsStaff() || !(p.HasRole(in.Service, identity.Responder) || p.HasRole(in.Service, identity.Analyst) ||
		p.HasRole(in.Service, identity.Supervisor)) {
		return nil, problem.New(problem.Forbidden, "cert.forbidden")
	}
	channel := strings.TrimSpace(in.Channel)
	var org identity.Organization
	err := s.DB.ViewAt(ctx, s.now, func(tx *store.Tx) error {
		var err error
		org, err = identity.OrganizationByNationalID(ctx, tx, strings.TrimSpace(in.Organization))
		return err
	})
	if errors.Is(err, store.ErrNotFound) {
		return nil, problem.Field("organization", "cert.report.organization_unknown")
	}
	if err != nil {
		return nil, err
	}
	return s.Cases.OpenOnBehalf(ctx, p, org.ID, cases.OpenInput{Service: in.Service, Kind: KindIncident, Form: in.Form},
		func(ctx context.Context, tx *store.Tx, c *cases.Case) error {
			if _, err := tx.Exec(ctx, `UPDATE cert_incidents SET reported_by_staff = ?, report_channel = ? WHERE case_id = ?`,
				p.ID, channel, c.ID); err != nil {
				return fmt.Errorf("cert: report on behalf %s: %w", c.TrackingCode, err)
			}
			return audit.Record(ctx, tx, audit.AccountActor(p.ID), "cert.reported_on_behalf", "case", c.TrackingCode,
				map[string]any{"organization": org.ID, "channel": channel})
		})
}

func (in ReportInput) onBehalf() bool {
	return strings.TrimSpace(in.Organization) != "" || strings.TrimSpace(in.Channel) != ""
}
