package certify

import (
	"context"
	"testing"
	"time"

	"github.com/itoir/miz/internal/catalog"
	"github.com/itoir/miz/internal/keys"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

const testOrigin = "miz.test/log"

// newTestRegistry returns a registry on db with a fresh key ring and a clock at
// 1405/01/15 (2026-04-04) 10:00 Tehran.
func newTestRegistry(t testing.TB, db *store.DB) (*Registry, *storetest.Clock) {
	t.Helper()
	clk := storetest.NewClock(time.Date(2026, 4, 4, 6, 30, 0, 0, time.UTC)).On(db)
	ring, err := keys.Open(t.TempDir(), clk.Now)
	if err != nil {
		t.Fatal(err)
	}
	l, err := NewLog(db, ring, testOrigin)
	if err != nil {
		t.Fatal(err)
	}
	svcs, err := catalog.Defaults()
	if err != nil {
		t.Fatal(err)
	}
	r := &Registry{DB: db, Keys: ring, Log: l, BaseURL: "https://miz.test", Issuer: DefaultIssuer("https://miz.test")}
	for _, s := range svcs {
		if s.ID == "certify" {
			r.FromCatalog(s)
		}
	}
	return r, clk
}

func sampleRequest() IssueRequest {
	return IssueRequest{HolderType: HolderOrg, HolderID: "10101234565",
		HolderName:  Bilingual{FA: "شركت نرم افزاري پارس", EN: "Pars Software Co."},
		ProductName: Bilingual{FA: "سامانه حسابداري سپيد", EN: "Sepid Accounting"},
		Versions:    []string{"۴.۲"}, Category: "accounting", Platform: "Web", Deployment: "on-premises",
		Conditions: []Bilingual{{FA: "فقط نسخه نصب‌شده ارزیابی‌شده", EN: "Only the reviewed build"}},
		CaseCode:   "CRT-TEST-1", Actor: "account:7"}
}

func issue(t testing.TB, r *Registry, req IssueRequest) Certificate {
	t.Helper()
	var c Certificate
	err := r.DB.Update(context.Background(), func(tx *store.Tx) error {
		var err error
		c, err = r.Issue(context.Background(), tx, req)
		return err
	})
	if err != nil {
		t.Fatalf("issue: %v", err)
	}
	return c
}

func change(r *Registry, number string, to Status, reason string) (Certificate, error) {
	var c Certificate
	err := r.DB.Update(context.Background(), func(tx *store.Tx) error {
		var err error
		c, err = r.ChangeStatus(context.Background(), tx, number, to, reason, "account:9")
		return err
	})
	return c, err
}

type noteVerifier = interface {
	Name() string
	KeyHash() uint32
	Verify(msg, sig []byte) bool
}
