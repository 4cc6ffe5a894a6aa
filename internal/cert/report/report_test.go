package report_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/itoir/miz/internal/cases"
	"github.com/itoir/miz/internal/cert/deskfixture"
	"github.com/itoir/miz/internal/cert/dispatch"
	"github.com/itoir/miz/internal/cert/report"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/keys"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

const body = `# خلاصه
نفوذ از طریق VPN شرکت نمونه؛ مسئول شبکه: آقای احمدی، تلفن ۰۹۱۲۱۲۳۴۵۶۷.

## یافته‌ها
- نشانی داخلی 10.0.0.5 آلوده بود.
`

const redacted = `# خلاصه
نفوذ از طریق VPN یک دستگاه.

## یافته‌ها
- یک سرور داخلی آلوده بود.
`

func newDesk(t *testing.T, db *store.DB) (*deskfixture.Desk, *report.Service, *keys.Ring) {
	d := deskfixture.New(t, db, dispatch.TeamGuard, report.Guard)
	ring, err := keys.Open(t.TempDir(), d.Clock.Now)
	if err != nil {
		t.Fatal(err)
	}
	return d, &report.Service{DB: db, Cases: d.Engine, Keys: ring, Now: d.Clock.Now}, ring
}

// D-3: a second person reviews (the author cannot approve); the delivered report
// is signed and verifies against the published keys, and an altered one does not.
func TestReportIsReviewedByASecondPersonAndDeliveredSigned_D3(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		d, s, ring := newDesk(t, db)
		code := d.Incident(t, "VPN")
		_, err := s.Create(ctx, d.Analyst, code, report.Draft{Title: "گزارش", Body: "no heading"})
		if pe := problem.As(err); pe.Code != problem.Invalid || pe.Field != "body" {
			t.Fatalf("a report without headings: %v", err)
		}
		if _, err := s.Create(ctx, d.Reporter, code, report.Draft{Title: "x", Body: body}); problem.As(err).Code != problem.Forbidden {
			t.Fatalf("the applicant wrote a report: %v", err)
		}
		r, err := s.Create(ctx, d.Analyst, code, report.Draft{Title: "گزارش فنی حادثه VPN", Body: body})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Attach(ctx, d.Analyst, code, r.ID, report.AttachInput{Name: "../../iocs.txt", Body: []byte("1.2.3.4\n")}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Review(ctx, d.Analyst2, code, r.ID, true); problem.As(err).Code != problem.Conflict {
			t.Fatalf("a draft was approved before submission: %v", err)
		}
		if _, err := s.Submit(ctx, d.Analyst, code, r.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Review(ctx, d.Analyst, code, r.ID, true); problem.As(err).Code != problem.Forbidden {
			t.Fatalf("the author approved their own report: %v", err)
		}
		if _, err := s.Deliver(ctx, d.Analyst, code, r.ID); problem.As(err).Code != problem.Conflict {
			t.Fatalf("delivered before review: %v", err)
		}
		if _, err := s.Review(ctx, d.Analyst2, code, r.ID, true); err != nil {
			t.Fatal(err)
		}
		d.Clock.Add(time.Hour)
		got, err := s.Deliver(ctx, d.Analyst, code, r.ID)
		if err != nil || got.Status != report.StatusDelivered || got.Files[0].Name != "iocs.txt" {
			t.Fatalf("deliver: %v %+v", err, got)
		}
		signed, err := s.SignedJSON(ctx, d.Reporter, code, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		p, kid, err := report.Verify(signed, ring.JWKS())
		if err != nil || kid != ring.Active().ID || p.Case != code || p.Body != strings.TrimSpace(body) || p.Reviewer != d.Analyst2.ID || len(p.Attachments) != 1 {
			t.Fatalf("verify: %v %s %+v", err, kid, p)
		}
		if !report.IsSigned(signed) {
			t.Fatal("IsSigned said no")
		}
		altered := strings.Replace(string(signed), "10.0.0.5", "10.0.0.6", 1)
		if _, _, err := report.Verify([]byte(altered), ring.JWKS()); err == nil {
			t.Fatal("an altered report verified")
		}
		other, _ := keys.Open(t.TempDir(), d.Clock.Now)
		if _, _, err := report.Verify(signed, other.JWKS()); err == nil {
			t.Fatal("a report verified under someone else's keys")
		}
	})
}

// D-1, D-3: the applicant reads only delivered reports, never drafts or the
// public-warning draft; other organisations, other services' staff and the
// public read nothing.
func TestReportStaysPrivate_D1(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		d, s, _ := newDesk(t, db)
		code := d.Incident(t, "VPN")
		r, err := s.Create(ctx, d.Analyst, code, report.Draft{Title: "گزارش", Body: body})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Get(ctx, d.Reporter, code, r.ID); problem.As(err).Code != problem.NotFound {
			t.Fatalf("the applicant read a draft: %v", err)
		}
		if _, err := s.Redact(ctx, d.Analyst2, code, r.ID, report.Draft{Title: "هشدار", Body: redacted}); problem.As(err).Code != problem.Conflict {
			t.Fatalf("redacted before review: %v", err)
		}
		mustOK(t)(s.Submit(ctx, d.Analyst, code, r.ID))
		mustOK(t)(s.Review(ctx, d.Analyst2, code, r.ID, true))
		if _, err := s.Redact(ctx, d.Analyst2, code, r.ID, report.Draft{Title: "هشدار", Body: body}); problem.As(err).Field != "body" {
			t.Fatalf("a redaction that removes nothing: %v", err)
		}
		red, err := s.Redact(ctx, d.Analyst2, code, r.ID, report.Draft{Title: "هشدار: نفوذ از طریق VPN", Body: redacted})
		if err != nil || red.RedactedBody != strings.TrimSpace(redacted) {
			t.Fatalf("redact: %v", err)
		}
		diff := report.Diff(red.Body, red.RedactedBody)
		var removed, added int
		for _, l := range diff {
			switch l.Op {
			case "-":
				removed++
				if !strings.Contains(body, l.Text) {
					t.Fatalf("removed line %q not in the original", l.Text)
				}
			case "+":
				added++
			}
		}
		if removed != 2 || added != 2 {
			t.Fatalf("diff = %+v", diff)
		}
		mustOK(t)(s.Deliver(ctx, d.Analyst2, code, r.ID))
		got, err := s.Get(ctx, d.Reporter, code, r.ID)
		if err != nil || got.Body != strings.TrimSpace(body) || got.RedactedBody != "" || got.RedactedTitle != "" {
			t.Fatalf("applicant's copy: %v %+v", err, got)
		}
		for name, who := range map[string]error{
			"outsider":      get(s, ctx, d.Outsider, code, r.ID),
			"certifyExpert": get(s, ctx, d.CertifyExpert, code, r.ID),
		} {
			if problem.As(who).Code != problem.NotFound {
				t.Fatalf("%s read the report: %v", name, who)
			}
		}
		if _, err := s.List(ctx, nil, code); problem.As(err).Code != problem.Unauthorized {
			t.Fatalf("the public listed reports: %v", err)
		}
		if _, err := s.Printable(ctx, r.ID, "99999999999999", "forged"); problem.As(err).Code != problem.NotFound {
			t.Fatalf("a forged print link opened the report: %v", err)
		}
	})
}

// D-3: the state "technical report delivered" is entered only after a report was
// delivered.
func TestReportDeliveredStateNeedsADeliveredReport_D3(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		d, s, _ := newDesk(t, db)
		code := d.CaseAt(t, "dispatch", "team_dispatched")
		step := cases.TransitionInput{Transition: "deliver_report"}
		if _, err := d.Engine.Transition(ctx, d.Responder, code, step); problem.As(err).Key != "report.required_for_step" {
			t.Fatalf("without a report: %v", err)
		}
		r, err := s.Create(ctx, d.Responder, code, report.Draft{Title: "گزارش", Body: body})
		if err != nil {
			t.Fatal(err)
		}
		mustOK(t)(s.Submit(ctx, d.Responder, code, r.ID))
		mustOK(t)(s.Review(ctx, d.Supervisor, code, r.ID, true))
		if _, err := d.Engine.Transition(ctx, d.Responder, code, step); problem.As(err).Key != "report.required_for_step" {
			t.Fatalf("with an approved but undelivered report: %v", err)
		}
		mustOK(t)(s.Deliver(ctx, d.Responder, code, r.ID))
		if c, err := d.Engine.Transition(ctx, d.Responder, code, step); err != nil || c.State != report.StateDelivered {
			t.Fatalf("with a delivered report: %v", err)
		}
	})
}

func TestMarkdownIsRenderedSafely(t *testing.T) {
	out := report.HTML("# عنوان\n\n<script>alert(1)</script>\n\n[x](javascript:alert(1)) ![t](https://evil.example/p.png) <b onclick=x>b</b>\n\n| a | b |\n|---|---|\n| 1 | 2 |\n")
	for _, bad := range []string{"<script", "javascript:", "<img", "onclick", "evil.example"} {
		if strings.Contains(out, bad) {
			t.Fatalf("%q came through: %s", bad, out)
		}
	}
	for _, good := range []string{"<h1", "<table", "[t]"} {
		if !strings.Contains(out, good) {
			t.Fatalf("%q missing: %s", good, out)
		}
	}
}

func get(s *report.Service, ctx context.Context, p *identity.Principal, code string, id int64) error {
	_, err := s.Get(ctx, p, code, id)
	return err
}

func mustOK(t *testing.T) func(*report.Report, error) {
	return func(_ *report.Report, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
}
