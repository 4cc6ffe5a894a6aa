package constituent

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/itoir/miz/internal/audit"
	"github.com/itoir/miz/internal/cert/match"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/persian"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
)

// Kinds of asset.
const (
	KindPrefix  = "prefix"
	KindASN     = "asn"
	KindDomain  = "domain"
	KindProduct = "product"
)

// Statuses of a claim.
const (
	Claimed  = "claimed"
	Verified = "verified"
	Rejected = "rejected"
)

// Asset is one claimed asset.
type Asset struct {
	ID        int64
	OrgID     int64
	OrgNameFa string
	OrgNameEn string
	Kind      string
	Value     string
	Set       string
	Status    string
	Note      string
	ClaimedAt time.Time
	DecidedAt time.Time
}

// Claim is what an organisation asks to be recognised as its own.
type Claim struct {
	OrgID int64 // 0: the caller's own organisation
	Kind  string
	Value string
	Set   string // the asset set whose contacts are told; "" for the default
}

// NormalizeValue checks a claimed value and returns it as stored: a prefix masked
// in CIDR form, an AS number as digits, a domain in lower-case punycode without the
// trailing dot, a product as normalised text. The error is a field error on "value".
func NormalizeValue(kind, value string) (string, error) {
	v := strings.TrimSpace(persian.ASCIIDigits(value))
	if v == "" {
		return "", problem.Field("value", "error.required")
	}
	switch kind {
	case KindPrefix:
		p, err := match.ParsePrefix(v)
		if err != nil {
			return "", problem.Field("value", "constituent.prefix.invalid")
		}
		return p.String(), nil
	case KindASN:
		n, err := match.ParseASN(v)
		if err != nil {
			return "", problem.Field("value", "constituent.asn.invalid")
		}
		return strconv.FormatUint(uint64(n), 10), nil
	case KindDomain:
		d, err := match.NormalizeDomain(v)
		if err != nil || !strings.Contains(d, ".") {
			return "", problem.Field("value", "constituent.domain.invalid")
		}
		return d, nil
	case KindProduct:
		p := persian.Normalize(value)
		if len([]rune(p)) > 200 {
			return "", problem.Field("value", "constituent.product.long")
		}
		return p, nil
	}
	return "", problem.Field("kind", "constituent.kind.invalid")
}

// ClaimAsset records an organisation's claim to an asset, waiting for CERT staff
// to verify it. A claim the organisation already made is a field error.
func (s *Service) ClaimAsset(ctx context.Context, p *identity.Principal, c Claim) (int64, error) {
	orgID, err := orgOf(p, c.OrgID)
	if err != nil {
		return 0, err
	}
	v, err := NormalizeValue(c.Kind, c.Value)
	if err != nil {
		return 0, err
	}
	set := persian.Normalize(c.Set)
	if len([]rune(set)) > 100 {
		return 0, problem.Field("set", "constituent.set.long")
	}
	var id int64
	err = s.update(ctx, func(tx *store.Tx) error {
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM cert_assets WHERE org_id = ? AND kind = ? AND value = ?`,
			orgID, c.Kind, v).Scan(&n); err != nil {
			return fmt.Errorf("constituent: claim: %w", err)
		}
		if n > 0 {
			return problem.Field("value", "constituent.claim.twice")
		}
		id, err = tx.InsertID(ctx, `INSERT INTO cert_assets (org_id, kind, value, asset_set, status, claimed_by, claimed_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, orgID, c.Kind, v, set, Claimed, p.ID, store.Millis(tx.Now))
		if err != nil {
			return fmt.Errorf("constituent: claim: %w", err)
		}
		return audit.Record(ctx, tx, audit.AccountActor(p.ID), "cert.asset.claim", "cert_asset", strconv.FormatInt(id, 10),
			map[string]any{"org": orgID, "kind": c.Kind, "value": v})
	})
	return id, err
}

// Decide verifies or rejects a claim (CERT staff only). Only verified assets are
// matched against feeds; a decision may be changed later, and each is audited.
func (s *Service) Decide(ctx context.Context, p *identity.Principal, assetID int64, verify bool, note string) error {
	if !IsCERTStaff(p) {
		return problem.New(problem.Forbidden, "constituent.forbidden")
	}
	status := Rejected
	if verify {
		status = Verified
	}
	note = persian.Normalize(note)
	return s.update(ctx, func(tx *store.Tx) error {
		res, err := tx.Exec(ctx, `UPDATE cert_assets SET status = ?, note = ?, decided_by = ?, decided_at = ? WHERE id = ?`,
			status, note, p.ID, store.Millis(tx.Now), assetID)
		if err != nil {
			return fmt.Errorf("constituent: decide %d: %w", assetID, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return problem.New(problem.NotFound, "constituent.asset.not_found")
		}
		return audit.Record(ctx, tx, audit.AccountActor(p.ID), "cert.asset."+status, "cert_asset",
			strconv.FormatInt(assetID, 10), map[string]any{"status": status})
	})
}

// Withdraw removes a claim of the caller's organisation (or, for staff, anyone's).
func (s *Service) Withdraw(ctx context.Context, p *identity.Principal, assetID int64) error {
	return s.update(ctx, func(tx *store.Tx) error {
		var orgID int64
		err := tx.QueryRow(ctx, `SELECT org_id FROM cert_assets WHERE id = ?`, assetID).Scan(&orgID)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && !CanActFor(p, orgID)) {
			return problem.New(problem.NotFound, "constituent.asset.not_found")
		}
		if err != nil {
			return fmt.Errorf("constituent: withdraw %d: %w", assetID, err)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM cert_assets WHERE id = ?`, assetID); err != nil {
			return fmt.Errorf("constituent: withdraw %d: %w", assetID, err)
		}
		return audit.Record(ctx, tx, audit.AccountActor(p.ID), "cert.asset.withdraw", "cert_asset",
			strconv.FormatInt(assetID, 10), map[string]any{"org": orgID})
	})
}

const assetCols = `a.id, a.org_id, o.name_fa, o.name_en, a.kind, a.value, a.asset_set, a.status, a.note, a.claimed_at, a.decided_at`

func scanAssets(rows *store.Rows) ([]Asset, error) {
	defer rows.Close()
	var out []Asset
	for rows.Next() {
		var a Asset
		var claimed, decided int64
		if err := rows.Scan(&a.ID, &a.OrgID, &a.OrgNameFa, &a.OrgNameEn, &a.Kind, &a.Value, &a.Set, &a.Status, &a.Note,
			&claimed, &decided); err != nil {
			return nil, err
		}
		a.ClaimedAt = store.FromMillis(claimed)
		if decided != 0 {
			a.DecidedAt = store.FromMillis(decided)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// Assets lists an organisation's claims, newest first (0: the caller's own).
func (s *Service) Assets(ctx context.Context, p *identity.Principal, orgID int64) ([]Asset, error) {
	orgID, err := orgOf(p, orgID)
	if err != nil {
		return nil, err
	}
	var out []Asset
	err = s.DB.View(ctx, func(tx *store.Tx) error {
		rows, err := tx.Query(ctx, `SELECT `+assetCols+` FROM cert_assets a JOIN organizations o ON o.id = a.org_id
			WHERE a.org_id = ? ORDER BY a.id DESC`, orgID)
		if err != nil {
			return err
		}
		out, err = scanAssets(rows)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("constituent: assets of %d: %w", orgID, err)
	}
	return out, nil
}

// PendingClaims lists the claims waiting for verification, oldest first (CERT staff).
func (s *Service) PendingClaims(ctx context.Context, p *identity.Principal, limit int) ([]Asset, error) {
	if !IsCERTStaff(p) {
		return nil, problem.New(problem.Forbidden, "constituent.forbidden")
	}
	var out []Asset
	err := s.DB.View(ctx, func(tx *store.Tx) error {
		rows, err := tx.Query(ctx, `SELECT `+assetCols+` FROM cert_assets a JOIN organizations o ON o.id = a.org_id
			WHERE a.status = ? ORDER BY a.id LIMIT ?`, Claimed, limit)
		if err != nil {
			return err
		}
		out, err = scanAssets(rows)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("constituent: pending claims: %w", err)
	}
	return out, nil
}

// VerifiedAssets reads every verified prefix, ASN and domain, for building the
// matcher. It is the system's read, not a person's, so it takes no principal.
func VerifiedAssets(ctx context.Context, db *store.DB) ([]match.Asset, error) {
	var out []match.Asset
	err := db.View(ctx, func(tx *store.Tx) error {
		rows, err := tx.Query(ctx, `SELECT id, org_id, kind, value FROM cert_assets
			WHERE status = ? AND kind IN ('prefix', 'asn', 'domain')`, Verified)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var a match.Asset
			if err := rows.Scan(&a.AssetID, &a.OrgID, &a.Kind, &a.Value); err != nil {
				return err
			}
			out = append(out, a)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("constituent: verified assets: %w", err)
	}
	return out, nil
}
