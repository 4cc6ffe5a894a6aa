package course

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/itoir/miz/internal/audit"
	"github.com/itoir/miz/internal/store"
)

// SeatPaid confirms the seat billed with the invoice invoiceRef, inside the
// transaction that records the payment (billing's OnPaid for Ref kind "course"):
// the seat is audited as paid, so the holder gets a certificate once they attend
// (SLA M-4.2). A payment for a seat that was given up meanwhile is only audited
// against the enrolment; the money is the supervisor's to refund. An unknown
// reference confirms nothing and is not an error (the money has arrived).
func (s *Courses) SeatPaid(ctx context.Context, tx *store.Tx, invoiceRef string) error {
	var id, courseID int64
	var state string
	err := tx.QueryRow(ctx, `SELECT id, course_id, state FROM course_enrolments WHERE invoice_ref = ?`, invoiceRef).
		Scan(&id, &courseID, &state)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("course: seat paid %s: %w", invoiceRef, err)
	}
	return audit.Record(ctx, tx, "system:billing", "course.seat_paid", "course", fmt.Sprint(courseID),
		map[string]any{"enrolment": id, "invoice": invoiceRef, "state": state})
}
