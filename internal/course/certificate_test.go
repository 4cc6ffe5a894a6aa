package course

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/itoir/miz/internal/certify"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

// SLA M-4.2: attendance is recorded per session once it has begun; those who
// attended enough get a certificate of attendance that verifies like a CERTIFY
// certificate (signature, log inclusion), and a changed one does not.
func TestAttendanceCertificateVerifiesLikeACertifyCertificate_M42(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		c := f.openCourse(t, CourseInput{MinAttendance: 100}, 2)
		keen, absent := f.person(t, "keen", 0), f.person(t, "absent", 0)
		ek, _ := f.s.Enrol(ctx, keen, c.ID)
		ea, _ := f.s.Enrol(ctx, absent, c.ID)
		if err := f.s.RecordAttendance(ctx, f.trainer, c.ID, c.Sessions[0].ID, []int64{ek.ID}); problem.As(err).Key != "course.attendance.future" {
			t.Fatalf("attendance before the session: %v", err)
		}
		f.clock.Set(c.Sessions[0].Starts.Add(time.Hour))
		applicant := f.person(t, "nosy", 0)
		if err := f.s.RecordAttendance(ctx, applicant, c.ID, c.Sessions[0].ID, []int64{ek.ID}); problem.As(err).Code != problem.Forbidden {
			t.Fatalf("an applicant recorded attendance: %v", err)
		}
		if err := f.s.RecordAttendance(ctx, f.trainer, c.ID, c.Sessions[0].ID, []int64{ek.ID, ea.ID}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.IssueCertificates(ctx, f.trainer, c.ID); problem.As(err).Key != "course.certificate.unrecorded" {
			t.Fatalf("certificates before every session is recorded: %v", err)
		}
		f.clock.Set(c.Sessions[1].Starts.Add(time.Hour))
		if err := f.s.RecordAttendance(ctx, f.trainer, c.ID, c.Sessions[1].ID, []int64{ek.ID}); err != nil {
			t.Fatal(err)
		}
		certs, err := f.s.IssueCertificates(ctx, f.trainer, c.ID)
		if err != nil || len(certs) != 1 {
			t.Fatalf("certificates: %+v, %v", certs, err)
		}
		k := certs[0]
		if !strings.HasPrefix(k.Number, "ATT-1405-") || k.Attended != 2 || k.Sessions != 2 {
			t.Fatalf("certificate %+v", k)
		}
		if again, err := f.s.IssueCertificates(ctx, f.trainer, c.ID); err != nil || len(again) != 0 {
			t.Fatalf("issued twice: %v, %v", again, err)
		}
		if strings.Contains(k.JWS, "absent") {
			t.Fatal("the absent participant is in the credential")
		}
		proof, err := f.s.Proof(ctx, k.Number)
		if err != nil {
			t.Fatal(err)
		}
		logKey, err := f.s.Keys.NoteVerifierKey(testOrigin)
		if err != nil {
			t.Fatal(err)
		}
		pub, err := f.s.Certificate(ctx, strings.ToLower(k.Number))
		if err != nil {
			t.Fatal(err)
		}
		asJSON, _ := json.Marshal(pub)
		if strings.Contains(string(asJSON), "national_code\"") || strings.Contains(string(asJSON), "holder_code") {
			t.Fatalf("the public certificate carries the national code: %s", asJSON)
		}
		in := certify.VerifyInput{Credential: asJSON, JWKS: f.s.Keys.JWKS(), Proof: proof, LogKeys: []string{logKey}, Now: f.clock.Now()}
		if !IsAttendance(in.Credential) || !IsAttendance([]byte(k.JWS)) {
			t.Fatal("not recognised as a certificate of attendance")
		}
		v, err := Verify(in)
		if err != nil || v.Number != k.Number || v.LogIndex != k.TlogIndex {
			t.Fatalf("verify: %+v, %v", v, err)
		}
		tampered := strings.Replace(string(asJSON), `"attended":2`, `"attended":3`, 1)
		if _, err := Verify(certify.VerifyInput{Credential: []byte(tampered), JWKS: in.JWKS, Now: in.Now}); !errors.Is(err, certify.ErrNotValid) {
			t.Fatalf("altered JSON verified: %v", err)
		}
		parts := strings.Split(k.JWS, ".")
		forged := parts[0] + "." + parts[1] + "x." + parts[2]
		if _, err := Verify(certify.VerifyInput{Credential: []byte(forged), JWKS: in.JWKS, Now: in.Now}); !errors.Is(err, certify.ErrNotValid) {
			t.Fatalf("forged JWS verified: %v", err)
		}
		// The log audit finds every record where the certificate table says.
		exp, err := ExpectedRecords(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		div, err := f.s.Log.AuditAgainst(ctx, MergeExpected(nil, exp))
		if err != nil || len(div) != 0 {
			t.Fatalf("log audit: %v, %v", div, err)
		}
		mine, err := f.s.MyCertificates(ctx, keen)
		if err != nil || len(mine) != 1 {
			t.Fatalf("my certificates: %v, %v", mine, err)
		}
	})
}
