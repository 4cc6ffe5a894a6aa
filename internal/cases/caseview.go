package cases

import (
	"context"

	"github.com/itoir/miz/internal/authz"
	"github.com/itoir/miz/internal/catalog"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/store"
)

// CaseView is everything a case page shows, read at one instant: the case with its
// catalog entries and clock, its documents, messages (internal notes only for
// staff), state history and completeness-check items, and what the caller may do
// now.
type CaseView struct {
	View
	Documents    []Document
	Messages     []Message
	History      []Event
	Deficiencies []Deficiency
	// Actions are what the caller may do on the case now, in the order a page
	// offers them; the service's module may replace generic transitions by links
	// to its own page (ActionProvider), so adapters never name a module's steps.
	Actions []Action
	// Subject and Applicant say what the case is about and who applies (issue 13).
	Subject, Applicant catalog.Text
	// ActorNames names the staff who took the steps of History, for the service's
	// staff only (the signer sees who reviewed the case); nil for applicants.
	ActorNames map[int64]string
}

// CaseView returns a case's page in one read: one transaction and one access check
// (the case's applicant or the service's staff, as Get; others get NotFound, and
// nobody signed in Unauthorized). Architecture #12.
func (e *Engine) CaseView(ctx context.Context, p *identity.Principal, code string) (*CaseView, error) {
	var out *CaseView
	err := e.view(ctx, func(tx *store.Tx) error {
		c, err := e.lookupFor(ctx, tx, p, code, authz.View, authz.Case)
		if err != nil {
			return err
		}
		v, err := e.viewOf(ctx, tx, c, tx.Now)
		if err != nil {
			return err
		}
		v.Next = nextFor(p, c, v.KindDef)
		v.Step = staffOnly(p, c, v.Step)
		cv := &CaseView{View: *v, History: v.events}
		if cv.Documents, err = loadDocuments(ctx, tx, c); err != nil {
			return err
		}
		if err := markEditable(ctx, tx, p, c, cv.Documents); err != nil {
			return err
		}
		if cv.Messages, err = loadMessages(ctx, tx, p, c); err != nil {
			return err
		}
		if cv.Deficiencies, err = loadDeficiencies(ctx, tx, c); err != nil {
			return err
		}
		cv.Actions = e.actionsFor(p, &cv.View)
		if err := caseWho(ctx, tx, p, cv); err != nil {
			return err
		}
		out = cv
		return nil
	})
	return out, err
}
