package application

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/itoir/miz/internal/cases"
	"github.com/itoir/miz/internal/catalog"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/store"
)

const seededKey = "demo.certify_applications"

// demoStage is one demo application and the staff steps taken on it.
type demoStage struct {
	product, productEn, version string
	steps                       []cases.TransitionInput
}

// SeedDemo opens, once per database, demo applications of the demo applicant that
// wait at each review step (completeness check, technical review, with the
// applicant after failed criteria, approval), so a newcomer sees the whole process
// at once. It runs through the engine, as people would; it needs the demo accounts
// (demo.Seed) and the engine's document store. A crash half-way may seed some
// applications twice on the next start, which is harmless in a demo.
func SeedDemo(ctx context.Context, e *cases.Engine, svcs []*catalog.Service) error {
	var svc *catalog.Service
	for _, s := range svcs {
		if s.Module == "certify" {
			svc = s
		}
	}
	if svc == nil || e.Docs == nil {
		return nil
	}
	var applicant, expert *identity.Principal
	err := e.DB.View(ctx, func(tx *store.Tx) error {
		var v string
		if err := tx.QueryRow(ctx, `SELECT value FROM kv WHERE key = ?`, seededKey).Scan(&v); err == nil {
			return errSeeded
		} else if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		var err error
		if applicant, err = principalOf(ctx, tx, "demo-applicant"); err != nil {
			return err
		}
		expert, err = principalOf(ctx, tx, "demo-expert")
		return err
	})
	if errors.Is(err, errSeeded) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("certify: seed demo applications: %w", err)
	}
	accept := cases.TransitionInput{Transition: "accept_documents"}
	fail := cases.TransitionInput{Transition: TransitionFail, Decision: cases.DecisionReject,
		Reason: "معیار R-4 برآورده نشده است.", Checklist: list(svc, "R-4")}
	pass := cases.TransitionInput{Transition: TransitionPass, Decision: cases.DecisionApprove, Checklist: list(svc)}
	stages := []demoStage{
		{"انبارداری هوشمند آوا", "Ava Smart Inventory", "1.0", nil},
		{"حقوق و دستمزد سپهر", "Sepehr Payroll", "7.2", []cases.TransitionInput{accept}},
		{"تدارکات الکترونیکی نیلو", "Niloo e-Procurement", "2.4", []cases.TransitionInput{accept, fail}},
		{"خزانه‌داری آسمان", "Aseman Treasury", "4.0.1", []cases.TransitionInput{accept, pass}},
	}
	for _, st := range stages {
		if err := seedOne(ctx, e, svc, applicant, expert, st); err != nil {
			return fmt.Errorf("certify: seed demo application %s: %w", st.productEn, err)
		}
	}
	return e.DB.Update(ctx, func(tx *store.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO kv (key, value) VALUES (?, ?)`, seededKey, "1")
		return err
	})
}

var errSeeded = errors.New("already seeded")

func principalOf(ctx context.Context, tx *store.Tx, username string) (*identity.Principal, error) {
	var id int64
	if err := tx.QueryRow(ctx, `SELECT id FROM accounts WHERE username = ?`, username).Scan(&id); err != nil {
		return nil, fmt.Errorf("account %s: %w", username, err)
	}
	return identity.LoadPrincipal(ctx, tx, id, 0)
}

func list(svc *catalog.Service, failed ...string) json.RawMessage {
	var out Checklist
	for _, it := range Criteria(svc) {
		c := Criterion{ID: it.ID, Result: Pass}
		for _, f := range failed {
			if f == it.ID {
				c.Result, c.Note = Fail, "شماره‌گذاری اسناد پس از حذف پیش‌نویس شکاف دارد؛ اصلاح و نسخه اصلاح‌شده را بارگذاری کنید."
			}
		}
		out = append(out, c)
	}
	b, _ := json.Marshal(out)
	return b
}

func seedOne(ctx context.Context, e *cases.Engine, svc *catalog.Service, applicant, expert *identity.Principal, st demoStage) error {
	form, _ := json.Marshal(Form{ProductNameFa: st.product, ProductNameEn: st.productEn, Version: st.version,
		Category: "financial", Platform: "Web", Deployment: "on_premise", ContactName: "علی رضایی",
		ContactEmail: "ali.rezaei@example.org"})
	c, err := e.Open(ctx, applicant, cases.OpenInput{Service: svc.ID, Kind: Kind, Form: form})
	if err != nil {
		return err
	}
	for _, d := range svc.DocumentsFor(Kind, c.ApplicantType) {
		if d.Required != catalog.RequiredAlways {
			continue
		}
		pdf := []byte("%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n% demo " + d.ID + " " + c.TrackingCode + "\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n")
		if _, err := e.AttachDocument(ctx, applicant, c.TrackingCode, cases.AttachInput{Type: d.ID,
			Filename: d.ID + ".pdf", Declared: "application/pdf", Body: bytes.NewReader(pdf)}); err != nil {
			return err
		}
	}
	if _, err := e.Submit(ctx, applicant, c.TrackingCode); err != nil {
		return err
	}
	for _, in := range st.steps {
		if _, err := e.Transition(ctx, expert, c.TrackingCode, in); err != nil {
			return err
		}
	}
	return nil
}
