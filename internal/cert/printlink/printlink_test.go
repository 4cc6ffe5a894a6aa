package printlink

import (
	"net/url"
	"testing"
	"time"
)

func TestPrintLinksExpireAndAreBoundToTheirPage(t *testing.T) {
	var s Signer
	now := time.Date(2026, 4, 4, 6, 30, 0, 0, time.UTC)
	q, _ := url.ParseQuery(s.Query("report", 7, now))
	exp, tok := q.Get("exp"), q.Get("t")
	if !s.Check("report", 7, exp, tok, now.Add(time.Minute)) {
		t.Fatal("a fresh link was refused")
	}
	for name, ok := range map[string]bool{
		"expired":      s.Check("report", 7, exp, tok, now.Add(TTL+time.Second)),
		"another id":   s.Check("report", 8, exp, tok, now),
		"another kind": s.Check("consent", 7, exp, tok, now),
		"forged":       s.Check("report", 7, exp, "00", now),
		"another key":  (&Signer{}).Check("report", 7, exp, tok, now),
		"bad expiry":   s.Check("report", 7, "x", tok, now),
	} {
		if ok {
			t.Errorf("%s link accepted", name)
		}
	}
}
