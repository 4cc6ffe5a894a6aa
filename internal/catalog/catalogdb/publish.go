package catalogdb

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/itoir/miz/internal/audit"
	"github.com/itoir/miz/internal/authz"
	"github.com/itoir/miz/internal/cases"
	"github.com/itoir/miz/internal/catalog"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/jalali"
	"github.com/itoir/miz/internal/notify"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
)

// PublishInput is what a publisher decides: from which day new cases use the
// version, and what changed, in both languages (C-4.6).
type PublishInput struct {
	EffectiveFrom catalog.Date
	Summary       catalog.Text
}

// Change is one entry of the public list of changes (C-4.6).
type Change struct {
	ID            int64
	Service       string
	Version       int
	Name          catalog.Text
	EffectiveFrom time.Time
	Summary       catalog.Text
	// Notified counts the applicants told, those with a case in flight.
	Notified    int
	PublishedAt time.Time
}

// Notice is what one applicant with a case in flight is told about a publication.
type Notice struct {
	AccountID int64
	Email     string
	Change    Change
}

// Publish makes a version in review public. The publisher must hold the publish
// right on the service and must not have written or submitted the version (four
// eyes). In the same transaction it records the audit entry and the public change
// notice, and tells every applicant with a case in flight on the service (C-4.6).
// Cases already open stay on the version they began under.
func (s *Store) Publish(ctx context.Context, p *identity.Principal, service string, n int, in PublishInput) (*Change, error) {
	if err := allow(p, authz.Publish, service); err != nil {
		return nil, err
	}
	in.Summary.FA, in.Summary.EN = strings.TrimSpace(in.Summary.FA), strings.TrimSpace(in.Summary.EN)
	if in.Summary.FA == "" {
		return nil, problem.Field("summary_fa", "catalog.publish.summary")
	}
	if in.Summary.EN == "" {
		return nil, problem.Field("summary_en", "catalog.publish.summary")
	}
	if in.EffectiveFrom.IsZero() {
		return nil, problem.Field("effective_from", "catalog.publish.date")
	}
	var ch *Change
	err := s.DB.Update(ctx, func(tx *store.Tx) error {
		if err := tx.Lock(ctx, lockKey); err != nil {
			return err
		}
		cur, err := getVersion(ctx, tx, service, n)
		if err != nil {
			return err
		}
		if cur.Status != StatusReview {
			return problem.New(problem.Conflict, "catalog.publish.not_review", string(cur.Status))
		}
		if p.ID == cur.CreatedBy || p.ID == cur.UpdatedBy || p.ID == cur.SubmittedBy {
			return problem.New(problem.Forbidden, "catalog.publish.own")
		}
		eff := dayStart(in.EffectiveFrom)
		today := tx.Now.In(jalali.Tehran())
		if eff.Before(time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, jalali.Tehran())) {
			return problem.Field("effective_from", "catalog.publish.past")
		}
		var latest int64
		if err := tx.QueryRow(ctx, `SELECT COALESCE(MAX(effective_from), 0) FROM service_versions
			WHERE service = ? AND status = 'published'`, service).Scan(&latest); err != nil {
			return err
		}
		if store.Millis(eff) < latest {
			return problem.Field("effective_from", "catalog.publish.before_latest")
		}
		text := withEffectiveFrom(cur.YAML, in.EffectiveFrom)
		if probs := check(service, n, []byte(text)); len(probs) > 0 {
			return &problem.Error{Code: problem.Invalid, Key: "catalog.draft.invalid", Args: []any{len(probs)},
				Field: "yaml", Err: &catalog.ValidationError{Problems: probs}}
		}
		svc, _ := catalog.Parse(service, []byte(text))
		now := store.Millis(tx.Now)
		if _, err := tx.Exec(ctx, `UPDATE service_versions SET status = 'published', yaml = ?, effective_from = ?,
			published_by = ?, published_at = ?, change_summary_fa = ?, change_summary_en = ? WHERE id = ?`,
			text, store.Millis(eff), p.ID, now, in.Summary.FA, in.Summary.EN, cur.ID); err != nil {
			return err
		}
		ch = &Change{Service: service, Version: n, Name: svc.Name, EffectiveFrom: eff, Summary: in.Summary, PublishedAt: tx.Now}
		if ch.Notified, err = s.tellApplicants(ctx, tx, *ch); err != nil {
			return err
		}
		if ch.ID, err = tx.InsertID(ctx, `INSERT INTO catalog_changes (service, version, effective_from, summary_fa,
			summary_en, notified, published_at) VALUES (?, ?, ?, ?, ?, ?, ?)`, service, n, store.Millis(eff),
			in.Summary.FA, in.Summary.EN, ch.Notified, now); err != nil {
			return err
		}
		if err := bumpGeneration(ctx, tx); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor(p), "catalog.publish", "service_version", fmt.Sprintf("%s/%d", service, n),
			map[string]any{"effective_from": in.EffectiveFrom.String(), "notified": ch.Notified, "change": ch.ID})
	})
	if err != nil {
		return nil, wrap(fmt.Sprintf("publish %s v%d", service, n), err)
	}
	return ch, nil
}

// tellApplicants notifies every applicant with a case not yet closed on the service,
// once each, and returns how many were told (C-4.6).
func (s *Store) tellApplicants(ctx context.Context, tx *store.Tx, ch Change) (int, error) {
	applicants, err := cases.ApplicantsWithOpenCases(ctx, tx, ch.Service)
	if err != nil {
		return 0, err
	}
	to := make([]Notice, len(applicants))
	for i, a := range applicants {
		to[i] = Notice{AccountID: a.AccountID, Email: a.Email, Change: ch}
	}
	tell := s.Notify
	if tell == nil {
		tell = s.standardNotice
	}
	for _, n := range to {
		if err := tell(ctx, tx, n); err != nil {
			return 0, err
		}
	}
	return len(to), nil
}

// standardNotice is the in-app notice and e-mail about a published change.
func (s *Store) standardNotice(ctx context.Context, tx *store.Tx, n Notice) error {
	c := n.Change
	link := fmt.Sprintf("/services/%s/sla?version=%d", c.Service, c.Version)
	day := jalali.FormatFa(jalali.FromTime(c.EffectiveFrom))
	in := notify.InApp{
		TitleFa: fmt.Sprintf("تغییر در خدمت «%s» (نسخه %d)", c.Name.FA, c.Version),
		TitleEn: fmt.Sprintf("Change to the service %q (version %d)", c.Name.EN, c.Version),
		BodyFa: c.Summary.FA + "\n\n" + fmt.Sprintf("این نسخه از %s برای درخواست‌های تازه به کار می‌رود؛ "+
			"درخواست‌های در جریان شما طبق نسخه‌ای که با آن آغاز شده‌اند ادامه می‌یابند.", day),
		BodyEn: c.Summary.EN + "\n\n" + fmt.Sprintf("This version applies to new requests from %s; "+
			"your requests in progress continue under the version they began with.",
			c.EffectiveFrom.In(jalali.Tehran()).Format("2006-01-02")),
		Link: link,
	}
	if err := notify.Notify(ctx, tx, n.AccountID, in); err != nil {
		return err
	}
	if n.Email == "" {
		return nil
	}
	b := notify.Bilingual{SubjectFa: in.TitleFa, SubjectEn: in.TitleEn, BodyFa: in.BodyFa, BodyEn: in.BodyEn}
	if s.BaseURL != "" {
		b.Link = strings.TrimSuffix(s.BaseURL, "/") + link
	}
	msg := b.Email(n.Email)
	msg.RefKind, msg.RefID = "service_version", fmt.Sprintf("%s/%d", c.Service, c.Version)
	return notify.Queue(ctx, tx, msg)
}

// Changes returns the published change notices, newest first, at most limit
// (default 50).
func (s *Store) Changes(ctx context.Context, limit int) ([]Change, error) {
	if limit <= 0 {
		limit = 50
	}
	var out []Change
	err := s.DB.View(ctx, func(tx *store.Tx) error {
		rows, err := tx.Query(ctx, `SELECT id, service, version, effective_from, summary_fa, summary_en, notified, published_at
			FROM catalog_changes ORDER BY published_at DESC, id DESC LIMIT ?`, limit)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var c Change
			var eff, pub int64
			if err := rows.Scan(&c.ID, &c.Service, &c.Version, &eff, &c.Summary.FA, &c.Summary.EN, &c.Notified, &pub); err != nil {
				return err
			}
			c.EffectiveFrom, c.PublishedAt = store.FromMillis(eff), store.FromMillis(pub)
			out = append(out, c)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("catalogdb: changes: %w", err)
	}
	for i := range out {
		if svc, err := s.Version(ctx, out[i].Service, out[i].Version); err == nil {
			out[i].Name = svc.Name
		}
	}
	return out, nil
}
