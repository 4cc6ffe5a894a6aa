package main

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

// TestServicePagesSayTheSLAValidityEnded_S8: both shipped agreements were valid until
// the end of 1400, so the service card and the SLA page say, in both languages, that
// the period has ended and renewal is pending — and that the service continues.
func TestServicePagesSayTheSLAValidityEnded_S8(t *testing.T) {
	t.Parallel()
	m := startDemo(t, "")
	for _, path := range []string{"/services/certify", "/services/cert", "/services/certify/sla", "/services/cert/sla"} {
		for lang, want := range map[string][]string{
			"fa": {"به پایان رسیده", "تمدید", "۱۴۰۰"},
			"en": {"ended on", "renewal is pending", "The service continues"},
		} {
			req, _ := http.NewRequest("GET", m.URL()+path, nil)
			req.AddCookie(&http.Cookie{Name: "lang", Value: lang})
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			body := string(b)
			i := strings.Index(body, `id="validity-notice"`)
			if resp.StatusCode != 200 || i < 0 {
				t.Errorf("%s (%s): %d, no validity notice", path, lang, resp.StatusCode)
				continue
			}
			notice := body[i:min(len(body), i+800)]
			for _, w := range want {
				if !strings.Contains(notice, w) {
					t.Errorf("%s (%s): notice lacks %q: %s", path, lang, w, notice)
				}
			}
		}
	}
}
