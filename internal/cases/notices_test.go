package cases

import (
	"context"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/itoir/miz/internal/i18n"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/notify"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

// sent is one outbox message, as a notice test reads it.
type sent struct{ channel, to, subject, text string }

func outboxOf(t *testing.T, db *store.DB, code string) []sent {
	t.Helper()
	var out []sent
	err := db.View(context.Background(), func(tx *store.Tx) error {
		rows, err := tx.Query(context.Background(), `SELECT channel, recipient, subject, text_body FROM outbox
			WHERE ref_kind = 'case' AND ref_id = ? ORDER BY id`, code)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var s sent
			if err := rows.Scan(&s.channel, &s.to, &s.subject, &s.text); err != nil {
				return err
			}
			out = append(out, s)
		}
		return rows.Err()
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func noticesOf(t *testing.T, db *store.DB, account int64) []notify.Notice {
	t.Helper()
	ns, err := notify.List(context.Background(), db, account, 100)
	if err != nil {
		t.Fatal(err)
	}
	return ns
}

func exec(t *testing.T, db *store.DB, q string, args ...any) {
	t.Helper()
	if err := db.Update(context.Background(), func(tx *store.Tx) error { _, err := tx.Exec(context.Background(), q, args...); return err }); err != nil {
		t.Fatal(err)
	}
}

// reachable gives an account an e-mail address and a person with a mobile number.
func reachable(t *testing.T, db *store.DB, p *identity.Principal, email, mobile string) {
	t.Helper()
	var pid int64
	err := db.Update(context.Background(), func(tx *store.Tx) error {
		var err error
		pid, err = tx.InsertID(context.Background(), `INSERT INTO people (national_code, name_fa, mobile, created_at) VALUES (?, 'کاربر', ?, 0)`,
			"99"+mobile[3:], mobile)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	exec(t, db, "UPDATE accounts SET email = ?, person_id = ? WHERE id = ?", email, pid, p.ID)
}

func channels(ms []sent, to string) string {
	var cs []string
	for _, m := range ms {
		if m.to == to {
			cs = append(cs, m.channel)
		}
	}
	return strings.Join(cs, ",")
}

// TestSubmitTellsTrackingCodeAndPagesOnDutyAt3am_Issue14: a CERT incident submitted
// at 03:00 Tehran time tells the applicant its tracking code in-app, by e-mail and by
// SMS, and pages the responder on duty by SMS; a responder off duty hears nothing.
func TestSubmitTellsTrackingCodeAndPagesOnDutyAt3am_Issue14(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		f.clock.Set(tehranAt(22, 3, 0)) // Sunday 03:00
		reachable(t, db, f.gov, "agency@example.org", "09120000001")
		reachable(t, db, f.responder, "resp@example.org", "09120000002")
		reachable(t, db, f.certExpert, "day@example.org", "09120000003")
		// The responder covers every night 22:00–08:00; the expert works days only.
		exec(t, db, `INSERT INTO duty_roster (service, account_id, weekdays, start_min, end_min, created_at) VALUES ('cert', ?, '', 1320, 480, 0)`, f.responder.ID)
		exec(t, db, `INSERT INTO duty_roster (service, account_id, weekdays, start_min, end_min, created_at) VALUES ('cert', ?, '0123', 480, 960, 0)`, f.certExpert.ID)
		c := f.open(t, f.gov, "cert", "incident")
		if _, err := f.e.Submit(ctx, f.gov, c.TrackingCode); err != nil {
			t.Fatal(err)
		}
		out := outboxOf(t, db, c.TrackingCode)
		if got := channels(out, "agency@example.org") + "|" + channels(out, "09120000001"); got != "email|sms" {
			t.Fatalf("applicant got %q, want e-mail and SMS; outbox %+v", got, out)
		}
		for _, m := range out {
			if m.to == "09120000001" && !strings.Contains(m.text, c.TrackingCode) {
				t.Fatalf("SMS %q lacks the tracking code %s", m.text, c.TrackingCode)
			}
		}
		if ns := noticesOf(t, db, f.gov.ID); len(ns) != 1 || !strings.Contains(ns[0].TitleFa, c.TrackingCode) {
			t.Fatalf("applicant's in-app notices %+v", ns)
		}
		if got := channels(out, "09120000002"); got != "sms" {
			t.Fatalf("on-duty responder paged by %q, want sms", got)
		}
		if got := channels(out, "resp@example.org"); got != "email" {
			t.Fatalf("on-duty responder e-mailed %q", got)
		}
		if len(noticesOf(t, db, f.responder.ID)) != 1 {
			t.Fatal("on-duty responder has no in-app notice")
		}
		if channels(out, "09120000003")+channels(out, "day@example.org") != "" || len(noticesOf(t, db, f.certExpert.ID)) != 0 {
			t.Fatal("a staff member off duty was alerted")
		}
	})
}

// TestIncompleteListsItemsAndIgnoresOptOut_Issue14_C41: a return as incomplete is a
// legal notice: the applicant reads the missing items by name in-app and by e-mail,
// even with e-mail switched off in a stored preference; a non-legal step honours the
// opt-out.
func TestIncompleteListsItemsAndIgnoresOptOut_Issue14_C41(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		reachable(t, db, f.org, "vendor@example.org", "09120000004")
		for _, k := range []string{"incomplete", "progress", "submitted"} {
			exec(t, db, `INSERT INTO notice_prefs (account_id, kind, email, sms, updated_at) VALUES (?, ?, FALSE, FALSE, 0)`, f.org.ID, k)
		}
		c := f.submitted(t)
		if got := channels(outboxOf(t, db, c.TrackingCode), "09120000004"); got != "" {
			t.Fatalf("submission SMS sent despite the opt-out: %q", got)
		}
		_, err := f.e.ReturnIncomplete(ctx, f.expert, c.TrackingCode, ReturnInput{Items: []Deficiency{
			{Item: "user_manual", Note: "نسخه فارسی ندارد"}}})
		if err != nil {
			t.Fatal(err)
		}
		out := outboxOf(t, db, c.TrackingCode)
		if got := channels(out, "vendor@example.org") + "|" + channels(out, "09120000004"); got != "email|sms" {
			t.Fatalf("incomplete went by %q, want email|sms whatever the preference", got)
		}
		ns := noticesOf(t, db, f.org.ID)
		mustContain(t, ns[0].BodyFa, "نسخه فارسی ندارد")
		mustContain(t, ns[0].BodyFa, "راهنمای") // the document's Persian name, not its ID
		if strings.Contains(ns[0].BodyFa, "user_manual") {
			t.Fatalf("internal code shown: %q", ns[0].BodyFa)
		}
		mustContain(t, out[0].text, "نسخه فارسی ندارد")
		f.attach(t, f.org, c.TrackingCode, "user_manual")
		if _, err := f.e.Resubmit(ctx, f.org, c.TrackingCode); err != nil {
			t.Fatal(err)
		}
		before := len(outboxOf(t, db, c.TrackingCode))
		f.move(t, f.expert, c.TrackingCode, "accept_documents", "", "")
		if n := len(outboxOf(t, db, c.TrackingCode)); n != before {
			t.Fatalf("a step the applicant opted out of was e-mailed (%d→%d)", before, n)
		}
		if ns := noticesOf(t, db, f.org.ID); !strings.Contains(ns[0].TitleFa, c.TrackingCode) || len(ns) < 4 {
			t.Fatalf("in-app notices %+v, want one per step", ns)
		}
	})
}

// TestDecisionAndPauseAreLegal_Issue14: a rejection reaches the applicant by e-mail
// despite an opt-out, and the domain refuses to store an opt-out of a legal notice.
func TestDecisionAndPauseAreLegal_Issue14(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		reachable(t, db, f.gov, "agency@example.org", "09120000005")
		exec(t, db, `INSERT INTO notice_prefs (account_id, kind, email, sms, updated_at) VALUES (?, 'decision', FALSE, FALSE, 0)`, f.gov.ID)
		prefs := &notify.Preferences{DB: db}
		for _, k := range []notify.Kind{notify.KindDecision, notify.KindPaused, notify.KindIncomplete} {
			err := prefs.Set(ctx, f.gov.ID, []notify.Pref{{KindInfo: notify.KindInfo{Kind: k}, WantEmail: false, WantSMS: true}})
			wantCode(t, err, "invalid", "notices.prefs.legal")
		}
		if err := prefs.Set(ctx, f.gov.ID, []notify.Pref{{KindInfo: notify.KindInfo{Kind: notify.KindProgress}, WantEmail: false}}); err != nil {
			t.Fatal(err)
		}
		got, err := prefs.Get(ctx, f.gov.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range got {
			if (p.Kind == notify.KindDecision && !p.WantEmail) || (p.Kind == notify.KindProgress && p.WantEmail) {
				t.Fatalf("preference %+v", p)
			}
		}
		c := f.open(t, f.gov, "cert", "incident")
		if _, err := f.e.Submit(ctx, f.gov, c.TrackingCode); err != nil {
			t.Fatal(err)
		}
		cert := &identity.Principal{Account: f.responder.Account, Grants: map[string][]identity.Role{"cert": {identity.Analyst}}}
		f.move(t, cert, c.TrackingCode, "dismiss", "reject", "رخداد امنیتی نبود")
		out := outboxOf(t, db, c.TrackingCode)
		last := out[len(out)-1]
		if last.to != "agency@example.org" || !strings.Contains(last.text, "رخداد امنیتی نبود") {
			t.Fatalf("decision e-mail %+v", last)
		}
		// A request for access pauses the clock: the applicant is told why, by SMS too,
		// even with SMS switched off for it in a stored preference.
		exec(t, db, `INSERT INTO notice_prefs (account_id, kind, email, sms, updated_at) VALUES (?, 'paused', FALSE, FALSE, 0)`, f.gov.ID)
		c2 := f.open(t, f.gov, "cert", "incident")
		if _, err := f.e.Submit(ctx, f.gov, c2.TrackingCode); err != nil {
			t.Fatal(err)
		}
		f.move(t, f.responder, c2.TrackingCode, "take", "", "")
		f.move(t, f.responder, c2.TrackingCode, "ask_access", "", "دسترسی به سرور ثبت رویداد لازم است")
		out = outboxOf(t, db, c2.TrackingCode)
		if got := channels(out[len(out)-2:], "agency@example.org") + "|" + channels(out[len(out)-2:], "09120000005"); got != "email|sms" {
			t.Fatalf("pause went by %q, want email|sms", got)
		}
		ns := noticesOf(t, db, f.gov.ID)
		mustContain(t, ns[0].BodyFa, "دسترسی به سرور ثبت رویداد لازم است")
		mustContain(t, ns[0].BodyFa, "متوقف")
	})
}

// TestSLABreachAlertsAssigneeSupervisorAndApplicant_Issue14_SLAClock7: a warning goes
// to the assignee and the supervisor; a breach also to the applicant.
func TestSLABreachAlertsAssigneeSupervisorAndApplicant_Issue14_SLAClock7(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		exec(t, db, `INSERT INTO role_grants (account_id, service, role, granted_at) VALUES (?, 'certify', 'supervisor', 0) ON CONFLICT DO NOTHING`, f.supervisor.ID)
		c := f.submitted(t)
		c.AssigneeAccountID = f.expert.ID
		for _, breach := range []bool{false, true} {
			err := db.Update(ctx, func(tx *store.Tx) error {
				return NotifyMilestone(ctx, tx, Milestone{Case: c, Fraction: map[bool]float64{false: 0.75, true: 1}[breach], Breach: breach})
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		if n := len(noticesOf(t, db, f.expert.ID)); n != 2 {
			t.Fatalf("assignee has %d SLA notices, want 2", n)
		}
		sup := noticesOf(t, db, f.supervisor.ID)
		if len(sup) != 2 {
			t.Fatalf("supervisor has %d SLA notices, want 2", len(sup))
		}
		mustContain(t, sup[1].TitleFa, "۷۵٪")
		app := noticesOf(t, db, f.org.ID)
		if !strings.Contains(app[0].BodyFa, "مهلت ارائه خدمت درخواست شما گذشته است") {
			t.Fatalf("applicant not told of the breach: %+v", app[0])
		}
	})
}

// TestSMSTemplatesFitOneSegment_Issue14: every SMS template, with a tracking code in
// it, fits one UCS-2 segment of 70 characters.
func TestSMSTemplatesFitOneSegment_Issue14(t *testing.T) {
	code := "ABCD-EFGH-JK"
	for _, key := range []string{"notice.submitted.sms", "notice.incomplete.sms", "notice.paused.sms", "notice.new_case.page"} {
		text := strings.ReplaceAll(i18n.T(i18n.Fa, key), "%s", code)
		if n := utf8.RuneCountInString(text); n > 70 {
			t.Errorf("%s is %d characters, over one SMS segment (70): %q", key, n, text)
		}
	}
}

// TestMessageTellsTheOtherSide_Issue14: a staff message reaches the applicant's
// inbox; an internal note reaches nobody.
func TestMessageTellsTheOtherSide_Issue14(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		c := f.submitted(t)
		before := len(noticesOf(t, db, f.org.ID))
		if _, err := f.e.AddInternalNote(ctx, f.expert, c.TrackingCode, "یادداشت داخلی"); err != nil {
			t.Fatal(err)
		}
		if _, err := f.e.AddMessage(ctx, f.expert, c.TrackingCode, "لطفاً نسخه تازه را بفرستید"); err != nil {
			t.Fatal(err)
		}
		ns := noticesOf(t, db, f.org.ID)
		if len(ns) != before+1 || ns[0].BodyFa != "لطفاً نسخه تازه را بفرستید" {
			t.Fatalf("applicant's notices after a note and a message: %+v", ns)
		}
	})
}
