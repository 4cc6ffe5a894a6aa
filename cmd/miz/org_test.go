package main

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
)

// webClient logs in through the login form and returns a client holding the session.
func webClient(t *testing.T, m *Main, user string) (*http.Client, func(string) string) {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	get := func(p string) string {
		resp, err := c.Get(m.URL() + p)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	tok := csrfField.FindStringSubmatch(get("/login"))
	resp, err := c.PostForm(m.URL()+"/login", url.Values{"username": {user}, "password": {"demo-password"}, "csrf": {tok[1]}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 303 {
		t.Fatalf("login %s: %d", user, resp.StatusCode)
	}
	return c, get
}

func TestOrganisationManagesItsMembers(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, m *Main) {
		c, get := webClient(t, m, "10101234565") // the demo company logs in with its national ID
		page := get("/org/members")
		if !strings.Contains(page, "0499370899") {
			t.Fatal("the demo applicant is not listed as a member")
		}
		csrf := csrfField.FindStringSubmatch(page)[1]
		post := func(code string) (int, string) {
			resp, err := c.PostForm(m.URL()+"/org/members", url.Values{"national_code": {code}, "title": {"مدیر"}, "csrf": {csrf}})
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			return resp.StatusCode, string(b)
		}
		if code, body := post("0071234562"); code != 400 || !strings.Contains(body, `aria-invalid="true"`) {
			t.Fatalf("bad checksum accepted: %d", code)
		}
		if code, _ := post("1111111111"); code != 400 {
			t.Fatalf("repeated digits accepted: %d", code)
		}
		if code, _ := post("8812468020"); code != 400 {
			t.Fatalf("unregistered person added: %d", code)
		}
		if code, _ := post("۰۰۷۱۲۳۴۵۶۱"); code != 303 { // Persian digits are normalised
			t.Fatalf("adding a registered person: %d", code)
		}
		if !strings.Contains(get("/org/members"), "0071234561") {
			t.Fatal("new member not listed")
		}
		if code, _ := post("0071234561"); code != 400 {
			t.Fatalf("duplicate membership: %d", code)
		}
		// A person (not the organisation's account) may not manage members.
		_, getA := webClient(t, m, "demo-applicant")
		if !strings.Contains(getA("/org/members"), "error-message") {
			t.Fatal("a member managed the organisation's members")
		}
	})
}
