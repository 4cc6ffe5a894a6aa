package web

import (
	"bytes"
	"context"
	"net/http"
	"strconv"

	"github.com/itoir/miz/internal/certify"
	"github.com/itoir/miz/internal/httpauth"
	"github.com/itoir/miz/internal/i18n"
	"github.com/itoir/miz/internal/problem"
)

// PDFs prints a certificate's printable page to PDF (internal/pdf caches,
// rate-limits and renders them).
type PDFs interface {
	// CertificatePDF returns the PDF of the certificate with number in lang, for
	// the client at address client (renders are limited per address too).
	CertificatePDF(ctx context.Context, number string, lang i18n.Lang, client string) ([]byte, error)
}

// certificatePDF serves the certificate as PDF; without a printer it answers
// Unavailable, and the printable page still works in any browser. A refused
// render (rate limit) answers 429 with Retry-After through Fail.
func (s *Server) certificatePDF(w http.ResponseWriter, r *http.Request) {
	if s.PDFs == nil {
		s.Fail(w, r, problem.New(problem.Unavailable, "certify.error.pdf_unavailable"))
		return
	}
	number := certify.CanonicalNumber(r.PathValue("number"))
	b, err := s.PDFs.CertificatePDF(r.Context(), number, i18n.FromRequest(r), httpauth.ClientIP(r))
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/pdf")
	h.Set("Content-Length", strconv.Itoa(len(b)))
	h.Set("Content-Disposition", `inline; filename="`+number+`.pdf"`)
	h.Set("Cache-Control", "public, max-age=60")
	h.Set("Vary", "Cookie") // the language may come from the lang cookie
	_, _ = w.Write(b)
}

// certificatePrint serves the printable certificate: a stand-alone A4 page with
// its own stylesheet (css/print.css), outside the site's layout. internal/pdf
// prints this page.
func (s *Server) certificatePrint(w http.ResponseWriter, r *http.Request) {
	p, ok := s.loadCertificate(w, r)
	if !ok {
		return
	}
	var buf bytes.Buffer
	t, err := s.r.page("certificate_print")
	if err == nil {
		err = t.ExecuteTemplate(&buf, "print", p)
	}
	if err != nil {
		s.Log.Error("render failed", "page", "certificate_print", "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, _ = buf.WriteTo(w)
}
