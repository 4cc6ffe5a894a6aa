package keys

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// KidOf returns the kid of a compact JWS's protected header, without verifying it
// ("" when it has none or is not a JWS).
func KidOf(compact string) string {
	head, _, ok := strings.Cut(compact, ".")
	if !ok {
		return ""
	}
	raw, err := base64.RawURLEncoding.DecodeString(head)
	if err != nil {
		return ""
	}
	var h struct {
		Kid string `json:"kid"`
	}
	if json.Unmarshal(raw, &h) != nil {
		return ""
	}
	return h.Kid
}

// Resign signs the payload of compact again with the active key (issue 19: live
// items after a key's compromise). The old signature must verify under a key of
// this ring; a revoked key is accepted here whatever the item's date, because the
// caller re-signs what its own register holds (and checks against its log), not
// what someone brought in. It returns the new JWS and the kid that signed the old.
func (r *Ring) Resign(compact string) (string, string, error) {
	payload, kid, err := VerifyJWS(compact, r.JWKS())
	if err != nil && !errors.Is(err, ErrRevokedKey) {
		return "", kid, fmt.Errorf("keys: resign: %w", err)
	}
	if kid == r.Active().ID {
		return compact, kid, nil
	}
	next, err := r.SignJWS(payload)
	if err != nil {
		return "", kid, err
	}
	return next, kid, nil
}
