package consent

import (
	"bytes"
	"context"
	"fmt"

	"github.com/itoir/miz/internal/cert/printlink"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
)

// Renderer prints a page of the running server to PDF (internal/pdf.Chrome).
type Renderer interface {
	RenderPDF(ctx context.Context, pageURL string) ([]byte, error)
}

// PrintPath is the path of a consent's printable record with a short-lived link
// for the PDF printer, which holds no session.
func (s *Service) PrintPath(id int64) string {
	return fmt.Sprintf("/cert/consents/print/%d?%s", id, s.links.Query("consent", id, s.now()))
}

// Printable returns the consent for its print page when the link of PrintPath is
// good and not expired; NotFound otherwise.
func (s *Service) Printable(ctx context.Context, id int64, exp, token string) (*Consent, error) {
	notFound := problem.New(problem.NotFound, "consent.not_found")
	if !s.links.Check("consent", id, exp, token, s.now()) {
		return nil, notFound
	}
	var c *Consent
	err := s.DB.View(ctx, func(tx *store.Tx) error {
		var err error
		c, err = scanConsent(tx.QueryRow(ctx, `SELECT `+consentColumns+` FROM cert_consents WHERE id = ?`, id))
		if err != nil {
			return err
		}
		return tx.QueryRow(ctx, `SELECT tracking_code FROM cases WHERE id = ?`, c.CaseID).Scan(&c.CaseCode)
	})
	if err != nil {
		return nil, notFound
	}
	return c, nil
}

// PDF prints the consent record to PDF for p, as it stands now (a later
// revocation or expiry shows on a later print).
func (s *Service) PDF(ctx context.Context, p *identity.Principal, code string, id int64) ([]byte, error) {
	if _, err := s.Get(ctx, p, code, id); err != nil {
		return nil, err
	}
	if s.Renderer == nil || s.SelfURL == nil {
		return nil, problem.New(problem.Unavailable, "report.pdf.unavailable")
	}
	b, err := s.Renderer.RenderPDF(ctx, printlink.Loopback(s.SelfURL())+s.PrintPath(id))
	if err != nil || !bytes.HasPrefix(b, []byte("%PDF-")) {
		return nil, &problem.Error{Code: problem.Unavailable, Key: "report.pdf.unavailable", Err: fmt.Errorf("consent %d: print: %v", id, err)}
	}
	return b, nil
}
