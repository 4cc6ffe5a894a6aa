package api

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/itoir/miz/internal/certify"
	"github.com/itoir/miz/internal/httpauth"
	"github.com/itoir/miz/internal/i18n"
	"github.com/itoir/miz/internal/problem"
)

// registryRoutes declares the public certificate registry (SLA Z-4.1, D-2): no login.
// Without a registry (a server built without the certify module) nothing is declared.
func (a *API) registryRoutes() {
	if a.Registry == nil {
		return
	}
	num := []Param{{Name: "number", In: "path", Required: true, Description: "certificate number, e.g. CRT-1405-000123"}}
	a.route("GET", "/api/v1/registry/certificates", a.searchCertificates, Op{ID: "searchCertificates", Tag: "registry",
		Summary: "Search the public registry of issued certificates",
		Params: []Param{{Name: "q", In: "query", Description: "product or vendor name (Persian-normalised), number or national ID"},
			{Name: "vendor_id", In: "query"}, {Name: "category", In: "query"},
			{Name: "status", In: "query", Description: "active, suspended, revoked, expired or superseded"}, {Name: "page", In: "query"}},
		Response: searchResultsSchema, Errors: []int{400}})
	a.route("GET", "/api/v1/registry/certificates/{number}", a.cachedCertificate(a.lookupCache()), Op{ID: "getCertificate", Tag: "registry",
		Summary: "One certificate with its status history", Params: num, Response: map[string]any{"type": "object"}, Errors: []int{404}})
	a.route("GET", "/api/v1/registry/certificates/{number}/credential", a.getCredential, Op{ID: "getCredential", Tag: "registry",
		Summary: "The signed certificate: a W3C Verifiable Credential as a compact EdDSA JWS", Params: num,
		Produces: "application/vc+jwt", Errors: []int{404}})
	a.route("GET", "/api/v1/registry/certificates/{number}/proof", a.getProof, Op{ID: "getProof", Tag: "registry",
		Summary: "c2sp.org/tlog-proof of the certificate's latest log record (carried in the extra line)", Params: num,
		Produces: "text/plain", Errors: []int{404}})
	a.route("GET", "/api/v1/registry/certificates/{number}/pdf", a.getPDF, Op{ID: "getCertificatePDF", Tag: "registry",
		Summary: "The printable Persian certificate as PDF", Params: num, Produces: "application/pdf", Errors: []int{404, 429, 503}})
	a.route("POST", "/api/v1/registry/check", a.checkCertificates, Op{ID: "checkCertificates", Tag: "registry",
		Summary: "Check up to 1,000 {vendor_id, product, version} items at once", MaxBodySize: 1 << 20,
		Body: obj([]string{"items"}, map[string]any{"items": map[string]any{"type": "array", "maxItems": certify.MaxCheckItems,
			"items": obj([]string{"vendor_id", "product"}, map[string]any{"vendor_id": map[string]any{"type": "string"},
				"product": map[string]any{"type": "string"}, "version": map[string]any{"type": "string"}})}}),
		Response: map[string]any{"type": "object"}, Errors: []int{400, 413, 415}})
	a.exportRoutes()
}

// certFail maps the module's errors to problems.
func (a *API) certFail(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, certify.ErrInvalid) {
		err = problem.Wrap(problem.Invalid, "certify.error.invalid", err)
	}
	a.fail(w, r, err)
}

// writeCached writes a public, cacheable registry response with a strong ETag and
// answers 304 when the client already holds it.
func writeCached(w http.ResponseWriter, r *http.Request, contentType string, body []byte) {
	sum := sha256.Sum256(body)
	writeTagged(w, r, contentType, body, `"`+hex.EncodeToString(sum[:16])+`"`)
}

// writeTagged is writeCached with the ETag already computed.
func writeTagged(w http.ResponseWriter, r *http.Request, contentType string, body []byte, etag string) {
	h := w.Header()
	h.Set("ETag", etag)
	h.Set("Cache-Control", "public, max-age=60")
	h.Set("Vary", "Accept-Language")
	for _, t := range strings.Split(r.Header.Get("If-None-Match"), ",") {
		if t = strings.TrimSpace(t); t == etag || t == "*" {
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	h.Set("Content-Type", contentType)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	_, _ = w.Write(body)
}

func (a *API) searchCertificates(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	query := certify.Query{Q: q.Get("q"), VendorID: q.Get("vendor_id"), Category: q.Get("category"), Status: certify.Status(q.Get("status"))}
	if query.Status != "" && !query.Status.Valid() {
		a.fail(w, r, problem.Field("status", "certify.error.status"))
		return
	}
	if p := q.Get("page"); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 100000 {
			a.fail(w, r, problem.Field("page", "certify.error.page"))
			return
		}
		query.Page = n
	}
	res, err := a.Registry.Search(r.Context(), query)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.writeCachedJSON(w, r, res)
}

// certificateView is a certificate with its status history.
type certificateView struct {
	certify.Certificate
	History []certify.Event `json:"history"`
}

// certificateJSON is the lookup's answer: the certificate with its history.
func (a *API) certificateJSON(ctx context.Context, number string) ([]byte, error) {
	c, err := a.Registry.Get(ctx, number)
	if err != nil {
		return nil, err
	}
	h, err := a.Registry.History(ctx, c.Number)
	if err != nil {
		return nil, err
	}
	b, err := json.Marshal(certificateView{Certificate: c, History: h})
	return append(b, '\n'), err
}

func (a *API) getCredential(w http.ResponseWriter, r *http.Request) {
	c, err := a.Registry.Get(r.Context(), r.PathValue("number"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	ct := "application/vc+jwt"
	if strings.Contains(r.Header.Get("Accept"), "text/plain") || r.URL.Query().Get("format") == "text" {
		ct = "text/plain; charset=utf-8"
	}
	w.Header().Set("Content-Disposition", `attachment; filename="`+c.Number+`.jws"`)
	writeCached(w, r, ct, []byte(c.JWS+"\n"))
}

func (a *API) getProof(w http.ResponseWriter, r *http.Request) {
	b, err := a.Registry.Proof(r.Context(), r.PathValue("number"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Disposition", `attachment; filename="`+certify.CanonicalNumber(r.PathValue("number"))+`.proof"`)
	writeCached(w, r, "text/plain; charset=utf-8", b)
}

// PDFs prints a certificate's printable page to PDF (internal/pdf caches,
// rate-limits and renders them).
type PDFs interface {
	// CertificatePDF returns the PDF of the certificate with number in lang, for
	// the client at address client (renders are limited per address too).
	CertificatePDF(ctx context.Context, number string, lang i18n.Lang, client string) ([]byte, error)
}

// getPDF serves the certificate as PDF; a refused render (rate limit) answers 429
// with Retry-After through fail.
func (a *API) getPDF(w http.ResponseWriter, r *http.Request) {
	if a.PDFs == nil {
		a.fail(w, r, problem.New(problem.Unavailable, "certify.error.pdf_unavailable"))
		return
	}
	b, err := a.PDFs.CertificatePDF(r.Context(), certify.CanonicalNumber(r.PathValue("number")), i18n.FromAPIRequest(r), httpauth.ClientIP(r))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Disposition", `inline; filename="`+certify.CanonicalNumber(r.PathValue("number"))+`.pdf"`)
	writeCached(w, r, "application/pdf", b)
}

type checkRequest struct {
	Items []certify.CheckItem `json:"items"`
}

// checkResultView adds the localised reason to a check result.
type checkResultView struct {
	certify.CheckResult
	Message string `json:"message"`
}

func (a *API) checkCertificates(w http.ResponseWriter, r *http.Request) {
	var req checkRequest
	if err := decode(r, &req); err != nil {
		a.fail(w, r, err)
		return
	}
	if len(req.Items) > certify.MaxCheckItems {
		a.fail(w, r, problem.Field("items", "certify.error.too_many", certify.MaxCheckItems, len(req.Items)))
		return
	}
	res, err := a.Registry.Check(r.Context(), req.Items)
	if err != nil {
		a.certFail(w, r, err)
		return
	}
	lang := i18n.FromAPIRequest(r)
	out := make([]checkResultView, len(res))
	for i, c := range res {
		out[i] = checkResultView{CheckResult: c, Message: i18n.T(lang, "certify.reason."+c.Reason)}
	}
	writeJSON(w, http.StatusOK, map[string]any{"results": out})
}

// searchResultsSchema documents certify.Results; total stops at certify.MaxCount (issue 18).
var searchResultsSchema = map[string]any{"type": "object", "properties": map[string]any{
	"items": map[string]any{"type": "array", "items": map[string]any{"type": "object"}},
	"total": map[string]any{"type": "integer", "maximum": certify.MaxCount,
		"description": "number of matching certificates; at most " + strconv.Itoa(certify.MaxCount) + ", see total_capped"},
	"total_capped": map[string]any{"type": "boolean",
		"description": "true when more than " + strconv.Itoa(certify.MaxCount) + " certificates match: total is then a lower bound, not a count"},
	"page": map[string]any{"type": "integer"}, "per_page": map[string]any{"type": "integer"}}}
