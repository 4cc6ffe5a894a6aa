package main

import (
	"io"

	"github.com/itoir/miz/internal/certify"
	"github.com/itoir/miz/internal/course"
	"github.com/itoir/miz/internal/keys"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/whitehat"
)

// buildCourses builds the CERT's training courses (SLA M-4.2) and the white-hat
// programme (seed §6). Certificates of attendance are signed with the registry's
// keys and logged in its transparency log, so `miz verify` checks them alike. Fees
// (a course seat, a competition's entry) are invoices of billing (§6), issued and
// cancelled in the enrolling transaction; a paid seat is confirmed in the paying
// one (wireCourseFees).
func (m *Main) buildCourses(db *store.DB) (*course.Courses, *whitehat.Programme) {
	c := &course.Courses{DB: db, Keys: m.Registry.Keys, Log: m.Registry.Log, BaseURL: m.Config.BaseURL,
		Issuer: m.Registry.Issuer, Logger: m.Log, Now: db.Now}
	fees := wireCourseFees(m.Billing, c)
	return c, &whitehat.Programme{DB: db, Invoicer: fees, Now: db.Now}
}

// verifyAttendance finishes `miz verify` for a certificate of attendance, printing
// the verdict in the same words as for a CERTIFY certificate.
func verifyAttendance(in certify.VerifyInput, stdout, stderr io.Writer) int {
	v, err := course.Verify(in)
	return printVerdict(stdout, stderr, err, v.LogIndex, keys.RevokedWarning(in.JWKS, v.KeyID), "OK %s: certificate of attendance, %s, signed by key %s", v.Number, v.Status, v.KeyID)
}
