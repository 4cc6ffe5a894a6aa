package web

import (
	"context"
	"net/http/httptest"

	"github.com/itoir/miz/internal/i18n"
	"github.com/itoir/miz/internal/problem"
)

// PDFRenderer turns a page into PDF (a headless browser in production).
type PDFRenderer interface {
	// RenderPDF prints a self-contained HTML page to PDF.
	RenderPDF(ctx context.Context, html []byte) ([]byte, error)
}

// certificatePDF renders the printable page into HTML and hands it to the PDF
// renderer; without one it answers Unavailable, and the printable page still works.
func (s *Server) certificatePDF(ctx context.Context, number string, lang i18n.Lang) ([]byte, error) {
	if s.PDF == nil {
		return nil, problem.New(problem.Unavailable, "certify.error.pdf_unavailable")
	}
	req := httptest.NewRequestWithContext(ctx, "GET", "/registry/"+number+"/print?lang="+string(lang), nil)
	req.SetPathValue("number", number)
	rec := httptest.NewRecorder()
	s.certificatePrint(rec, req)
	if rec.Code != 200 {
		return nil, problem.New(problem.NotFound, "error.not_found")
	}
	return s.PDF.RenderPDF(ctx, rec.Body.Bytes())
}
