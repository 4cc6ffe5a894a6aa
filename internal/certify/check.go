package certify

import (
	"context"
	"fmt"
	"strings"

	"github.com/itoir/miz/internal/persian"
	"github.com/itoir/miz/internal/store"
)

// MaxCheckItems is the most items one bulk check answers.
const MaxCheckItems = 1000

// CheckItem asks whether a vendor's product version is certified.
type CheckItem struct {
	VendorID string `json:"vendor_id"`
	Product  string `json:"product"`
	Version  string `json:"version"`
}

// Reasons a check gives, as stable codes (the API localises them).
const (
	ReasonCertified      = "certified"
	ReasonInvalidVendor  = "invalid_vendor_id"
	ReasonMissingProduct = "missing_product"
	ReasonNotFound       = "not_certified"
	ReasonVersion        = "version_not_covered"
)

// CheckResult is the answer for one item. Reason is ReasonCertified, one of the
// other Reason codes, or the certificate's status when it is not active.
type CheckResult struct {
	Index        int    `json:"index"`
	Certified    bool   `json:"certified"`
	Number       string `json:"number,omitempty"`
	Status       Status `json:"status,omitempty"`
	Reason       string `json:"reason"`
	StatusReason string `json:"status_reason,omitempty"`
}

// normVersion folds version spellings: digits, case, a leading "v".
func normVersion(v string) string {
	v = strings.ToLower(persian.ASCIIDigits(persian.Normalize(v)))
	return strings.TrimPrefix(strings.TrimSpace(v), "v")
}

// validVendor accepts an 11-digit national ID or a 10-digit national code.
func validVendor(id string) (string, bool) {
	if v, err := persian.ValidateLegalID(id); err == nil {
		return v, true
	}
	if v, err := persian.ValidateNationalCode(id); err == nil {
		return v, true
	}
	return "", false
}

// Check answers up to MaxCheckItems items with a few queries: every certificate of
// the vendors named is read once (in chunks), then matched in memory.
func (r *Registry) Check(ctx context.Context, items []CheckItem) ([]CheckResult, error) {
	if len(items) > MaxCheckItems {
		return nil, fmt.Errorf("%w: more than %d items", ErrInvalid, MaxCheckItems)
	}
	out := make([]CheckResult, len(items))
	vendors := map[string][]Certificate{}
	var ids []string
	for i, it := range items {
		out[i].Index = i
		v, ok := validVendor(it.VendorID)
		if !ok {
			out[i].Reason = ReasonInvalidVendor
			continue
		}
		items[i].VendorID = v
		if _, seen := vendors[v]; !seen {
			vendors[v] = nil
			ids = append(ids, v)
		}
	}
	err := r.DB.View(ctx, func(tx *store.Tx) error {
		for start := 0; start < len(ids); start += 500 {
			chunk := ids[start:min(start+500, len(ids))]
			args := make([]any, len(chunk))
			for i, id := range chunk {
				args[i] = id
			}
			rows, err := tx.Query(ctx, `SELECT `+certColumns+` FROM certificates WHERE holder_id IN (?`+
				strings.Repeat(", ?", len(chunk)-1)+`) ORDER BY issued_at DESC, id DESC`, args...)
			if err != nil {
				return err
			}
			for rows.Next() {
				c, err := scanCertificate(rows)
				if err != nil {
					rows.Close()
					return err
				}
				vendors[c.HolderID] = append(vendors[c.HolderID], c)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("certify: check: %w", err)
	}
	for i, it := range items {
		if out[i].Reason != "" {
			continue
		}
		out[i] = match(i, it, vendors[it.VendorID])
	}
	return out, nil
}

// match picks the certificate that answers one item: one covering the version,
// active first, else the newest; certs arrive newest first.
func match(i int, it CheckItem, certs []Certificate) CheckResult {
	res := CheckResult{Index: i}
	key := persian.SearchKey(it.Product)
	if key == "" {
		res.Reason = ReasonMissingProduct
		return res
	}
	ver := normVersion(it.Version)
	var product, covering []Certificate
	for _, c := range certs {
		if key != persian.SearchKey(c.ProductName.FA) && key != persian.SearchKey(c.ProductName.EN) {
			continue
		}
		product = append(product, c)
		for _, v := range c.Versions {
			if ver == "" || normVersion(v) == ver {
				covering = append(covering, c)
				break
			}
		}
	}
	if len(product) == 0 {
		res.Reason = ReasonNotFound
		return res
	}
	if len(covering) == 0 {
		res.Reason, res.Number, res.Status = ReasonVersion, product[0].Number, product[0].Status
		return res
	}
	best := covering[0]
	for _, c := range covering {
		if c.Status == Active {
			best = c
			break
		}
	}
	res.Number, res.Status, res.StatusReason = best.Number, best.Status, best.StatusReason
	if best.Status == Active {
		res.Certified, res.Reason = true, ReasonCertified
	} else {
		res.Reason = string(best.Status)
	}
	return res
}
