package cases

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/itoir/miz/internal/catalog"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
)

// Case is one request to a service, as stored.
type Case struct {
	ID             int64
	TrackingCode   string
	Service        string
	ServiceVersion int
	Kind           string
	State          string
	// Holder is who holds the case now: organization, applicant or none.
	Holder             string
	ApplicantAccountID int64
	ApplicantPersonID  int64
	ApplicantOrgID     int64
	ApplicantType      string
	// Form is the applicant's form (D-1): never public, never in analytics.
	Form              json.RawMessage
	AssigneeAccountID int64
	CreatedAt         time.Time
	SubmittedAt       time.Time
	ClosedAt          time.Time
	// DueAt and UsedSeconds cache the clock as of the last change, for sorting.
	DueAt       time.Time
	UsedSeconds int64
	// Version increases with every change; a change that read an older version loses.
	Version int
}

const caseColumns = `id, tracking_code, service, service_version, kind, state, holder,
	applicant_account_id, applicant_person_id, applicant_org_id, applicant_type, form,
	assignee_account_id, created_at, submitted_at, closed_at, due_at, used_seconds, version`

type scanner interface{ Scan(dest ...any) error }

func scanCase(row scanner) (*Case, error) {
	var c Case
	var person, org, assignee sql.NullInt64
	var form string
	var created, submitted, closed, due int64
	err := row.Scan(&c.ID, &c.TrackingCode, &c.Service, &c.ServiceVersion, &c.Kind, &c.State, &c.Holder,
		&c.ApplicantAccountID, &person, &org, &c.ApplicantType, &form,
		&assignee, &created, &submitted, &closed, &due, &c.UsedSeconds, &c.Version)
	if err != nil {
		return nil, err
	}
	c.ApplicantPersonID, c.ApplicantOrgID, c.AssigneeAccountID = person.Int64, org.Int64, assignee.Int64
	c.Form = json.RawMessage(form)
	c.CreatedAt, c.SubmittedAt = store.FromMillis(created), store.FromMillis(submitted)
	c.ClosedAt, c.DueAt = store.FromMillis(closed), store.FromMillis(due)
	return &c, nil
}

// loadCase reads a case by its canonical tracking code.
func loadCase(ctx context.Context, tx *store.Tx, code string) (*Case, error) {
	c, err := scanCase(tx.QueryRow(ctx, "SELECT "+caseColumns+" FROM cases WHERE tracking_code = ?", code))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, &problem.Error{Code: problem.NotFound, Key: "cases.not_found", Err: store.ErrNotFound}
	}
	if err != nil {
		return nil, fmt.Errorf("cases: load %s: %w", code, err)
	}
	return c, nil
}

// lookup parses a typed tracking code and loads its case.
func lookup(ctx context.Context, tx *store.Tx, code string) (*Case, error) {
	canon, err := ParseTrackingCode(code)
	if err != nil {
		return nil, err
	}
	return loadCase(ctx, tx, canon)
}

// nullID stores 0 as NULL, for optional references.
func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// process resolves the service version and kind a case began under.
func (e *Engine) process(ctx context.Context, c *Case) (*catalog.Service, *catalog.CaseKind, error) {
	svc, err := e.Catalog(ctx, c.Service, c.ServiceVersion)
	if err != nil {
		return nil, nil, fmt.Errorf("cases: %s: service %s v%d: %w", c.TrackingCode, c.Service, c.ServiceVersion, err)
	}
	k, ok := svc.Kind(c.Kind)
	if !ok {
		return nil, nil, fmt.Errorf("cases: %s: service %s v%d has no kind %q", c.TrackingCode, c.Service, c.ServiceVersion, c.Kind)
	}
	return svc, k, nil
}
