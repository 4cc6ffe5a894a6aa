package dispatch

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/itoir/miz/internal/store"
)

// Dispatch is one team asked for on a case and what its lead recorded.
type Dispatch struct {
	ID          int64
	CaseID      int64
	RequestedAt time.Time
	RequestedBy int64
	RequestNote string
	// LeadID is the staff member who recorded the team; 0 before.
	LeadID           int64
	Members          []string
	PlannedDeparture time.Time
	ETA              time.Time
	TeamRecordedAt   time.Time
	ArrivedAt        time.Time
	LeftAt           time.Time
	FieldNotes       string
}

// TeamRecorded reports whether a lead recorded the team (members, departure, ETA).
func (d *Dispatch) TeamRecorded() bool { return !d.TeamRecordedAt.IsZero() && len(d.Members) > 0 }

// Clock is the dispatch clock (SLA M-4.4): from the request to the team's arrival,
// around the clock.
type Clock struct {
	// Elapsed is the time from the request to the arrival, or to now while the
	// team has not arrived.
	Elapsed time.Duration
	// Running is true until the team arrives.
	Running bool
}

// ClockAt is the dispatch clock at now.
func (d *Dispatch) ClockAt(now time.Time) Clock {
	if !d.ArrivedAt.IsZero() {
		return Clock{Elapsed: d.ArrivedAt.Sub(d.RequestedAt)}
	}
	return Clock{Elapsed: max(0, now.Sub(d.RequestedAt)), Running: true}
}

const dispatchColumns = `id, case_id, requested_at, requested_by, request_note, lead_id, members, planned_departure,
	eta, team_recorded_at, arrived_at, left_at, field_notes`

type scanner interface{ Scan(dest ...any) error }

func scanDispatch(r scanner) (*Dispatch, error) {
	var d Dispatch
	var members string
	var req, planned, eta, recorded, arrived, left int64
	if err := r.Scan(&d.ID, &d.CaseID, &req, &d.RequestedBy, &d.RequestNote, &d.LeadID, &members, &planned, &eta,
		&recorded, &arrived, &left, &d.FieldNotes); err != nil {
		return nil, err
	}
	d.RequestedAt, d.PlannedDeparture, d.ETA = store.FromMillis(req), at(planned), at(eta)
	d.TeamRecordedAt, d.ArrivedAt, d.LeftAt = at(recorded), at(arrived), at(left)
	if members != "" {
		d.Members = strings.Split(members, "\n")
	}
	return &d, nil
}

func at(ms int64) time.Time {
	if ms == 0 {
		return time.Time{}
	}
	return store.FromMillis(ms)
}

func millis(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return store.Millis(t)
}

func listDispatches(ctx context.Context, tx *store.Tx, caseID int64) ([]*Dispatch, error) {
	rows, err := tx.Query(ctx, `SELECT `+dispatchColumns+` FROM cert_dispatches WHERE case_id = ? ORDER BY id`, caseID)
	if err != nil {
		return nil, fmt.Errorf("dispatch: list for case %d: %w", caseID, err)
	}
	defer rows.Close()
	var out []*Dispatch
	for rows.Next() {
		d, err := scanDispatch(rows)
		if err != nil {
			return nil, fmt.Errorf("dispatch: list for case %d: %w", caseID, err)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// loadDispatch reads dispatch id of case caseID; another case's is not found.
func loadDispatch(ctx context.Context, tx *store.Tx, caseID, id int64) (*Dispatch, error) {
	d, err := scanDispatch(tx.QueryRow(ctx, `SELECT `+dispatchColumns+` FROM cert_dispatches WHERE id = ? AND case_id = ?`, id, caseID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound(id)
	}
	if err != nil {
		return nil, fmt.Errorf("dispatch: load %d: %w", id, err)
	}
	return d, nil
}

// HasTeam reports, within tx, whether a team was recorded on case caseID: the
// guard of the state "team dispatched".
func HasTeam(ctx context.Context, tx *store.Tx, caseID int64) (bool, error) {
	var n int
	err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM cert_dispatches WHERE case_id = ? AND team_recorded_at > 0 AND members <> ''`,
		caseID).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("dispatch: team of case %d: %w", caseID, err)
	}
	return n > 0, nil
}
