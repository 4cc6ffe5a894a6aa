package web

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"net/url"

	"github.com/itoir/miz/internal/i18n"
	"github.com/itoir/miz/internal/problem"
)

// PDFRenderer prints a page of the running server to PDF (a headless browser in
// production, see ChromePDF).
type PDFRenderer interface {
	// RenderPDF loads pageURL and prints it to PDF.
	RenderPDF(ctx context.Context, pageURL string) ([]byte, error)
}

// certificatePDF has the PDF renderer print the certificate's printable page from
// this server; without a renderer it answers Unavailable, and the printable page
// still works in any browser.
func (s *Server) certificatePDF(ctx context.Context, number string, lang i18n.Lang) ([]byte, error) {
	if s.PDF == nil || s.SelfURL == nil {
		return nil, problem.New(problem.Unavailable, "certify.error.pdf_unavailable")
	}
	c, err := s.Registry.Get(ctx, number)
	if err != nil {
		return nil, err
	}
	page := loopbackURL(s.SelfURL()) + "/registry/" + url.PathEscape(c.Number) + "/print?lang=" + url.QueryEscape(string(lang))
	return s.PDF.RenderPDF(ctx, page)
}

// loopbackURL turns a listener's URL on an unspecified address (":8080",
// "0.0.0.0", "[::]") into one the renderer on this machine can reach.
func loopbackURL(self string) string {
	u, err := url.Parse(self)
	if err != nil {
		return self
	}
	host, port, err := net.SplitHostPort(u.Host)
	if err != nil {
		return self
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		u.Host = net.JoinHostPort("127.0.0.1", port)
	}
	return u.String()
}

// certificatePrint serves the printable certificate: a stand-alone A4 page with
// its own stylesheet (css/print.css), outside the site's layout.
func (s *Server) certificatePrint(w http.ResponseWriter, r *http.Request) {
	p, ok := s.loadCertificate(w, r)
	if !ok {
		return
	}
	var buf bytes.Buffer
	if err := s.r.pages["certificate_print"].ExecuteTemplate(&buf, "print", p); err != nil {
		s.Log.Error("render failed", "page", "certificate_print", "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, _ = buf.WriteTo(w)
}

// ClosePDF stops the PDF renderer's browser, if it holds one.
func (s *Server) ClosePDF() error {
	if c, ok := s.PDF.(io.Closer); ok {
		return c.Close()
	}
	return nil
}
