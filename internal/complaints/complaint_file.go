package complaints

import (
	"context"
	"fmt"

	"github.com/itoir/miz/internal/audit"
	"github.com/itoir/miz/internal/authz"
	"github.com/itoir/miz/internal/cases"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/sla"
	"github.com/itoir/miz/internal/store"
)

// FileInput is a direct complaint: about staff conduct (C-4.9) or about the service,
// optionally about one of the applicant's own cases.
type FileInput struct {
	Service string
	// CaseCode is optional; when set it must be one of the applicant's own cases.
	CaseCode string
	// Type is conduct or service.
	Type string
	Body string
}

// File records a direct complaint (A-4.2: the API and the web form are the channel).
// The committee's decision is due within the catalog's decision_time on the business
// calendar (SLA C-4.5, SLA-CLOCK rule 10).
func (d *Service) File(ctx context.Context, p *identity.Principal, in FileInput) (*Complaint, error) {
	if p == nil {
		return nil, problem.New(problem.Unauthorized, "error.unauthorized")
	}
	var out *Complaint
	object := in.CaseCode
	if object == "" {
		object = in.Service
	}
	err := d.change(ctx, p, "complaint.file", "case", object, func(tx *store.Tx) error {
		if in.Type != TypeConduct && in.Type != TypeService {
			return problem.Field("type", "complaints.type")
		}
		body, err := checkText("body", in.Body)
		if err != nil {
			return err
		}
		var c *cases.Ref
		service := in.Service
		if in.CaseCode != "" {
			if c, err = cases.LookupRef(ctx, tx, in.CaseCode); err != nil {
				return problem.New(problem.NotFound, "complaints.case.not_yours")
			}
			if !authz.Decide(p, authz.Create, c.Resource(authz.Complaint)) {
				return problem.New(problem.NotFound, "complaints.case.not_yours")
			}
			service = c.Service
		} else {
			if service == "" {
				return problem.Field("service", "error.required")
			}
			if _, err := d.Catalog(ctx, service, 0); err != nil {
				return problem.Field("service", "cases.service.unknown", service)
			}
			own := authz.Resource{Kind: authz.Complaint, Service: service, OwnerPersonID: p.PersonID,
				OwnerOrgID: p.ApplicantOrgID(), OwnerAccountID: p.ID}
			if !authz.Decide(p, authz.Create, own) {
				return problem.New(problem.Forbidden, "complaints.forbidden")
			}
		}
		out, err = d.file(ctx, tx, p, c, service, in.Type, body, 0)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// file inserts a complaint with its first clock event, audits it and tells the
// applicant (with the tracking code) and the service's committee.
func (d *Service) file(ctx context.Context, tx *store.Tx, p *identity.Principal, c *cases.Ref, service, typ, body string, disputeID int64) (*Complaint, error) {
	version := 0
	if c != nil {
		version = c.ServiceVersion
	}
	svc, err := d.Catalog(ctx, service, version)
	if err != nil {
		return nil, err
	}
	code, err := cases.NewTrackingCode(d.Rand)
	if err != nil {
		return nil, err
	}
	dt := svc.Complaints.DecisionTime
	due := sla.Deadline(tx.Now, budget(dt.Amount, dt.Unit), d.calendar())
	quorum := max(svc.Complaints.Quorum, 1)
	k := &Complaint{TrackingCode: code, Service: service, ApplicantAccountID: p.ID, Type: typ, Body: body,
		State: StateReview, Holder: string(sla.HolderOrganization), Quorum: quorum, FiledAt: tx.Now, DueAt: due, Version: 1,
		DisputeID: disputeID}
	var caseID any
	if c != nil {
		caseID, k.CaseCode = c.ID, c.Code
		k.ApplicantAccountID, k.ApplicantPersonID, k.ApplicantOrgID = c.ApplicantAccountID, c.ApplicantPersonID, c.ApplicantOrgID
	} else {
		k.ApplicantPersonID, k.ApplicantOrgID = p.PersonID, p.ApplicantOrgID()
		if k.ApplicantOrgID != 0 {
			k.ApplicantPersonID = 0
		}
	}
	var dispute any
	if disputeID != 0 {
		dispute = disputeID
	}
	k.ID, err = tx.InsertID(ctx, `INSERT INTO complaints (tracking_code, service, case_id, dispute_id, applicant_account_id,
		applicant_person_id, applicant_org_id, type, body, state, holder, quorum, filed_at, due_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		code, service, caseID, dispute, k.ApplicantAccountID, nullID(k.ApplicantPersonID), nullID(k.ApplicantOrgID),
		typ, body, StateReview, k.Holder, quorum, store.Millis(tx.Now), store.Millis(due))
	if err != nil {
		if store.IsUniqueViolation(err) {
			return nil, &problem.Error{Code: problem.Conflict, Key: "complaints.dispute.escalated", Err: err}
		}
		return nil, fmt.Errorf("complaints: file: %w", err)
	}
	if err := addEvent(ctx, tx, k.ID, sla.HolderOrganization, ""); err != nil {
		return nil, err
	}
	if err := d.scheduleComplaint(ctx, tx, k); err != nil {
		return nil, err
	}
	if err := audit.Record(ctx, tx, actor(p), "complaint.filed", "complaint", code, map[string]any{
		"type": typ, "case": k.CaseCode, "service": service, "dispute": disputeID, "due_at": store.Millis(due)}); err != nil {
		return nil, err
	}
	if err := d.tell(ctx, tx, []int64{p.ID}, notice{key: "complaints.notice.filed", args: []any{code},
		link: complaintLink(k.ID), refKind: "complaint", refID: code, email: true}); err != nil {
		return nil, err
	}
	members, err := holders(ctx, tx, service, string(identity.Committee))
	if err != nil {
		return nil, err
	}
	return k, d.tell(ctx, tx, members, notice{key: "complaints.notice.committee", args: []any{code},
		link: complaintLink(k.ID), refKind: "complaint", refID: code})
}

// addEvent records who holds a complaint from now on: the source of its clock.
func addEvent(ctx context.Context, tx *store.Tx, id int64, h sla.Holder, reason string) error {
	_, err := tx.Exec(ctx, "INSERT INTO complaint_events (complaint_id, at, holder, reason) VALUES (?, ?, ?, ?)",
		id, store.Millis(tx.Now), string(h), reason)
	if err != nil {
		return fmt.Errorf("complaints: %d: event: %w", id, err)
	}
	return nil
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}
