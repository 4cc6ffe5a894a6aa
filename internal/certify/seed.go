package certify

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/itoir/miz/internal/persian"
	"github.com/itoir/miz/internal/store"
)

// demoVendor is a software company or developer of the demo registry.
type demoVendor struct {
	typ, idBase string
	name        Bilingual
}

func demoVendors() []demoVendor {
	return []demoVendor{
		{HolderOrg, "1010123456", Bilingual{"شرکت نرم‌افزاری پارس‌سیستم", "Pars System Software Co."}},
		{HolderOrg, "1032045871", Bilingual{"شرکت داده‌پردازان آرمان", "Arman Data Processing"}},
		{HolderOrg, "1086012345", Bilingual{"شرکت رایان‌گستر البرز", "Alborz Rayan Gostar"}},
		{HolderOrg, "1410039871", Bilingual{"شرکت همکاران سامانه", "Hamkaran Samaneh"}},
		{HolderOrg, "1400723654", Bilingual{"شركت فن‌آوران كيان", "Kian Technologists"}}, // typed with Arabic kaf
		{HolderOrg, "1055092211", Bilingual{"شرکت توسعه نرم‌افزار دیبا", "Diba Software Development"}},
		{HolderPerson, "008475321", Bilingual{"علی رضایی", "Ali Rezaei"}},
		{HolderPerson, "127312345", Bilingual{"مریم احمدی", "Maryam Ahmadi"}},
	}
}

// demoProducts are product names by category.
func demoProducts() []struct {
	cat  string
	name Bilingual
} {
	return []struct {
		cat  string
		name Bilingual
	}{
		{"accounting", Bilingual{"سامانه حسابداری سپید", "Sepid Accounting"}},
		{"payroll", Bilingual{"حقوق و دستمزد آوا", "Ava Payroll"}},
		{"financial", Bilingual{"سامانه مالی یکپارچه نگین", "Negin Integrated Finance"}},
		{"procurement", Bilingual{"تدارکات الکترونیکی ستاره", "Setareh e-Procurement"}},
		{"inventory", Bilingual{"انبار و اموال کارا", "Kara Inventory and Assets"}},
		{"treasury", Bilingual{"خزانه‌داری پویا", "Pooya Treasury"}},
		{"budgeting", Bilingual{"بودجه‌ریزی عملیاتی تدبیر", "Tadbir Performance Budgeting"}},
		{"contracts", Bilingual{"مدیریت قراردادهای پیمان", "Peyman Contract Management"}},
		{"hr", Bilingual{"کارگزینی و منابع انسانی رهنما", "Rahnama HR"}},
		{"administrative", Bilingual{"اتوماسیون اداری نامه‌نگار", "Namenegar Office Automation"}},
		{"accounting", Bilingual{"حسابداری دولتی ۱۴۰۰", "Public Accounting 1400"}},
		{"financial", Bilingual{"Finexa ERP", "Finexa ERP"}},
	}
}

// checkDigit completes an ID base with the digit that makes it valid.
func checkDigit(typ, base string) string {
	for d := '0'; d <= '9'; d++ {
		id := base + string(d)
		var err error
		if typ == HolderOrg {
			_, err = persian.ValidateLegalID(id)
		} else {
			_, err = persian.ValidateNationalCode(id)
		}
		if err == nil {
			return id
		}
	}
	return ""
}

// SeedDemo fills an empty registry with a few dozen certificates with Persian and
// English names, some of them suspended, revoked, expired or superseded, issued at
// dates over the last three years, for `miz serve --demo`. It does nothing when the
// registry already holds certificates, and returns the numbers it issued.
func (r *Registry) SeedDemo(ctx context.Context) ([]string, error) {
	var n int
	if err := r.DB.View(ctx, func(tx *store.Tx) error {
		return tx.QueryRow(ctx, `SELECT COUNT(*) FROM certificates`).Scan(&n)
	}); err != nil || n > 0 {
		return nil, err
	}
	rnd := rand.New(rand.NewPCG(1405, 1))
	vendors, products := demoVendors(), demoProducts()
	now := r.DB.Now()
	var out []string
	for i := 0; i < 36; i++ {
		v, p := vendors[i%len(vendors)], products[(i*5)%len(products)]
		prev := ""
		if i >= 18 && i%6 == 0 { // a new version of the product issued three months earlier
			v, p, prev = vendors[(i-3)%len(vendors)], products[((i-3)*5)%len(products)], out[i-3]
		}
		req := IssueRequest{PreviousNumber: prev, HolderType: v.typ, HolderID: checkDigit(v.typ, v.idBase), HolderName: v.name,
			ProductName: p.name, Versions: []string{fmt.Sprintf("%d.%d", 1+i/12, rnd.IntN(10))}, Category: p.cat,
			Platform: []string{"وب", "ویندوز", "Linux"}[i%3], Deployment: []string{"درون‌سازمانی", "ابری"}[i%2],
			Conditions: []Bilingual{{FA: "اعتبار گواهی فقط برای نسخه ارزیابی‌شده است.", EN: "Valid only for the reviewed build."}},
			CaseCode:   fmt.Sprintf("DEMO-%03d", i+1), Actor: "system:demo"}
		// Spread issuance over three years: the oldest are past their two-year validity.
		at := now.Add(-time.Duration(36-i) * 30 * 24 * time.Hour)
		var c Certificate
		err := r.DB.Update(ctx, func(tx *store.Tx) error {
			tx.Now = at
			var err error
			c, err = r.Issue(ctx, tx, req)
			return err
		})
		if err != nil {
			return out, fmt.Errorf("certify: seed demo: %w", err)
		}
		out = append(out, c.Number)
		var to Status
		var reason string
		switch {
		case !now.Before(c.ExpiresAt):
			to = Expired
		case i%11 == 5:
			to, reason = Revoked, "کشف قابلیت پنهان مغایر با بند R-7 در بازرسی دوره‌ای"
		case i%13 == 7:
			to, reason = Suspended, "در انتظار رفع ایراد پشتیبان‌گیری (R-8)"
		}
		if to != "" {
			err = r.DB.Update(ctx, func(tx *store.Tx) error {
				cur, err := getTx(ctx, tx, c.Number)
				if err != nil || (cur.Status != Active && cur.Status != Suspended) {
					return err
				}
				_, err = r.changeStatus(ctx, tx, c.Number, to, reason, "system:demo", "")
				return err
			})
			if err != nil {
				return out, fmt.Errorf("certify: seed demo: %w", err)
			}
		}
	}
	return out, nil
}

// SeedBulk issues n synthetic certificates, batch to a transaction, for the search
// benchmark (`miz dev seed --certificates N`); progress, if not nil, is called after
// each batch.
func (r *Registry) SeedBulk(ctx context.Context, n int, progress func(done int)) error {
	const batch = 500
	rnd := rand.New(rand.NewPCG(uint64(n), 7))
	vendors, products := demoVendors(), demoProducts()
	for done := 0; done < n; {
		k := min(batch, n-done)
		err := r.DB.Update(ctx, func(tx *store.Tx) error {
			for j := 0; j < k; j++ {
				i := done + j
				v, p := vendors[rnd.IntN(len(vendors))], products[rnd.IntN(len(products))]
				base := fmt.Sprintf("%s%d", v.idBase[:len(v.idBase)-4], 1000+i%9000)
				req := IssueRequest{HolderType: v.typ, HolderID: checkDigit(v.typ, base),
					HolderName:  Bilingual{FA: fmt.Sprintf("%s %d", v.name.FA, i), EN: fmt.Sprintf("%s %d", v.name.EN, i)},
					ProductName: Bilingual{FA: fmt.Sprintf("%s %d", p.name.FA, i), EN: fmt.Sprintf("%s %d", p.name.EN, i)},
					Versions:    []string{fmt.Sprintf("%d.%d", 1+rnd.IntN(9), rnd.IntN(20))}, Category: p.cat,
					CaseCode: fmt.Sprintf("BULK-%d", i), Actor: "system:seed"}
				if req.HolderID == "" {
					req.HolderType, req.HolderID = HolderOrg, checkDigit(HolderOrg, "1010123456")
				}
				if _, err := r.Issue(ctx, tx, req); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("certify: seed bulk: %w", err)
		}
		done += k
		if progress != nil {
			progress(done)
		}
	}
	return nil
}
