package course

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/itoir/miz/internal/certify"
	"github.com/itoir/miz/internal/fixtures"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/jalali"
	"github.com/itoir/miz/internal/keys"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

const testOrigin = "miz.test/log"

// start is Saturday 1405/08/30 (2026-11-21) 09:00 in Tehran.
var start = time.Date(2026, 11, 21, 9, 0, 0, 0, jalali.Tehran())

type fixture struct {
	s       *Courses
	db      *store.DB
	clock   *storetest.Clock
	b       *fixtures.Builder
	manager *identity.Principal // CERT supervisor: manages courses
	trainer *identity.Principal // CERT expert: records attendance
	agency  int64               // a government agency
	company int64               // a legal person
}

func newFixture(t *testing.T, db *store.DB) *fixture {
	t.Helper()
	f := &fixture{db: db, clock: storetest.NewClock(start)}
	f.clock.On(db)
	ring, err := keys.Open(t.TempDir(), f.clock.Now)
	if err != nil {
		t.Fatal(err)
	}
	l, err := certify.NewLog(db, ring, testOrigin)
	if err != nil {
		t.Fatal(err)
	}
	f.s = &Courses{DB: db, Keys: ring, Log: l, BaseURL: "https://miz.test", Issuer: certify.DefaultIssuer("https://miz.test"), Now: f.clock.Now}
	f.b = fixtures.New(t, db, f.clock)
	f.manager = f.b.Staff("manager", map[string][]identity.Role{"cert": {identity.Supervisor}})
	f.trainer = f.b.Staff("trainer", map[string][]identity.Role{"cert": {identity.Expert}})
	f.agency = f.b.Organization(identity.Organization{Kind: "government", Email: "it@agency.example"})
	f.company = f.b.Organization(identity.Organization{Kind: "legal"})
	return f
}

// person stores a person (with e-mail and mobile) who acts for org (0: none).
func (f *fixture) person(t *testing.T, name string, org int64) *identity.Principal {
	t.Helper()
	pid := f.b.Person(identity.Person{NameFa: name, Email: name + "@example.ir", Mobile: "09120000000"})
	p := f.b.Account(identity.NewAccount{Username: name, Kind: identity.KindPerson, PersonID: pid, DisplayName: name})
	if org != 0 {
		f.b.Member(p, org, "کارشناس")
		p = f.b.Principal(p.ID)
	}
	return p
}

// openCourse creates, schedules and opens a course with sessions a week apart,
// starting in ten days, or in days when given.
func (f *fixture) openCourse(t *testing.T, in CourseInput, sessions int, days ...int) *Course {
	t.Helper()
	ctx := context.Background()
	if in.Title.FA == "" {
		in.Title = Text{FA: "مقدمات پاسخ به رخداد", EN: "Incident response basics"}
	}
	if in.Capacity == 0 {
		in.Capacity = 10
	}
	if in.CancelHours == 0 {
		in.CancelHours = 48
	}
	c, err := f.s.Create(ctx, f.manager, in)
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	for i := range sessions {
		first := 10
		if len(days) > 0 {
			first = days[0]
		}
		st := start.Add(time.Duration(first+7*i) * 24 * time.Hour)
		if _, err := f.s.AddSession(ctx, f.manager, c.ID, SessionInput{Starts: st, Ends: st.Add(3 * time.Hour), Place: "تهران، ساختمان ماهر"}); err != nil {
			t.Fatalf("session: %v", err)
		}
	}
	if c, err = f.s.Open(ctx, f.manager, c.ID); err != nil {
		t.Fatalf("open: %v", err)
	}
	return c
}

func count(t *testing.T, db *store.DB, q string, args ...any) int {
	t.Helper()
	var n int
	err := db.View(context.Background(), func(tx *store.Tx) error { return tx.QueryRow(context.Background(), q, args...).Scan(&n) })
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func identityOrg(org int64) identity.NewAccount {
	return identity.NewAccount{Kind: identity.KindOrganization, OrgID: org}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
