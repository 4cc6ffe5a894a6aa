package cases

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/itoir/miz/internal/sla"
	"github.com/itoir/miz/internal/store"
)

// calendarFor returns the calendar a case's clock runs on: that of the applicant's
// province (the organisation's when the applicant acts for one), so that a province
// closed on Thursdays counts no time on Thursdays (SLA-CLOCK rule 5). An applicant
// without a province gets the national calendar.
func (e *Engine) calendarFor(ctx context.Context, tx *store.Tx, c *Case) (*sla.Calendar, error) {
	cal := e.calendar()
	var q string
	var id int64
	switch {
	case c.ApplicantOrgID != 0:
		q, id = `SELECT province FROM organizations WHERE id = ?`, c.ApplicantOrgID
	case c.ApplicantPersonID != 0:
		q, id = `SELECT province FROM people WHERE id = ?`, c.ApplicantPersonID
	default:
		return cal, nil
	}
	var province string
	err := tx.QueryRow(ctx, q, id).Scan(&province)
	if errors.Is(err, sql.ErrNoRows) {
		return cal, nil
	}
	if err != nil {
		return nil, fmt.Errorf("cases: %s: applicant province: %w", c.TrackingCode, err)
	}
	return cal.ForProvince(province), nil
}
