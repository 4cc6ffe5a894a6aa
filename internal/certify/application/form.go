package application

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/mail"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/itoir/miz/internal/cases"
	"github.com/itoir/miz/internal/catalog"
	"github.com/itoir/miz/internal/certify"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/persian"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
)

// Form is the applicant's CERTIFY application (D-1: never public), as stored on the
// case. JSON keys are flat so that HTML forms and API clients send the same names.
type Form struct {
	ProductNameFa string `json:"product_name_fa"`
	ProductNameEn string `json:"product_name_en,omitempty"`
	Version       string `json:"version"`
	Category      string `json:"category"`
	Platform      string `json:"platform,omitempty"`
	Deployment    string `json:"deployment"`
	ContactName   string `json:"contact_name"`
	ContactPhone  string `json:"contact_phone,omitempty"`
	ContactEmail  string `json:"contact_email,omitempty"`
	// PreviousCertificate links a re-application for a new version to the product's
	// earlier certificate, which the new one supersedes.
	PreviousCertificate string `json:"previous_certificate,omitempty"`
}

// Deployments lists the deployment models an application may name.
func Deployments() []string { return []string{"on_premise", "cloud", "saas", "hybrid"} }

// maxText bounds each text field, in characters.
const maxText = 200

// ParseForm decodes, normalises (Persian letters, digits, spacing) and checks an
// application form against the service's categories; the error is a *problem.Error
// naming the field at fault.
func ParseForm(svc *catalog.Service, raw json.RawMessage) (Form, error) {
	var f Form
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return f, &problem.Error{Code: problem.Invalid, Key: "certify.form.invalid", Field: "form", Err: err}
	}
	for _, s := range []*string{&f.ProductNameFa, &f.ProductNameEn, &f.Platform, &f.ContactName} {
		*s = persian.Normalize(*s)
	}
	f.Version = persian.ASCIIDigits(persian.Normalize(f.Version))
	f.Category, f.Deployment = strings.TrimSpace(f.Category), strings.TrimSpace(f.Deployment)
	f.ContactPhone = persian.ASCIIDigits(strings.TrimSpace(f.ContactPhone))
	f.ContactEmail = strings.TrimSpace(f.ContactEmail)
	if p := strings.TrimSpace(f.PreviousCertificate); p != "" {
		f.PreviousCertificate = certify.CanonicalNumber(p)
	}
	return f, f.check(svc)
}

func (f *Form) check(svc *catalog.Service) error {
	if probs := f.problems(svc); len(probs) > 0 {
		return probs[0]
	}
	return nil
}

// FormProblems decodes and normalises an application form as ParseForm does and
// returns every field's problem at once, at most one per field, in the form's
// order, so that a page shows them all beside their fields (issue 13 item 3). A
// form that cannot be decoded at all has the one problem of field "form".
func FormProblems(svc *catalog.Service, raw json.RawMessage) []*problem.Error {
	f, err := ParseForm(svc, raw)
	if pe := problem.As(err); err != nil && pe.Field == "form" {
		return []*problem.Error{pe}
	}
	return f.problems(svc)
}

// problems lists the form's problems, the first one per field; the first of the
// list is the one ParseForm reports.
func (f *Form) problems(svc *catalog.Service) []*problem.Error {
	var out []*problem.Error
	seen := map[string]bool{}
	add := func(field, key string, args ...any) {
		if !seen[field] {
			seen[field] = true
			out = append(out, problem.Field(field, key, args...))
		}
	}
	required := []struct{ field, value string }{
		{"product_name_fa", f.ProductNameFa}, {"version", f.Version}, {"category", f.Category},
		{"deployment", f.Deployment}, {"contact_name", f.ContactName},
	}
	for _, r := range required {
		if r.value == "" {
			add(r.field, "certify.form.required")
		}
	}
	long := map[string]string{"product_name_fa": f.ProductNameFa, "product_name_en": f.ProductNameEn,
		"version": f.Version, "platform": f.Platform, "contact_name": f.ContactName, "contact_email": f.ContactEmail}
	for _, field := range []string{"product_name_fa", "product_name_en", "version", "platform", "contact_name", "contact_email"} {
		if utf8.RuneCountInString(long[field]) > maxText {
			add(field, "certify.form.too_long", maxText)
		}
	}
	if !hasPersian(f.ProductNameFa) {
		add("product_name_fa", "certify.form.persian")
	}
	if strings.ContainsAny(f.Version, " \t") || len(f.Version) > 64 {
		add("version", "certify.form.version")
	}
	if cats := svc.ModuleConfig.Lists["categories"]; !slices.ContainsFunc(cats, func(it catalog.Item) bool { return it.ID == f.Category }) {
		add("category", "certify.form.category")
	}
	if !slices.Contains(Deployments(), f.Deployment) {
		add("deployment", "certify.form.deployment")
	}
	if f.ContactPhone == "" && f.ContactEmail == "" {
		add("contact_phone", "certify.form.contact")
	}
	if f.ContactPhone != "" && !validPhone(f.ContactPhone) {
		add("contact_phone", "certify.form.phone")
	}
	if f.ContactEmail != "" {
		if a, err := mail.ParseAddress(f.ContactEmail); err != nil || a.Address != f.ContactEmail {
			add("contact_email", "certify.form.email")
		}
	}
	if f.PreviousCertificate != "" && !strings.HasPrefix(f.PreviousCertificate, "CRT-") {
		add("previous_certificate", "certify.form.previous_unknown")
	}
	return out
}

// hasPersian reports whether s has at least one Arabic-script letter.
func hasPersian(s string) bool {
	for _, r := range s {
		if r >= 0x0600 && r <= 0x06FF {
			return true
		}
	}
	return false
}

// validPhone accepts a landline or mobile number: 8 to 15 digits, optionally after
// +, with spaces or dashes between groups.
func validPhone(s string) bool {
	s = strings.TrimPrefix(s, "+")
	n := 0
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			n++
		case r == ' ' || r == '-':
		default:
			return false
		}
	}
	return n >= 8 && n <= 15
}

// holder is the applicant as a certificate names it.
type holder struct {
	Type, ID  string
	Name      certify.Bilingual
	AccountID int64
	Email     string
}

// holderOf resolves the case's applicant: the organisation it applies for, or the
// natural person applying for themself.
func holderOf(ctx context.Context, tx *store.Tx, c *cases.Case) (holder, error) {
	h := holder{AccountID: c.ApplicantAccountID}
	if acc, err := identity.AccountByID(ctx, tx, c.ApplicantAccountID); err == nil {
		h.Email = acc.Email
	}
	if c.ApplicantOrgID != 0 {
		o, err := identity.OrganizationByID(ctx, tx, c.ApplicantOrgID)
		if err != nil {
			return h, fmt.Errorf("certify: applicant of %s: %w", c.TrackingCode, err)
		}
		h.Type, h.ID, h.Name = certify.HolderOrg, o.NationalID, certify.Bilingual{FA: o.NameFa, EN: o.NameEn}
		if h.Email == "" {
			h.Email = o.Email
		}
		return h, nil
	}
	pr, err := identity.PersonByID(ctx, tx, c.ApplicantPersonID)
	if err != nil {
		return h, fmt.Errorf("certify: applicant of %s: %w", c.TrackingCode, err)
	}
	h.Type, h.ID, h.Name = certify.HolderPerson, pr.NationalCode, certify.Bilingual{FA: pr.NameFa, EN: pr.NameEn}
	if h.Email == "" {
		h.Email = pr.Email
	}
	return h, nil
}

// checkPrevious makes sure a re-application's previous certificate exists and
// belongs to the same holder, so nobody supersedes another vendor's certificate.
func checkPrevious(ctx context.Context, tx *store.Tx, c *cases.Case, f Form) error {
	if f.PreviousCertificate == "" {
		return nil
	}
	prev, err := certify.GetTx(ctx, tx, f.PreviousCertificate)
	if errors.Is(err, store.ErrNotFound) {
		return problem.Field("previous_certificate", "certify.form.previous_unknown")
	}
	if err != nil {
		return err
	}
	h, err := holderOf(ctx, tx, c)
	if err != nil {
		return err
	}
	if prev.HolderID != h.ID {
		return problem.Field("previous_certificate", "certify.form.previous_holder")
	}
	return nil
}
