package certify

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/itoir/miz/internal/audit"
	"github.com/itoir/miz/internal/catalog"
	"github.com/itoir/miz/internal/jobs"
	"github.com/itoir/miz/internal/persian"
	"github.com/itoir/miz/internal/store"
)

// IssueRequest is what the case engine knows when a signer approves an application.
type IssueRequest struct {
	HolderType  string // HolderOrg or HolderPerson
	HolderID    string // national ID (org) or national code (person)
	HolderName  Bilingual
	ProductName Bilingual
	Versions    []string
	Category    string
	Platform    string
	Deployment  string
	Conditions  []Bilingual
	// Validity is the catalog's certificate_validity of the case's service version;
	// zero takes the registry's default.
	Validity catalog.Period
	// CaseCode is the tracking code of the application.
	CaseCode string
	// PreviousNumber is the certificate of an earlier version this one replaces.
	PreviousNumber string
	// Actor is the signer who approved, as audit writes it ("account:12").
	Actor string
}

func (req *IssueRequest) normalise(cats []catalog.Item) error {
	bad := func(field string) error { return fmt.Errorf("%w: %s", ErrInvalid, field) }
	var err error
	switch req.HolderType {
	case HolderOrg:
		req.HolderID, err = persian.ValidateLegalID(req.HolderID)
	case HolderPerson:
		req.HolderID, err = persian.ValidateNationalCode(req.HolderID)
	default:
		return bad("holder_type")
	}
	if err != nil {
		return fmt.Errorf("%w: holder_id: %w", ErrInvalid, err)
	}
	for _, b := range []*Bilingual{&req.HolderName, &req.ProductName} {
		b.FA, b.EN = persian.Normalize(b.FA), persian.Normalize(b.EN)
	}
	if req.HolderName.FA == "" {
		return bad("holder_name")
	}
	if req.ProductName.FA == "" {
		return bad("product_name")
	}
	var vs []string
	for _, v := range req.Versions {
		if v = persian.ASCIIDigits(persian.Normalize(v)); v != "" && len(v) <= 64 {
			vs = append(vs, v)
		}
	}
	if len(vs) == 0 {
		return bad("versions")
	}
	req.Versions = vs
	if req.Category == "" || (len(cats) > 0 && !hasItem(cats, req.Category)) {
		return bad("category")
	}
	req.Platform, req.Deployment = persian.Normalize(req.Platform), persian.Normalize(req.Deployment)
	if req.Conditions == nil {
		req.Conditions = []Bilingual{}
	}
	if req.Actor == "" {
		return bad("actor")
	}
	req.PreviousNumber = strings.TrimSpace(req.PreviousNumber)
	if req.PreviousNumber != "" {
		req.PreviousNumber = CanonicalNumber(req.PreviousNumber)
	}
	return nil
}

func hasItem(items []catalog.Item, id string) bool {
	for _, it := range items {
		if it.ID == id {
			return true
		}
	}
	return false
}

// Issue issues a certificate inside tx, the transaction that approves the
// application: the number is allocated, the credential is signed, the certificate
// is written to the public registry and its record appended to the transparency
// log, the expiry job is queued and the change audited, all in tx, so there is no
// state in which a certificate is issued but not public (SLA Z-4.1, D-2). An
// earlier certificate of the same product by the same holder is superseded.
func (r *Registry) Issue(ctx context.Context, tx *store.Tx, req IssueRequest) (Certificate, error) {
	if err := req.normalise(r.Categories); err != nil {
		return Certificate{}, err
	}
	validity := req.Validity
	if validity.Amount == 0 {
		validity = r.Validity
	}
	if validity.Amount <= 0 {
		return Certificate{}, fmt.Errorf("%w: no certificate_validity", ErrInvalid)
	}
	number, err := allocateNumber(ctx, tx)
	if err != nil {
		return Certificate{}, err
	}
	issued := tx.Now.Truncate(time.Second)
	c := Certificate{Number: number, Status: Active, StatusAt: issued, HolderType: req.HolderType,
		HolderID: req.HolderID, HolderName: req.HolderName, ProductName: req.ProductName,
		Versions: req.Versions, Category: req.Category, Platform: req.Platform, Deployment: req.Deployment,
		Conditions: req.Conditions, IssuedAt: issued, ExpiresAt: validity.AddTo(issued),
		CaseCode: req.CaseCode, PreviousNumber: req.PreviousNumber}
	payload, err := json.Marshal(credentialFor(c, r.Issuer, r.BaseURL))
	if err != nil {
		return c, fmt.Errorf("certify: issue: %w", err)
	}
	if c.JWS, err = r.Keys.SignJWS(payload); err != nil {
		return c, fmt.Errorf("certify: issue: sign: %w", err)
	}
	c.JWSSHA256 = sha256Hex(c.JWS)
	versions, _ := json.Marshal(c.Versions)
	conditions, _ := json.Marshal(c.Conditions)
	c.id, err = tx.InsertID(ctx, `INSERT INTO certificates (number, status, status_at, holder_type, holder_id,
		holder_name_fa, holder_name_en, product_name_fa, product_name_en, product_key, versions, category,
		platform, deployment, conditions, issued_at, expires_at, case_code, previous_number, jws, jws_sha256,
		product_search, vendor_search) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		c.Number, c.Status, store.Millis(issued), c.HolderType, c.HolderID, c.HolderName.FA, c.HolderName.EN,
		c.ProductName.FA, c.ProductName.EN, productKey(c.ProductName), string(versions), c.Category,
		c.Platform, c.Deployment, string(conditions), store.Millis(c.IssuedAt), store.Millis(c.ExpiresAt),
		c.CaseCode, c.PreviousNumber, c.JWS, c.JWSSHA256, searchKeys(c.ProductName), searchKeys(c.HolderName))
	if err != nil {
		return c, fmt.Errorf("certify: issue %s: %w", number, err)
	}
	if err := indexTerms(ctx, tx, c.id, searchKeys(c.ProductName), searchKeys(c.HolderName)); err != nil {
		return c, err
	}
	if _, err := r.appendEvent(ctx, tx, c, "issue", "", Active, "", req.Actor); err != nil {
		return c, err
	}
	if err := r.supersede(ctx, tx, c, req.Actor); err != nil {
		return c, err
	}
	if _, err := jobs.Enqueue(ctx, tx, ExpireJob, expirePayload{Number: c.Number},
		jobs.At(c.ExpiresAt), jobs.Unique(ExpireJob+":"+c.Number)); err != nil {
		return c, fmt.Errorf("certify: issue %s: schedule expiry: %w", number, err)
	}
	if err := audit.Record(ctx, tx, req.Actor, "certify.issue", "certificate", c.Number, map[string]any{
		"case": c.CaseCode, "product": c.ProductName.FA, "versions": c.Versions, "holder_id": c.HolderID,
		"expires_at": c.ExpiresAt.UTC().Format(time.RFC3339)}); err != nil {
		return c, err
	}
	r.checkpointAfter(ctx, tx)
	return c, nil
}

// supersede retires the holder's earlier certificates of the same product (and the
// one named as previous) now that c covers a newer version.
func (r *Registry) supersede(ctx context.Context, tx *store.Tx, c Certificate, actor string) error {
	rows, err := tx.Query(ctx, `SELECT number FROM certificates WHERE id <> ? AND status IN ('active', 'suspended')
		AND ((holder_id = ? AND product_key = ?) OR number = ?) ORDER BY id`,
		c.id, c.HolderID, productKey(c.ProductName), c.PreviousNumber)
	if err != nil {
		return fmt.Errorf("certify: supersede: %w", err)
	}
	var older []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return err
		}
		older = append(older, n)
	}
	rows.Close()
	for _, n := range older {
		if _, err := r.changeStatus(ctx, tx, n, Superseded, "superseded by "+c.Number, actor, c.Number); err != nil {
			return err
		}
	}
	return nil
}

// productKey identifies a product across versions: its Persian name, folded.
func productKey(p Bilingual) string { return persian.SearchKey(p.FA) }

// searchKeys is the stored search column for a pair of names.
func searchKeys(b Bilingual) string { return persian.SearchKey(b.FA) + "|" + persian.SearchKey(b.EN) }

// checkpointAfter signs a checkpoint covering the new records once tx commits, so
// the proofs served right after issuance already include them.
func (r *Registry) checkpointAfter(ctx context.Context, tx *store.Tx) {
	ctx = context.WithoutCancel(ctx)
	tx.AfterCommit(func() {
		if _, err := r.Log.Checkpoint(ctx); err != nil {
			r.logger().Error("certify: checkpoint after commit", "err", err)
		}
	})
}
