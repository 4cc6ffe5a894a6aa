package api

import (
	"errors"
	"net/http"
	"time"

	"github.com/itoir/miz/internal/problem"
)

// AuditHead is the latest signed head of the audit chain (security #11), published so
// that anyone can keep copies and later hold the desk's chain to them.
type AuditHead struct {
	// Anchor is the anchor's number, counting from 1.
	Anchor int64 `json:"anchor"`
	// Entries is how many entries the chain had; Head is the hash of the last of them.
	Entries int64  `json:"entries"`
	Head    string `json:"head"`
	// SignedAt is when the head was signed.
	SignedAt time.Time `json:"signed_at"`
	// Note is the signed note (c2sp.org/signed-note) stating all of the above; `miz
	// audit verify --expect-anchor FILE` takes it as it is.
	Note string `json:"note"`
	// VerifierKey is the signed-note verifier key of the desk's active key under the
	// note's name, for checking the note offline.
	VerifierKey string `json:"verifier_key"`
}

// ErrNoAuditHead is what API.AuditHead returns before the chain is first anchored.
var ErrNoAuditHead = errors.New("api: the audit chain has no signed head yet")

// auditHeadRoutes declares GET /api/v1/audit/head, public like the registry. Without
// AuditHead nothing is declared.
func (a *API) auditHeadRoutes() {
	if a.AuditHead == nil {
		return
	}
	str := map[string]any{"type": "string"}
	a.route("GET", "/api/v1/audit/head", a.auditHead, Op{ID: "getAuditHead", Tag: "meta",
		Summary: "The audit chain's latest signed head: entry count, head hash and the signed note (keep copies to check the desk later)",
		Response: obj([]string{"anchor", "entries", "head", "signed_at", "note", "verifier_key"}, map[string]any{
			"anchor": map[string]any{"type": "integer"}, "entries": map[string]any{"type": "integer"}, "head": str,
			"signed_at": map[string]any{"type": "string", "format": "date-time"}, "note": str, "verifier_key": str}),
		Errors: []int{404}})
}

func (a *API) auditHead(w http.ResponseWriter, r *http.Request) {
	h, err := a.AuditHead(r.Context())
	if errors.Is(err, ErrNoAuditHead) {
		err = problem.Wrap(problem.NotFound, "audit.head.none", err)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, h)
}
