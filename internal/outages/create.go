package outages

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/itoir/miz/internal/audit"
	"github.com/itoir/miz/internal/authz"
	"github.com/itoir/miz/internal/catalog"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
)

// CreateInput is an outage as an admin records it.
type CreateInput struct {
	Kind   Kind   `json:"kind"`
	Impact Impact `json:"impact"`
	// Services lists the affected services; empty means every service.
	Services []string  `json:"services"`
	Start    time.Time `json:"start"`
	// End is required for planned outages; for unplanned ones it may be left out
	// while the outage lasts.
	End      time.Time `json:"end,omitzero"`
	NoticeFa string    `json:"notice_fa"`
	NoticeEn string    `json:"notice_en"`
}

// maxNotice bounds the notice texts, which appear on every page.
const maxNotice = 1000

// validate checks an outage against the rules of C-4.4: planned work is announced
// ahead and has an announced end; an unplanned outage is not recorded in advance.
func (s *Service) validate(ctx context.Context, in *CreateInput, now time.Time) error {
	if in.Impact == "" {
		in.Impact = Down
	}
	in.NoticeFa, in.NoticeEn = strings.TrimSpace(in.NoticeFa), strings.TrimSpace(in.NoticeEn)
	switch {
	case in.Kind != Planned && in.Kind != Unplanned:
		return problem.Field("kind", "outages.kind")
	case in.Impact != Down && in.Impact != Degraded:
		return problem.Field("impact", "outages.impact")
	case in.Start.IsZero():
		return problem.Field("start", "outages.start.required")
	case in.NoticeFa == "":
		return problem.Field("notice_fa", "outages.notice.required")
	case len(in.NoticeFa) > maxNotice || len(in.NoticeEn) > maxNotice:
		return problem.Field("notice_fa", "outages.notice.long", maxNotice)
	case !in.End.IsZero() && !in.End.After(in.Start):
		return problem.Field("end", "outages.end.before_start")
	case in.Kind == Planned && !in.Start.After(now):
		return problem.Field("start", "outages.planned.ahead")
	case in.Kind == Planned && in.End.IsZero():
		return problem.Field("end", "outages.planned.end")
	case in.Kind == Unplanned && in.Start.After(now):
		return problem.Field("start", "outages.unplanned.future")
	}
	slices.Sort(in.Services)
	in.Services = slices.Compact(in.Services)
	if s.Services == nil || len(in.Services) == 0 {
		return nil
	}
	svcs, err := s.Services(ctx)
	if err != nil {
		return fmt.Errorf("outages: services: %w", err)
	}
	for _, id := range in.Services {
		if !slices.ContainsFunc(svcs, func(c *catalog.Service) bool { return c.ID == id }) {
			return problem.Field("services", "outages.service.unknown", id)
		}
	}
	return nil
}

// Create records an outage (admins only, SLA C-4.4) and, in the same transaction,
// notifies every applicant with a case in flight on an affected service, in-app and
// by e-mail. A planned outage is thereby announced ahead of its start. The case
// clocks are left alone (SLA-CLOCK rule 8).
func (s *Service) Create(ctx context.Context, p *identity.Principal, in CreateInput) (*Outage, error) {
	if !authz.Decide(p, authz.Create, authz.Resource{Kind: authz.Outage}) {
		if p == nil {
			return nil, problem.New(problem.Unauthorized, "error.unauthorized")
		}
		return nil, problem.New(problem.Forbidden, "outages.forbidden")
	}
	var o Outage
	err := s.update(ctx, func(tx *store.Tx) error {
		if err := s.validate(ctx, &in, tx.Now); err != nil {
			return err
		}
		o = Outage{Kind: in.Kind, Impact: in.Impact, Services: in.Services, AllServices: len(in.Services) == 0,
			Start: in.Start.UTC().Truncate(time.Millisecond), NoticeFa: in.NoticeFa, NoticeEn: in.NoticeEn,
			CreatedBy: p.ID, CreatedAt: tx.Now, AnnouncedAt: tx.Now}
		var end any
		if !in.End.IsZero() {
			o.End = in.End.UTC().Truncate(time.Millisecond)
			end = store.Millis(o.End)
		}
		id, err := tx.InsertID(ctx, `INSERT INTO outages (kind, impact, all_services, starts_at, ends_at, notice_fa,
			notice_en, created_by, created_at, announced_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			string(o.Kind), string(o.Impact), o.AllServices, store.Millis(o.Start), end, o.NoticeFa, o.NoticeEn,
			o.CreatedBy, store.Millis(o.CreatedAt), store.Millis(o.AnnouncedAt))
		if err != nil {
			return fmt.Errorf("outages: create: %w", err)
		}
		o.ID = id
		for _, svc := range o.Services {
			if _, err := tx.Exec(ctx, "INSERT INTO outage_services (outage_id, service) VALUES (?, ?)", id, svc); err != nil {
				return fmt.Errorf("outages: create: service %s: %w", svc, err)
			}
		}
		n, err := notifyApplicants(ctx, tx, o)
		if err != nil {
			return err
		}
		o.Notified = n
		if _, err := tx.Exec(ctx, "UPDATE outages SET notified = ? WHERE id = ?", n, id); err != nil {
			return fmt.Errorf("outages: create: %w", err)
		}
		return audit.Record(ctx, tx, audit.AccountActor(p.ID), "outage.create", "outage", fmt.Sprint(id),
			map[string]any{"kind": string(o.Kind), "impact": string(o.Impact), "services": strings.Join(o.Services, ","),
				"start": store.Millis(o.Start), "end": store.Millis(o.End), "notified": n})
	})
	if err != nil {
		return nil, err
	}
	return &o, nil
}

// End closes an ongoing outage now, or shortens a planned one that finished early.
func (s *Service) End(ctx context.Context, p *identity.Principal, id int64) (*Outage, error) {
	if !authz.Decide(p, authz.Update, authz.Resource{Kind: authz.Outage}) {
		if p == nil {
			return nil, problem.New(problem.Unauthorized, "error.unauthorized")
		}
		return nil, problem.New(problem.Forbidden, "outages.forbidden")
	}
	var o Outage
	err := s.update(ctx, func(tx *store.Tx) error {
		got, err := query(ctx, tx, "id = ?", id)
		if err != nil {
			return err
		}
		if len(got) == 0 {
			return &problem.Error{Code: problem.NotFound, Key: "outages.not_found", Err: store.ErrNotFound}
		}
		o = got[0]
		if !o.ActiveAt(tx.Now) {
			return problem.New(problem.Conflict, "outages.not_active")
		}
		o.End = tx.Now
		if _, err := tx.Exec(ctx, "UPDATE outages SET ends_at = ?, ended_by = ? WHERE id = ?", store.Millis(o.End), p.ID, id); err != nil {
			return fmt.Errorf("outages: end %d: %w", id, err)
		}
		return audit.Record(ctx, tx, audit.AccountActor(p.ID), "outage.end", "outage", fmt.Sprint(id),
			map[string]any{"end": store.Millis(o.End)})
	})
	if err != nil {
		return nil, err
	}
	return &o, nil
}
