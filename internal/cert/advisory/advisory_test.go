package advisory

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/itoir/miz/internal/cert/csaf"
	"github.com/itoir/miz/internal/cert/tlp"
	"github.com/itoir/miz/internal/documents"
	"github.com/itoir/miz/internal/fixtures"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

type fixture struct {
	s                     *Service
	clock                 *storetest.Clock
	author, second, other *identity.Principal
	org, public           *identity.Principal
}

var start = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)

func newFixture(t *testing.T, db *store.DB) *fixture {
	t.Helper()
	clock := storetest.NewClock(start)
	signer, err := csaf.LoadOrCreateSigner(t.TempDir(), clock.Now)
	if err != nil {
		t.Fatal(err)
	}
	docs, err := documents.NewDisk(t.TempDir(), documents.Options{})
	if err != nil {
		t.Fatal(err)
	}
	b := fixtures.New(t, db, clock)
	editors := map[string][]identity.Role{ServiceID: {identity.Editor}}
	return &fixture{
		s:      &Service{DB: db, Docs: docs, Signer: signer, BaseURL: func() string { return "https://desk.example" }, Now: clock.Now, Version: "test"},
		clock:  clock,
		author: b.Staff("author", editors), second: b.Staff("second", editors),
		other:  b.Staff("responder", map[string][]identity.Role{ServiceID: {identity.Responder}}),
		org:    b.OrgApplicant("constituent", "government"),
		public: b.Applicant("citizen"),
	}
}

func sample(label tlp.Level) Input {
	return Input{Content: Content{TLP: label, Severity: High, TitleFa: "آسيب‌پذيري در وب‌سرور نمونه", TitleEn: "Vulnerability in Sample web server",
		SummaryFa: "یک آسیب‌پذیری اجرای کد از راه دور در وب‌سرور نمونه یافت شد.", SummaryEn: "A remote code execution flaw.",
		Products:      []Product{{Name: "Sample httpd", Versions: []string{"2.4.1", "2.4.2"}}},
		CVEs:          []string{"cve-2026-12345"},
		CVSS:          "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
		RemediationFa: "به نسخه ۲.۴.۳ به‌روزرسانی کنید.", References: []string{"https://example.org/advisory"}}}
}

func wantProblem(t *testing.T, err error, code problem.Code, key string) {
	t.Helper()
	if pe := problem.As(err); err == nil || pe.Code != code || pe.Key != key {
		t.Fatalf("err = %v, want %s/%s", err, code, key)
	}
}

func TestAdvisoryFourEyesPublishAndRevisions_M41(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		if _, err := f.s.Save(ctx, f.other, 0, sample(tlp.Clear)); problem.As(err).Code != problem.Forbidden {
			t.Fatalf("a responder drafted an advisory: %v", err)
		}
		id, err := f.s.Save(ctx, f.author, 0, sample(tlp.Clear))
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.s.Publish(ctx, f.second, id)
		wantProblem(t, err, problem.Conflict, "advisory.state.not_review") // a draft is not published unreviewed
		if err := f.s.Submit(ctx, f.author, id); err != nil {
			t.Fatal(err)
		}
		_, err = f.s.Publish(ctx, f.author, id)
		wantProblem(t, err, problem.Forbidden, "advisory.four_eyes")
		if l, _ := f.s.List(ctx, nil, ""); len(l) != 0 {
			t.Fatalf("unpublished advisory listed: %+v", l)
		}
		f.clock.Add(time.Hour)
		tracking, err := f.s.Publish(ctx, f.second, id)
		if err != nil || tracking != "MIZ-2026-0001" {
			t.Fatalf("publish = %q, %v", tracking, err)
		}
		a, err := f.s.Get(ctx, nil, tracking)
		if err != nil || a.Revision != 1 || a.Content.CVEs[0] != "CVE-2026-12345" || a.TitleFa != "آسیب‌پذیری در وب‌سرور نمونه" {
			t.Fatalf("get = %+v, %v", a, err)
		}
		// A revision needs a change note, goes through review again and keeps history.
		in := sample(tlp.Clear)
		in.RemediationFa = "به نسخه ۲.۴.۴ به‌روزرسانی کنید."
		_, err = f.s.Save(ctx, f.second, id, in)
		wantProblem(t, err, problem.Invalid, "advisory.change_note.required")
		in.ChangeNote = "نسخه اصلاحی تازه"
		if _, err := f.s.Save(ctx, f.second, id, in); err != nil {
			t.Fatal(err)
		}
		if a, _ := f.s.Get(ctx, nil, tracking); a.Revision != 1 || !strings.Contains(a.Content.RemediationFa, "۲.۴.۳") {
			t.Fatalf("pending revision leaked to the public: %+v", a)
		}
		if err := f.s.Submit(ctx, f.second, id); err != nil {
			t.Fatal(err)
		}
		_, err = f.s.Publish(ctx, f.second, id)
		wantProblem(t, err, problem.Forbidden, "advisory.four_eyes")
		f.clock.Add(time.Hour)
		if _, err := f.s.Publish(ctx, f.author, id); err != nil {
			t.Fatal(err)
		}
		a, err = f.s.Get(ctx, nil, tracking)
		if err != nil || a.Revision != 2 || len(a.Revisions) != 2 || a.Revisions[1].ChangeNote != "نسخه اصلاحی تازه" ||
			!a.Current.After(a.Initial) {
			t.Fatalf("after revision: %+v, %v", a, err)
		}
		// The CSAF document carries both revisions and verifies against the key.
		doc, err := f.s.CSAF(ctx, nil, a.CSAFPath)
		if err != nil || doc.ContentType != "application/json" {
			t.Fatalf("csaf = %v", err)
		}
		var got struct {
			Document struct {
				Tracking struct {
					Version         string `json:"version"`
					RevisionHistory []any  `json:"revision_history"`
				} `json:"tracking"`
			} `json:"document"`
		}
		if err := json.Unmarshal(doc.Body, &got); err != nil || got.Document.Tracking.Version != "2" || len(got.Document.Tracking.RevisionHistory) != 2 {
			t.Fatalf("csaf tracking = %+v, %v", got.Document.Tracking, err)
		}
		sig, err := f.s.CSAF(ctx, nil, a.CSAFPath+".asc")
		if err != nil || f.s.Signer.Verify(doc.Body, string(sig.Body)) != nil {
			t.Fatalf("signature does not verify: %v", err)
		}
	})
}

func TestAdvisoryFieldErrorsChangeNothing_M41(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		for _, c := range []struct {
			field string
			edit  func(*Input)
		}{
			{"cvss", func(in *Input) { in.CVSS = "CVSS:3.1/AV:X" }},
			{"cves", func(in *Input) { in.CVEs = []string{"CVE-26-1"} }},
			{"references", func(in *Input) { in.References = []string{"javascript:alert(1)"} }},
			{"title_fa", func(in *Input) { in.TitleFa = " " }},
			{"tlp", func(in *Input) { in.TLP = tlp.Red }},
			{"products", func(in *Input) { in.Products = nil }},
		} {
			in := sample(tlp.Clear)
			c.edit(&in)
			_, err := f.s.Save(ctx, f.author, 0, in)
			if pe := problem.As(err); err == nil || pe.Field != c.field {
				t.Errorf("%s: err = %v", c.field, err)
			}
		}
		if d, _ := f.s.Desk(ctx, f.author); len(d) != 0 {
			t.Fatalf("refused drafts were stored: %+v", d)
		}
	})
}

func TestGreenAdvisoriesOnlyForConstituents_M41(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		publish := func(in Input) string {
			id, err := f.s.Save(ctx, f.author, 0, in)
			if err == nil {
				err = f.s.Submit(ctx, f.author, id)
			}
			tr, err2 := f.s.Publish(ctx, f.second, id)
			if err != nil || err2 != nil {
				t.Fatal(err, err2)
			}
			return tr
		}
		clear := publish(sample(tlp.Clear))
		green := sample(tlp.Green)
		green.TitleFa = "هشدار ويژه دستگاه‌ها"
		gid := publish(green)
		if l, _ := f.s.List(ctx, nil, ""); len(l) != 1 || l[0].TrackingID != clear {
			t.Fatalf("anonymous list = %+v", l)
		}
		if _, err := f.s.Get(ctx, f.public, gid); problem.As(err).Code != problem.NotFound {
			t.Fatalf("a citizen read a GREEN advisory: %v", err)
		}
		if l, _ := f.s.List(ctx, f.org, ""); len(l) != 2 {
			t.Fatalf("constituent list = %+v", l)
		}
		// Search folds Arabic letters, digits and half-spaces (internal/persian).
		if l, _ := f.s.List(ctx, f.org, "ويژه"); len(l) != 1 || l[0].TrackingID != gid {
			t.Fatalf("search = %+v", l)
		}
		if l, _ := f.s.List(ctx, nil, "cve-2026-12345"); len(l) != 1 {
			t.Fatalf("search by CVE = %+v", l)
		}
		a, _ := f.s.Get(ctx, f.org, gid)
		if _, err := f.s.CSAF(ctx, nil, a.CSAFPath); problem.As(err).Code != problem.Unauthorized {
			t.Fatalf("anonymous GREEN csaf: %v", err)
		}
		if _, err := f.s.CSAF(ctx, f.org, a.CSAFPath); err != nil {
			t.Fatalf("constituent GREEN csaf: %v", err)
		}
		idx, _ := f.s.CSAF(ctx, nil, "white/index.txt")
		if !bytes.Contains(idx.Body, []byte("2026/miz-2026-0001.json")) || bytes.Contains(idx.Body, []byte("0002")) {
			t.Fatalf("white index = %q", idx.Body)
		}
	})
}

func TestHardeningPackageAttachedAndDownloaded_M41(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		id, err := f.s.Save(ctx, f.author, 0, sample(tlp.Clear))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.Attach(ctx, f.author, id, "guide.exe", strings.NewReader("MZ\x90\x00binary")); problem.As(err).Field != "file" {
			t.Fatalf("executable attached: %v", err)
		}
		file, err := f.s.Attach(ctx, f.author, id, "hardening.txt", strings.NewReader("Disable TLS 1.0.\n"))
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := f.s.OpenFile(ctx, nil, "MIZ-2026-0001", file.ID); problem.As(err).Code != problem.NotFound {
			t.Fatalf("package of an unpublished advisory opened: %v", err)
		}
		if w, err := f.s.Work(ctx, f.second, id); err != nil || len(w.Files) != 1 {
			t.Fatalf("editors do not see the draft's package: %+v, %v", w, err)
		}
		if _, rc, err := f.s.OpenFile(ctx, f.second, fmt.Sprint(id), file.ID); err != nil {
			t.Fatalf("an editor cannot open a draft's package: %v", err)
		} else {
			rc.Close()
		}
		_ = f.s.Submit(ctx, f.author, id)
		tr, err := f.s.Publish(ctx, f.second, id)
		if err != nil {
			t.Fatal(err)
		}
		_, rc, err := f.s.OpenFile(ctx, nil, tr, file.ID)
		if err != nil {
			t.Fatal(err)
		}
		rc.Close()
	})
}
