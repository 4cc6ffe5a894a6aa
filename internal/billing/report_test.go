package billing

import (
	"archive/zip"
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/itoir/miz/internal/jalali"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

func TestRevenuePerServicePerJalaliMonthAndUnpaidInvoices_Section6(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		pay := func(inv *Invoice, ref string) {
			t.Helper()
			if _, err := f.b.RecordBankPayment(ctx, f.expert, inv.Number, BankPayment{Reference: ref, Amount: inv.Total}); err != nil {
				t.Fatal(err)
			}
		}
		a, b := f.issue(t, ""), f.issue(t, "")
		pay(a, "A")
		pay(b, "B") // both in Azar 1405
		f.clock.Set(jalali.Date{Year: 1405, Month: 10, Day: 3}.Time(jalali.Tehran()).Add(9 * time.Hour))
		c := f.issue(t, "")
		pay(c, "C") // Dey 1405
		refunded := f.issue(t, "")
		pay(refunded, "D")
		if _, err := f.b.Refund(ctx, f.super, refunded.Number, "returned"); err != nil {
			t.Fatal(err)
		}
		open := f.issue(t, "")

		rows, err := f.b.Revenue(ctx, f.super, 1405)
		if err != nil {
			t.Fatal(err)
		}
		want := []RevenueRow{
			{Service: "cert", Year: 1405, Month: 10, Count: 1, Net: 250_000_000, VAT: 25_000_000, Total: 275_000_000},
			{Service: "cert", Year: 1405, Month: 9, Count: 2, Net: 500_000_000, VAT: 50_000_000, Total: 550_000_000},
		}
		if len(rows) != len(want) || rows[0] != want[0] || rows[1] != want[1] {
			t.Errorf("revenue = %+v\nwant %+v", rows, want)
		}
		unpaid, err := f.b.UnpaidInvoices(ctx, f.super)
		if err != nil || len(unpaid) != 1 || unpaid[0].Number != open.Number {
			t.Errorf("unpaid = %+v, %v", unpaid, err)
		}
		// Reports are for the service's supervisors and analysts, never applicants,
		// nor staff of another service.
		_, err = f.b.Revenue(ctx, f.person, 0)
		wantProblem(t, err, problem.Forbidden, "billing.forbidden")
		if rows, _ := f.b.Revenue(ctx, f.certify, 0); len(rows) != 0 {
			t.Errorf("CERTIFY's expert sees CERT's revenue: %+v", rows)
		}

		name := func(string) string { return "ماهر" }
		var csvOut bytes.Buffer
		if err := RevenueTable(rows, name, true).WriteCSV(&csvOut); err != nil {
			t.Fatal(err)
		}
		if s := csvOut.String(); !strings.HasPrefix(s, "\ufeffخدمت,") || !strings.Contains(s, "ماهر,1405,9,آذر,2,500000000,50000000,550000000") {
			t.Errorf("csv = %q", s)
		}
		var x bytes.Buffer
		if err := UnpaidTable(unpaid, name, false).WriteXLSX(&x, false); err != nil {
			t.Fatal(err)
		}
		z, err := zip.NewReader(bytes.NewReader(x.Bytes()), int64(x.Len()))
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, zf := range z.File {
			if zf.Name == "xl/worksheets/sheet1.xml" {
				r, _ := zf.Open()
				var sheet bytes.Buffer
				_, _ = sheet.ReadFrom(r)
				found = strings.Contains(sheet.String(), open.Number) && strings.Contains(sheet.String(), "275000000")
			}
		}
		if !found {
			t.Error("the XLSX sheet does not list the unpaid invoice")
		}
	})
}
