package application

import (
	"context"
	"fmt"
	"strings"

	"github.com/itoir/miz/internal/audit"
	"github.com/itoir/miz/internal/cases"
	"github.com/itoir/miz/internal/catalog"
	"github.com/itoir/miz/internal/certify"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/notify"
	"github.com/itoir/miz/internal/store"
)

// issue builds the certificate from the case's form, its applicant and the
// catalog's validity at the case's service version, and issues it in tx, the
// approving transaction: the certificate is public the moment the approval commits
// (SLA Z-4.1). The number is written to the case as a message and the applicant is
// told in-app and by e-mail, in the same transaction.
func (m *Module) issue(ctx context.Context, tx *store.Tx, c *cases.Case, svc *catalog.Service, p *identity.Principal) error {
	f, err := ParseForm(svc, c.Form)
	if err != nil {
		return fmt.Errorf("certify: approve %s: form: %w", c.TrackingCode, err)
	}
	h, err := holderOf(ctx, tx, c)
	if err != nil {
		return err
	}
	cert, err := m.Registry.Issue(ctx, tx, certify.IssueRequest{
		HolderType: h.Type, HolderID: h.ID, HolderName: h.Name,
		ProductName: certify.Bilingual{FA: f.ProductNameFa, EN: f.ProductNameEn},
		Versions:    []string{f.Version}, Category: f.Category, Platform: f.Platform, Deployment: f.Deployment,
		Validity: svc.ModuleConfig.Periods["certificate_validity"], CaseCode: c.TrackingCode,
		PreviousNumber: f.PreviousCertificate, Actor: audit.AccountActor(p.ID)})
	if err != nil {
		return fmt.Errorf("certify: approve %s: %w", c.TrackingCode, err)
	}
	body := fmt.Sprintf("گواهی شماره %s برای «%s» نسخه %s صادر و در فهرست عمومی گواهی‌ها منتشر شد.\nCertificate %s was issued and published in the public registry.",
		cert.Number, f.ProductNameFa, f.Version, cert.Number)
	if _, err := tx.Exec(ctx, `INSERT INTO case_messages (case_id, author_account_id, by_staff, body, internal, created_at)
		VALUES (?, ?, ?, ?, ?, ?)`, c.ID, p.ID, true, body, false, store.Millis(tx.Now)); err != nil {
		return fmt.Errorf("certify: approve %s: message: %w", c.TrackingCode, err)
	}
	return tellApplicant(ctx, tx, c, m.BaseURL, notify.InApp{
		TitleFa: fmt.Sprintf("گواهی %s صادر شد", cert.Number),
		TitleEn: fmt.Sprintf("Certificate %s issued", cert.Number),
		BodyFa:  fmt.Sprintf("گواهی احراز اصالت و سلامت اداری «%s» نسخه %s صادر و در فهرست عمومی منتشر شد (درخواست %s).", f.ProductNameFa, f.Version, c.TrackingCode),
		BodyEn:  fmt.Sprintf("The certificate for %s version %s was issued and published in the public registry (request %s).", nameEn(f), f.Version, c.TrackingCode),
		Link:    "/registry/" + cert.Number,
	})
}

func nameEn(f Form) string {
	if f.ProductNameEn != "" {
		return f.ProductNameEn
	}
	return f.ProductNameFa
}

// failedNotice tells the applicant which criteria to fix; the clock is paused while
// the case is with them (SLA-CLOCK).
func failedNotice(c *cases.Case, list Checklist) notify.InApp {
	var ids []string
	for _, f := range list.Failed() {
		ids = append(ids, f.ID)
	}
	return notify.InApp{
		TitleFa: fmt.Sprintf("درخواست %s برای رفع ایرادهای ارزیابی به شما برگشت", c.TrackingCode),
		TitleEn: fmt.Sprintf("Request %s is back with you to fix failed review criteria", c.TrackingCode),
		BodyFa:  "معیارهای ردشده: " + strings.Join(ids, "، ") + ". یادداشت کارشناس را در صفحه درخواست ببینید.",
		BodyEn:  "Failed criteria: " + strings.Join(ids, ", ") + ". See the expert's notes on the request's page.",
		Link:    "/cases/" + c.TrackingCode + "/certify",
	}
}

// tellApplicant stores an in-app notice for the applicant's account and queues the
// same text by e-mail through the outbox, both in tx.
func tellApplicant(ctx context.Context, tx *store.Tx, c *cases.Case, baseURL string, n notify.InApp) error {
	if err := notify.Notify(ctx, tx, c.ApplicantAccountID, n); err != nil {
		return err
	}
	h, err := holderOf(ctx, tx, c)
	if err != nil || h.Email == "" {
		return err
	}
	link := ""
	if strings.HasPrefix(baseURL, "https://") {
		link = strings.TrimSuffix(baseURL, "/") + n.Link
	}
	msg := notify.Bilingual{SubjectFa: n.TitleFa, SubjectEn: n.TitleEn, BodyFa: n.BodyFa, BodyEn: n.BodyEn, Link: link}.Email(h.Email)
	msg.RefKind, msg.RefID = "case", c.TrackingCode
	return notify.Queue(ctx, tx, msg)
}
