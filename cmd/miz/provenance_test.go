package main

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestUnconfirmedFiguresAreMarkedAndListed_14: the shipped catalog's figures are
// examples nobody has confirmed. In demo mode the public pages say so beside each;
// without --demo they are not marked; and an editor opening a new version sees the
// list of unconfirmed figures before anyone publishes — the SLA's own §8 date is not
// in it.
func TestUnconfirmedFiguresAreMarkedAndListed_14(t *testing.T) {
	t.Parallel()
	m := startDemo(t, "")
	for path, want := range map[string]string{"/services/certify": "(نمونه)", "/services/cert/sla": "(نمونه)"} {
		if code, _, body := get(t, m.URL()+path); code != 200 || !strings.Contains(body, want) {
			t.Errorf("demo %s: %d, no %q", path, code, want)
		}
	}
	fc := adminClient(t, m)
	status, _, resp := fc.post("/admin/services/drafts", url.Values{"service": {"certify"}})
	if status != http.StatusSeeOther {
		t.Fatalf("new draft: %d", status)
	}
	status, page, _ := fc.get(resp.Header.Get("Location"))
	i := strings.Index(page, `id="unconfirmed-values"`)
	if status != 200 || i < 0 {
		t.Fatalf("draft page %s: %d, no list of unconfirmed figures", resp.Header.Get("Location"), status)
	}
	list := page[i:]
	list = list[:strings.Index(list, "</div>")]
	for _, p := range []string{"<code>fee</code>", "<code>delivery_time.maximum</code>", "<code>module_config.periods.certificate_validity</code>"} {
		if !strings.Contains(list, p) {
			t.Errorf("unconfirmed list lacks %s", p)
		}
	}
	if strings.Contains(list, "<code>validity.to</code>") {
		t.Error("validity.to is quoted from §8 but listed as unconfirmed")
	}

	prod, _, err := boot(t, func(c *Config) {})
	if err != nil {
		t.Fatal(err)
	}
	if code, _, body := get(t, prod.URL()+"/services/certify"); code != 200 || strings.Contains(body, "(نمونه)") {
		t.Errorf("without --demo: %d, figures marked as examples", code)
	}
}
