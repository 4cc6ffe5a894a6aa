package oversight

import (
	"context"
	"errors"
	"time"

	"github.com/itoir/miz/internal/audit"
	"github.com/itoir/miz/internal/identity"
)

// ChainStatus is the result of holding the audit chain to its signed anchors, as
// `miz audit verify` does.
type ChainStatus struct {
	CheckedAt time.Time
	// Entries is how many entries verified; Head is the hash of the last.
	Entries int64
	Head    string
	// Anchors counts the signed heads the chain was held to; Latest is the newest.
	Anchors      int
	LatestNumber int64
	LatestAt     time.Time
	LatestLength int64
	// BadEntry and BadReason name the first entry that breaks the chain, if any.
	BadEntry  int64
	BadReason string
	// Findings are what is wrong against the anchors (a cut tail, a rehashed chain,
	// an anchor that does not verify).
	Findings []string
}

// OK reports whether the chain verified and matched every anchor.
func (c ChainStatus) OK() bool { return c.BadEntry == 0 && len(c.Findings) == 0 }

// VerifyChain walks the whole chain and holds it to every signed anchor, for an
// administrator. It reads every entry, so it runs on request, not on every page.
func (s *Service) VerifyChain(ctx context.Context, who *identity.Principal) (ChainStatus, error) {
	if err := mayRead(who); err != nil {
		return ChainStatus{}, err
	}
	st := ChainStatus{CheckedAt: time.Now()}
	var anchors []audit.Anchor
	if s.Anchors != nil {
		as, findings, err := s.Anchors.Anchors(ctx)
		if err != nil {
			return st, err
		}
		anchors = as
		for _, f := range audit.Problems(findings) { // anchors of a revoked key prove nothing; not breaks (issue 19)
			st.Findings = append(st.Findings, f.Message)
		}
	}
	st.Anchors = len(anchors)
	for _, a := range anchors {
		if a.Number > st.LatestNumber {
			st.LatestNumber, st.LatestAt, st.LatestLength = a.Number, a.At, a.Entries
		}
	}
	res, findings, err := audit.VerifyAnchored(ctx, s.DB, anchors, nil)
	var bad *audit.BadEntryError
	switch {
	case errors.As(err, &bad):
		st.BadEntry, st.BadReason = bad.Seq, bad.Reason
	case err != nil:
		return st, err
	}
	st.Entries, st.Head = res.Entries, res.Head
	for _, f := range findings {
		st.Findings = append(st.Findings, f.Message)
	}
	return st, nil
}
