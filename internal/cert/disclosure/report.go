package disclosure

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/mail"
	"strconv"
	"strings"
	"time"

	"github.com/itoir/miz/internal/audit"
	"github.com/itoir/miz/internal/cert/cvss"
	"github.com/itoir/miz/internal/cert/dispatch"
	"github.com/itoir/miz/internal/cert/incident"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/persian"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
)

// Limits of a report.
const (
	maxTitle       = 300
	maxDescription = 32 << 10
	maxName        = 120
)

// ReportInput is a vulnerability report as typed by anyone.
type ReportInput struct {
	System       string // the affected system: URL, domain, host name or IP address
	Title        string
	Description  string
	CVSS         string // optional CVSS:3.1/… or CVSS:4.0/… vector
	Name         string // optional
	Email        string // optional, for follow-up questions
	CreditWanted bool
	// ClientIP is the reporter's address, for the rate limit only (kept hashed).
	ClientIP string
}

// check validates a report; every problem is a field error, the first one found.
func (in *ReportInput) check() (*Vuln, error) {
	v := &Vuln{CreditWanted: in.CreditWanted}
	a, err := incident.NormalizeAsset(in.System, "")
	switch {
	case strings.TrimSpace(in.System) == "":
		return nil, problem.Field("system", "vuln.system.required")
	case err != nil:
		return nil, problem.Field("system", "vuln.system.invalid", strings.TrimSpace(in.System))
	}
	v.System = a.Value
	if v.Title = strings.TrimSpace(persian.Normalize(in.Title)); v.Title == "" {
		return nil, problem.Field("title", "vuln.title.required")
	}
	if len(v.Title) > maxTitle {
		return nil, problem.Field("title", "vuln.too_long", maxTitle)
	}
	if v.Description = dispatch.Multiline(in.Description); len([]rune(v.Description)) < 20 {
		return nil, problem.Field("description", "vuln.description.short", 20)
	}
	if len(v.Description) > maxDescription {
		return nil, problem.Field("description", "vuln.too_long", maxDescription)
	}
	if strings.TrimSpace(in.CVSS) != "" {
		sc, err := cvss.Parse("cvss", in.CVSS)
		if err != nil {
			return nil, err
		}
		v.CVSSVector, v.CVSSVersion, v.CVSSSeverity = sc.Vector, sc.Version, sc.Severity
		v.CVSSScore = strconv.FormatFloat(sc.Base, 'f', 1, 64)
	}
	if v.ReporterName = strings.TrimSpace(persian.Normalize(in.Name)); len(v.ReporterName) > maxName {
		return nil, problem.Field("name", "vuln.too_long", maxName)
	}
	if e := strings.TrimSpace(in.Email); e != "" {
		addr, err := mail.ParseAddress(e)
		if err != nil || addr.Address != e || len(e) > 254 {
			return nil, problem.Field("email", "vuln.email.invalid")
		}
		v.ReporterEmail = e
	}
	if v.CreditWanted && v.ReporterName == "" {
		return nil, problem.Field("name", "vuln.credit.name")
	}
	return v, nil
}

// Report records a vulnerability report from anyone (p may be nil: the public),
// at most PerHour an hour from one address. It returns the report with its
// reference, which the reporter quotes.
func (s *Service) Report(ctx context.Context, p *identity.Principal, in ReportInput) (*Vuln, error) {
	v, err := in.check()
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256([]byte("miz-vuln:" + in.ClientIP))
	client := hex.EncodeToString(sum[:16])
	limit := s.PerHour
	if limit <= 0 {
		limit = 5
	}
	err = s.DB.UpdateAt(ctx, s.now, func(tx *store.Tx) error {
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM cert_vuln_reports WHERE client_key = ? AND received_at > ?`, client,
			store.Millis(tx.Now.Add(-time.Hour))).Scan(&n); err != nil {
			return fmt.Errorf("disclosure: rate: %w", err)
		}
		if n >= limit {
			return &problem.Error{Code: problem.RateLimited, Key: "error.rate_limited", Err: &identity.RateLimitError{RetryAfter: time.Hour}}
		}
		v.Ref, v.ReceivedAt, v.Status = newRef(), tx.Now, StatusReceived
		actor := "public"
		if p != nil {
			v.ReporterAccount, actor = p.ID, audit.AccountActor(p.ID)
		}
		var err error
		v.ID, err = tx.InsertID(ctx, `INSERT INTO cert_vuln_reports (ref, received_at, client_key, reporter_account, reporter_name,
			reporter_email, credit_wanted, system, title, description, cvss_vector, cvss_version, cvss_score, cvss_severity, status)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'received')`, v.Ref, store.Millis(tx.Now), client, v.ReporterAccount,
			v.ReporterName, v.ReporterEmail, v.CreditWanted, v.System, v.Title, v.Description, v.CVSSVector, v.CVSSVersion,
			v.CVSSScore, v.CVSSSeverity)
		if err != nil {
			return fmt.Errorf("disclosure: report: %w", err)
		}
		return audit.Record(ctx, tx, actor, "cert.vuln.report", "vulnerability", v.Ref, map[string]any{"id": v.ID,
			"cvss": v.CVSSSeverity})
	})
	if err != nil {
		return nil, err
	}
	return v, nil
}

// newRef is a report's reference: VR- and ten characters of Crockford base32.
func newRef() string {
	const alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
	b := make([]byte, 10)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return "VR-" + string(b)
}
