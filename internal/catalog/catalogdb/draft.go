package catalogdb

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"sync"

	"github.com/itoir/miz/internal/audit"
	"github.com/itoir/miz/internal/authz"
	"github.com/itoir/miz/internal/catalog"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
)

// maxDraftSize bounds a draft's text, as catalog.Parse bounds a file.
const maxDraftSize = 1 << 20

var serviceID = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z][a-z0-9_-]{0,39}$`) })

// actor names a principal in the audit log.
func actor(p *identity.Principal) string { return audit.AccountActor(p.ID) }

// allow asks the one policy whether p may apply verb to drafts of service.
func allow(p *identity.Principal, verb authz.Verb, service string) error {
	if p == nil {
		return problem.New(problem.Unauthorized, "error.unauthorized")
	}
	if !authz.Decide(p, verb, authz.Resource{Kind: authz.ServiceDraft, Service: service}) {
		return problem.New(problem.Forbidden, "catalog.forbidden")
	}
	return nil
}

// CreateDraft stores a new draft version of service, numbered after its latest
// version. An empty text starts from the version in force, renumbered. A draft may
// have problems; it cannot be submitted until it has none.
func (s *Store) CreateDraft(ctx context.Context, p *identity.Principal, service, text string) (*Version, error) {
	if !serviceID().MatchString(service) {
		return nil, problem.Field("service", "cases.service.unknown", service)
	}
	if err := allow(p, authz.Create, service); err != nil {
		return nil, err
	}
	if len(text) > maxDraftSize {
		return nil, problem.New(problem.TooLarge, "error.too_large", "1 MB")
	}
	var v *Version
	err := s.DB.Update(ctx, func(tx *store.Tx) error {
		if err := tx.Lock(ctx, lockKey); err != nil {
			return err
		}
		var last int
		if err := tx.QueryRow(ctx, `SELECT COALESCE(MAX(version), 0) FROM service_versions WHERE service = ?`, service).Scan(&last); err != nil {
			return err
		}
		n := last + 1
		if strings.TrimSpace(text) == "" {
			if last == 0 {
				return problem.Field("yaml", "catalog.draft.empty")
			}
			if err := tx.QueryRow(ctx, `SELECT yaml FROM service_versions WHERE service = ? AND status = 'published'
				ORDER BY version DESC LIMIT 1`, service).Scan(&text); err != nil {
				return fmt.Errorf("latest published: %w", err)
			}
			text = withVersion(text, n)
		}
		now := store.Millis(tx.Now)
		id, err := tx.InsertID(ctx, `INSERT INTO service_versions (service, version, status, yaml, created_by, updated_by,
			created_at, updated_at) VALUES (?, ?, 'draft', ?, ?, ?, ?, ?)`, service, n, text, p.ID, p.ID, now, now)
		if err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, actor(p), "catalog.draft.create", "service_version",
			fmt.Sprintf("%s/%d", service, n), map[string]any{"id": id}); err != nil {
			return err
		}
		v, err = getVersion(ctx, tx, service, n)
		return err
	})
	if err != nil {
		return nil, wrap("create draft of "+service, err)
	}
	return v, nil
}

// UpdateDraft replaces the text of a draft. Editing a version in review sends it back
// to draft: what the publisher reviews must be what is published.
func (s *Store) UpdateDraft(ctx context.Context, p *identity.Principal, service string, n int, text string) (*Version, error) {
	if err := allow(p, authz.Update, service); err != nil {
		return nil, err
	}
	if len(text) > maxDraftSize {
		return nil, problem.New(problem.TooLarge, "error.too_large", "1 MB")
	}
	var v *Version
	err := s.DB.Update(ctx, func(tx *store.Tx) error {
		cur, err := getVersion(ctx, tx, service, n)
		if err != nil {
			return err
		}
		if cur.Status != StatusDraft && cur.Status != StatusReview {
			return problem.New(problem.Conflict, "catalog.draft.not_editable", string(cur.Status))
		}
		if _, err := tx.Exec(ctx, `UPDATE service_versions SET yaml = ?, status = 'draft', updated_by = ?, updated_at = ?,
			submitted_by = 0, submitted_at = 0 WHERE id = ?`, text, p.ID, store.Millis(tx.Now), cur.ID); err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, actor(p), "catalog.draft.update", "service_version",
			fmt.Sprintf("%s/%d", service, n), map[string]any{"from": string(cur.Status)}); err != nil {
			return err
		}
		v, err = getVersion(ctx, tx, service, n)
		return err
	})
	if err != nil {
		return nil, wrap(fmt.Sprintf("update %s v%d", service, n), err)
	}
	return v, nil
}

// Submit sends a draft to review. A draft with any problem is refused; the error
// wraps a *catalog.ValidationError listing every problem with its line.
func (s *Store) Submit(ctx context.Context, p *identity.Principal, service string, n int) error {
	if err := allow(p, authz.Update, service); err != nil {
		return err
	}
	err := s.DB.Update(ctx, func(tx *store.Tx) error {
		cur, err := getVersion(ctx, tx, service, n)
		if err != nil {
			return err
		}
		if cur.Status != StatusDraft {
			return problem.New(problem.Conflict, "catalog.draft.not_draft", string(cur.Status))
		}
		if probs := cur.Problems(); len(probs) > 0 {
			return &problem.Error{Code: problem.Invalid, Key: "catalog.draft.invalid", Args: []any{len(probs)},
				Field: "yaml", Err: &catalog.ValidationError{Problems: probs}}
		}
		if _, err := tx.Exec(ctx, `UPDATE service_versions SET status = 'review', submitted_by = ?, submitted_at = ?
			WHERE id = ?`, p.ID, store.Millis(tx.Now), cur.ID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor(p), "catalog.draft.submit", "service_version", fmt.Sprintf("%s/%d", service, n), nil)
	})
	return wrap(fmt.Sprintf("submit %s v%d", service, n), err)
}

// Withdraw abandons a draft or a version in review; its number is not reused.
func (s *Store) Withdraw(ctx context.Context, p *identity.Principal, service string, n int) error {
	if err := allow(p, authz.Update, service); err != nil {
		return err
	}
	err := s.DB.Update(ctx, func(tx *store.Tx) error {
		cur, err := getVersion(ctx, tx, service, n)
		if err != nil {
			return err
		}
		if cur.Status != StatusDraft && cur.Status != StatusReview {
			return problem.New(problem.Conflict, "catalog.draft.not_editable", string(cur.Status))
		}
		if _, err := tx.Exec(ctx, `UPDATE service_versions SET status = 'withdrawn', updated_by = ?, updated_at = ?
			WHERE id = ?`, p.ID, store.Millis(tx.Now), cur.ID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor(p), "catalog.draft.withdraw", "service_version", fmt.Sprintf("%s/%d", service, n), nil)
	})
	return wrap(fmt.Sprintf("withdraw %s v%d", service, n), err)
}

// wrap names the operation on an unexpected error and leaves problems for people as
// they are, so that the edge can still localise them.
func wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	if _, ok := err.(*problem.Error); ok {
		return err
	}
	return fmt.Errorf("catalogdb: %s: %w", op, err)
}
