package api

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/itoir/miz/internal/httpauth"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

// TestDeleteDocumentBeforeSubmitOnly_Issue13: the applicant deletes an upload of a
// draft (204); staff and strangers may not; after submission deletion is a 409
// with a localized message, and the document stays downloadable as an attachment.
func TestDeleteDocumentBeforeSubmitOnly_Issue13(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ca := newCaseAPI(t, db)
		_, body := ca.json(ca.org, "POST", "/api/v1/cases", `{"service":"certify","kind":"application","form":{"product":"دفتر"}}`)
		code := body["tracking_code"].(string)
		var ids []string
		for _, typ := range []string{"official_gazette", "signatories_letter", "product_description", "user_manual", "test_access", "ownership_declaration", "software_registration"} {
			st, body := ca.upload(ca.org, code, typ, pdf(typ))
			if st != http.StatusCreated {
				t.Fatalf("upload %s: %d %v", typ, st, body)
			}
			ids = append(ids, fmt.Sprint(body["id"]))
		}
		path := func(id string) string { return "/api/v1/cases/" + code + "/documents/" + id }
		if st, body := ca.do(ca.expert, "DELETE", path(ids[6]), "", nil); st != http.StatusForbidden {
			t.Fatalf("staff delete: %d %v", st, body)
		}
		if st, body := ca.do(ca.outside, "DELETE", path(ids[6]), "", nil); st != http.StatusNotFound {
			t.Fatalf("stranger delete: %d %v", st, body)
		}
		if st, body := ca.do(ca.org, "DELETE", path(ids[6]), "", nil); st != http.StatusNoContent {
			t.Fatalf("delete: %d %v", st, body)
		}
		if st, body := ca.do(ca.org, "DELETE", path(ids[6]), "", nil); st != http.StatusNotFound {
			t.Fatalf("delete twice: %d %v", st, body)
		}
		if st, body := ca.json(ca.org, "POST", "/api/v1/cases/"+code+"/submit", ""); st != http.StatusOK {
			t.Fatalf("submit: %d %v", st, body)
		}
		st, body := ca.do(ca.org, "DELETE", path(ids[0]), "", nil)
		if st != http.StatusConflict || !strings.Contains(fmt.Sprint(body), "تحویل شده") {
			t.Fatalf("delete after submit: %d %v", st, body)
		}
		r := httptest.NewRequest("GET", path(ids[0]), nil)
		r = r.WithContext(httpauth.WithCaller(r.Context(), &httpauth.Caller{Principal: ca.expert, Bearer: true}))
		w := httptest.NewRecorder()
		ca.h.ServeHTTP(w, r)
		if w.Code != 200 || !strings.HasPrefix(w.Header().Get("Content-Disposition"), "attachment;") ||
			!strings.Contains(w.Header().Get("Content-Security-Policy"), "sandbox") {
			t.Fatalf("staff download: %d %v", w.Code, w.Header())
		}
	})
}
