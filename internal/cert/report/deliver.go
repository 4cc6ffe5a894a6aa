package report

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/itoir/miz/internal/cert/printlink"
	"github.com/itoir/miz/internal/i18n"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/notify"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
)

// PayloadType is the "type" of a signed technical report; `miz verify` tells a
// report from a certificate by it.
const PayloadType = "MizTechnicalReport"

// Payload is what is signed when a report is delivered: the whole private
// report, its attachments by digest, and who wrote, reviewed and delivered it.
type Payload struct {
	Type        string       `json:"type"`
	Issuer      string       `json:"issuer"`
	Case        string       `json:"case"`
	Report      int64        `json:"report"`
	Title       string       `json:"title"`
	Body        string       `json:"body"`
	BodySHA256  string       `json:"body_sha256"`
	Attachments []Attachment `json:"attachments"`
	Author      int64        `json:"author"`
	Reviewer    int64        `json:"reviewer"`
	ReviewedAt  string       `json:"reviewed_at"`
	DeliveredAt string       `json:"delivered_at"`
}

// Attachment names an attachment in the signed payload.
type Attachment struct {
	Name   string `json:"name"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// Signed is the delivered JSON: the report in clear and the compact JWS over it.
// Verify checks that the two agree and that the JWS is the desk's.
type Signed struct {
	Report     Payload `json:"report"`
	Credential string  `json:"credential"`
}

// Deliver delivers an approved report to the applicant privately (D-3): signs
// it with the key ring and tells the applicant. The PDF is printed on first
// download from the signed content.
func (s *Service) Deliver(ctx context.Context, p *identity.Principal, code string, id int64) (*Report, error) {
	if s.Keys == nil {
		return nil, problem.New(problem.Unavailable, "report.unavailable")
	}
	return s.step(ctx, p, code, id, "cert.report.deliver", func(tx *store.Tx, r *Report) error {
		if r.Status != StatusApproved {
			return problem.New(problem.Conflict, "report.state.approved")
		}
		sum := sha256.Sum256([]byte(r.Body))
		pl := Payload{Type: PayloadType, Issuer: "ITO Maher center (national CERT)", Case: r.CaseCode, Report: r.ID,
			Title: r.Title, Body: r.Body, BodySHA256: hex.EncodeToString(sum[:]), Attachments: []Attachment{},
			Author: r.AuthorID, Reviewer: r.ReviewerID, ReviewedAt: r.ReviewedAt.UTC().Format(time.RFC3339),
			DeliveredAt: tx.Now.UTC().Format(time.RFC3339)}
		for _, f := range r.Files {
			pl.Attachments = append(pl.Attachments, Attachment{Name: f.Name, Size: f.Size, SHA256: f.SHA256})
		}
		b, err := json.Marshal(pl)
		if err != nil {
			return err
		}
		jws, err := s.Keys.SignJWS(b)
		if err != nil {
			return err
		}
		out, err := json.MarshalIndent(Signed{Report: pl, Credential: jws}, "", "  ")
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE cert_reports SET status = 'delivered', delivered_by = ?, delivered_at = ?, signed_json = ?
			WHERE id = ?`, p.ID, store.Millis(tx.Now), string(out), r.ID); err != nil {
			return err
		}
		return s.tellApplicant(ctx, tx, r)
	})
}

// tellApplicant leaves the applicant a notice of the delivered report.
func (s *Service) tellApplicant(ctx context.Context, tx *store.Tx, r *Report) error {
	var account int64
	if err := tx.QueryRow(ctx, `SELECT applicant_account_id FROM cases WHERE id = ?`, r.CaseID).Scan(&account); err != nil {
		return fmt.Errorf("report: applicant of case %d: %w", r.CaseID, err)
	}
	_, err := notify.Tell(ctx, tx, account, notify.Alert{Kind: notify.KindProgress, InApp: notify.InApp{
		TitleFa: i18n.T(i18n.Fa, "notice.report.delivered.title"), TitleEn: i18n.T(i18n.En, "notice.report.delivered.title"),
		BodyFa: fmt.Sprintf(i18n.T(i18n.Fa, "notice.report.delivered.body"), r.CaseCode),
		BodyEn: fmt.Sprintf(i18n.T(i18n.En, "notice.report.delivered.body"), r.CaseCode),
		Link:   "/cases/" + r.CaseCode + "/reports/" + strconv.FormatInt(r.ID, 10)}, RefKind: "case", RefID: r.CaseCode})
	return err
}

// SignedJSON returns the delivered report's signed JSON to p.
func (s *Service) SignedJSON(ctx context.Context, p *identity.Principal, code string, id int64) ([]byte, error) {
	r, err := s.Get(ctx, p, code, id)
	if err != nil {
		return nil, err
	}
	if r.Status != StatusDelivered {
		return nil, problem.New(problem.Conflict, "report.state.delivered")
	}
	return []byte(r.SignedJSON), nil
}

// PrintPath is the path of the delivered report's printable page with a link
// that lets the PDF printer (which holds no session) load it for a short while.
func (s *Service) PrintPath(id int64) string {
	return fmt.Sprintf("/cert/reports/print/%d?%s", id, s.links.Query("report", id, s.now()))
}

// Printable returns the delivered report for its print page when the token of
// PrintPath is good and not expired; NotFound otherwise, so the page discloses
// nothing to anyone else.
func (s *Service) Printable(ctx context.Context, id int64, exp, token string) (*Payload, error) {
	if !s.links.Check("report", id, exp, token, s.now()) {
		return nil, notFound(id)
	}
	var signed string
	err := s.DB.View(ctx, func(tx *store.Tx) error {
		return tx.QueryRow(ctx, `SELECT signed_json FROM cert_reports WHERE id = ? AND status = 'delivered'`, id).Scan(&signed)
	})
	if err != nil {
		return nil, notFound(id)
	}
	var sj Signed
	if err := json.Unmarshal([]byte(signed), &sj); err != nil {
		return nil, fmt.Errorf("report: printable %d: %w", id, err)
	}
	return &sj.Report, nil
}

// PDF returns the delivered report as PDF to p: printed by the Renderer from the
// print page on first request and kept with the report.
func (s *Service) PDF(ctx context.Context, p *identity.Principal, code string, id int64) ([]byte, error) {
	r, err := s.Get(ctx, p, code, id)
	if err != nil {
		return nil, err
	}
	if r.Status != StatusDelivered {
		return nil, problem.New(problem.Conflict, "report.state.delivered")
	}
	var pdf []byte
	if r.HasPDF {
		err := s.DB.View(ctx, func(tx *store.Tx) error {
			return tx.QueryRow(ctx, `SELECT pdf FROM cert_reports WHERE id = ?`, id).Scan(&pdf)
		})
		return pdf, err
	}
	if s.Renderer == nil || s.SelfURL == nil {
		return nil, problem.New(problem.Unavailable, "report.pdf.unavailable")
	}
	pdf, err = s.Renderer.RenderPDF(ctx, printlink.Loopback(s.SelfURL())+s.PrintPath(id))
	if err != nil {
		return nil, &problem.Error{Code: problem.Unavailable, Key: "report.pdf.unavailable", Err: err}
	}
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		return nil, &problem.Error{Code: problem.Unavailable, Key: "report.pdf.unavailable", Err: fmt.Errorf("report %d: not a PDF", id)}
	}
	err = s.DB.UpdateAt(ctx, s.now, func(tx *store.Tx) error {
		_, err := tx.Exec(ctx, `UPDATE cert_reports SET pdf = ? WHERE id = ? AND pdf IS NULL`, pdf, id)
		return err
	})
	return pdf, err
}
