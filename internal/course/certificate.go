package course

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/itoir/miz/internal/audit"
	"github.com/itoir/miz/internal/authz"
	"github.com/itoir/miz/internal/certify"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/jalali"
	"github.com/itoir/miz/internal/persian"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
)

// CredentialType is the type that marks a credential as a certificate of attendance.
const CredentialType = "CourseAttendanceCertificate"

// Certificate is a certificate of attendance as the desk publishes it. The holder's
// national code is never published: the credential carries its last four digits.
type Certificate struct {
	Number     string    `json:"number"`
	Status     string    `json:"status"`
	CourseID   int64     `json:"course_id"`
	CourseName Text      `json:"course_title"`
	HolderName string    `json:"holder_name"`
	HolderHint string    `json:"holder_national_code_hint"`
	Attended   int       `json:"attended"`
	Sessions   int       `json:"sessions"`
	IssuedAt   time.Time `json:"issued_at"`
	JWS        string    `json:"credential"`
	JWSSHA256  string    `json:"credential_sha256"`
	TlogIndex  int64     `json:"tlog_index"`

	accountID int64
}

// Credential is the signed payload: a W3C Verifiable Credential 2.0 like CERTIFY's,
// of type CourseAttendanceCertificate.
type Credential struct {
	Context           []string                 `json:"@context"`
	ID                string                   `json:"id"`
	Type              []string                 `json:"type"`
	Issuer            certify.CredentialIssuer `json:"issuer"`
	ValidFrom         string                   `json:"validFrom"`
	CredentialSubject AttendanceSubject        `json:"credentialSubject"`
	CredentialStatus  certify.CredentialStatus `json:"credentialStatus"`
}

// AttendanceSubject is what the certificate says: who attended which course.
type AttendanceSubject struct {
	Number string `json:"certificateNumber"`
	Holder struct {
		Name     string `json:"name"`
		CodeHint string `json:"nationalCodeHint"`
	} `json:"holder"`
	Course struct {
		ID       int64             `json:"id"`
		Title    certify.Bilingual `json:"title"`
		Language string            `json:"language"`
		From     string            `json:"from"`
		Until    string            `json:"until"`
	} `json:"course"`
	Sessions int `json:"sessions"`
	Attended int `json:"attended"`
}

// LogRecord is what the transparency log holds for a certificate of attendance,
// bound to the credential by its SHA-256, as for CERTIFY's certificates.
type LogRecord struct {
	Type      string `json:"type"` // RecordType
	Kind      string `json:"kind"` // issue, resigned
	Number    string `json:"number"`
	Status    string `json:"status"`
	At        int64  `json:"at"`
	JWSSHA256 string `json:"jws_sha256"`
}

// RecordType is the Type of every attendance record in the log.
const RecordType = "miz.course-attendance/v1"

// Marshal returns the record's canonical bytes, exactly as logged.
func (lr LogRecord) Marshal() []byte {
	b, _ := json.Marshal(lr) // strings and ints always marshal
	return b
}

var numberShape = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^ATT(\d{4})(\d{6,})$`) })

// CanonicalNumber returns a typed certificate number in its stored form
// (ATT-1405-000001), accepting Persian digits, lower case and odd dashes.
func CanonicalNumber(s string) string {
	id := strings.ToUpper(persian.NormalizeID(s))
	if m := numberShape().FindStringSubmatch(id); m != nil {
		return "ATT-" + m[1] + "-" + m[2]
	}
	return id
}

// IsNumber reports whether s is shaped like a certificate of attendance's number.
func IsNumber(s string) bool { return strings.HasPrefix(CanonicalNumber(s), "ATT-") }

// numberLockKey serialises number allocation on PostgreSQL ("ATTN").
const numberLockKey = 0x4154544e

func allocateNumber(ctx context.Context, tx *store.Tx) (string, error) {
	if err := tx.Lock(ctx, numberLockKey); err != nil {
		return "", err
	}
	year := jalali.FromTime(tx.Now).Year
	var last int64
	err := tx.QueryRow(ctx, `INSERT INTO course_certificate_sequences (year, last) VALUES (?, 1)
		ON CONFLICT (year) DO UPDATE SET last = course_certificate_sequences.last + 1 RETURNING last`, year).Scan(&last)
	if err != nil {
		return "", fmt.Errorf("course: allocate number: %w", err)
	}
	return fmt.Sprintf("ATT-%04d-%06d", year, last), nil
}

func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// hint keeps the last four digits of a national code.
func hint(code string) string {
	if len(code) < 4 {
		return ""
	}
	return strings.Repeat("*", len(code)-4) + code[len(code)-4:]
}

// IssueCertificates issues a certificate of attendance to every enrolled person
// who attended at least the course's minimum share of sessions (and paid, for a
// paid course), once the attendance of every session is recorded. Each is signed,
// stored, appended to the transparency log and audited in one transaction, so no
// certificate exists that is not public. Those already certified are skipped.
func (s *Courses) IssueCertificates(ctx context.Context, p *identity.Principal, courseID int64) ([]Certificate, error) {
	if err := allowed(p, authz.Act); err != nil {
		return nil, err
	}
	var out []Certificate
	err := s.update(ctx, func(tx *store.Tx) error {
		out = nil
		r, err := rosterTx(ctx, tx, courseID)
		if err != nil {
			return err
		}
		if len(r.Course.Sessions) == 0 || len(r.Recorded) < len(r.Course.Sessions) {
			return problem.New(problem.Conflict, "course.certificate.unrecorded")
		}
		for _, pt := range r.Enrolled {
			if pt.Certificate != "" || pt.Attended*100 < r.Course.MinAttendance*len(r.Course.Sessions) {
				continue
			}
			if pt.InvoiceRef != "" {
				paid := false
				if s.Invoicer != nil {
					if paid, err = s.Invoicer.Paid(ctx, tx, pt.InvoiceRef); err != nil {
						return fmt.Errorf("course: certificates of %d: %w", courseID, err)
					}
				}
				if !paid {
					continue
				}
			}
			c, err := s.issue(ctx, tx, r.Course, pt, audit.AccountActor(p.ID))
			if err != nil {
				return err
			}
			out = append(out, c)
		}
		if len(out) > 0 {
			s.checkpointAfter(ctx, tx)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// issue signs, stores and logs one certificate in tx.
func (s *Courses) issue(ctx context.Context, tx *store.Tx, c Course, pt Participant, actor string) (Certificate, error) {
	number, err := allocateNumber(ctx, tx)
	if err != nil {
		return Certificate{}, err
	}
	cert := Certificate{Number: number, Status: "active", CourseID: c.ID, CourseName: c.Title, HolderName: pt.Name,
		HolderHint: hint(pt.NationalCode), Attended: pt.Attended, Sessions: len(c.Sessions),
		IssuedAt: tx.Now.Truncate(time.Second), accountID: pt.AccountID}
	payload, err := json.Marshal(s.credentialFor(cert, c))
	if err != nil {
		return cert, fmt.Errorf("course: issue %s: %w", number, err)
	}
	if cert.JWS, err = s.Keys.SignJWS(payload); err != nil {
		return cert, fmt.Errorf("course: issue %s: sign: %w", number, err)
	}
	cert.JWSSHA256 = sha256Hex(cert.JWS)
	rec := LogRecord{Type: RecordType, Kind: "issue", Number: number, Status: cert.Status, At: store.Millis(cert.IssuedAt), JWSSHA256: cert.JWSSHA256}
	if cert.TlogIndex, err = s.Log.Append(ctx, tx, rec.Marshal()); err != nil {
		return cert, fmt.Errorf("course: log %s: %w", number, err)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO course_certificates (number, enrolment_id, course_id, account_id, holder_code,
		holder_name, attended, sessions, status, issued_at, jws, jws_sha256, tlog_index)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, number, pt.ID, c.ID, pt.AccountID, pt.NationalCode, pt.Name,
		cert.Attended, cert.Sessions, cert.Status, store.Millis(cert.IssuedAt), cert.JWS, cert.JWSSHA256, cert.TlogIndex); err != nil {
		return cert, fmt.Errorf("course: issue %s: %w", number, err)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO course_certificate_records (tlog_index, certificate_id, kind, at, jws_sha256)
		SELECT ?, id, 'issue', ?, ? FROM course_certificates WHERE number = ?`,
		cert.TlogIndex, store.Millis(cert.IssuedAt), cert.JWSSHA256, number); err != nil {
		return cert, fmt.Errorf("course: issue %s: %w", number, err)
	}
	if err := s.tellCertified(ctx, tx, pt.AccountID, c, number); err != nil {
		return cert, err
	}
	return cert, audit.Record(ctx, tx, actor, "course.certificate.issue", "course_certificate", number,
		map[string]any{"course": c.ID, "enrolment": pt.ID, "attended": cert.Attended, "sessions": cert.Sessions,
			"tlog_index": cert.TlogIndex})
}

// credentialFor builds the signed payload of a certificate.
func (s *Courses) credentialFor(cert Certificate, c Course) Credential {
	cr := Credential{
		Context:          []string{"https://www.w3.org/ns/credentials/v2"},
		ID:               s.BaseURL + "/courses/certificates/" + cert.Number,
		Type:             []string{"VerifiableCredential", CredentialType},
		Issuer:           certify.CredentialIssuer{ID: s.Issuer.ID, Name: s.Issuer.Name},
		ValidFrom:        cert.IssuedAt.UTC().Format(time.RFC3339),
		CredentialStatus: certify.CredentialStatus{ID: s.BaseURL + "/api/v1/attendance-certificates/" + cert.Number, Type: "MizRegistryStatus"},
	}
	sub := &cr.CredentialSubject
	sub.Number, sub.Sessions, sub.Attended = cert.Number, cert.Sessions, cert.Attended
	sub.Holder.Name, sub.Holder.CodeHint = cert.HolderName, cert.HolderHint
	sub.Course.ID, sub.Course.Title, sub.Course.Language = c.ID, certify.Bilingual{FA: c.Title.FA, EN: c.Title.EN}, c.Language
	sub.Course.From = c.First().In(jalali.Tehran()).Format("2006-01-02")
	sub.Course.Until = c.Last().In(jalali.Tehran()).Format("2006-01-02")
	return cr
}

// checkpointAfter signs a checkpoint covering the new records once tx commits, so
// that a proof fetched right after issuance already includes them.
func (s *Courses) checkpointAfter(ctx context.Context, tx *store.Tx) {
	ctx = context.WithoutCancel(ctx)
	tx.AfterCommit(func() {
		if _, err := s.Log.Checkpoint(ctx); err != nil {
			s.logger().Error("course: checkpoint after commit", "err", err)
		}
	})
}
