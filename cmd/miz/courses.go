package main

import (
	"fmt"
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
	if err != nil {
		fmt.Fprintln(stderr, "miz verify: NOT VALID:", err)
		return 1
	}
	fmt.Fprintf(stdout, "OK %s: certificate of attendance, %s, signed by key %s", v.Number, v.Status, v.KeyID)
	if v.LogIndex >= 0 {
		fmt.Fprintf(stdout, ", in the transparency log at index %d", v.LogIndex)
	} else {
		fmt.Fprint(stdout, " (no proof given: log inclusion not checked)")
	}
	fmt.Fprintln(stdout)
	if w := keys.RevokedWarning(in.JWKS, v.KeyID); w != "" { // issue 19: signed before a compromise
		fmt.Fprintln(stdout, w)
	}
	return 0
}
