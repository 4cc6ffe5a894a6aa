package reactive

import (
	"context"
	"fmt"

	"github.com/itoir/miz/internal/cases"
	"github.com/itoir/miz/internal/cert/incident"
	"github.com/itoir/miz/internal/cert/tlp"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/store"
)

// IncidentView is an incident as one reader may see it: every note, indicator,
// phase and file above the reader's TLP reach is left out, and counted in Withheld
// so a page can say that something is withheld without saying what.
type IncidentView struct {
	Case *cases.View
	// Record is nil for a draft, which has no triage or indicators stored yet.
	Record *Record
	// Label is the incident's TLP label.
	Label      tlp.Level
	Indicators []incident.Indicator
	Notes      []Note
	Phases     []Phase
	Files      []cases.Document
	// FileLabels gives each visible file's effective label, by document ID.
	FileLabels map[int64]tlp.Level
	Withheld   int

	viewer     tlp.Viewer
	recipients []int64
}

// Sees reports whether the reader may see an item of this incident labelled l
// (the incident's own label bounds every item's: the narrower wins). Packages that
// keep items of their own on an incident (evidence) filter them with it.
func (iv *IncidentView) Sees(l tlp.Level) bool {
	return tlp.CanSee(iv.viewer, itemOf(&iv.Case.Case, tlp.Max(l, iv.Label), iv.recipients))
}

// Incident returns an incident to those who may read it: its reporting
// organisation (TLP allowing) and CERT staff with need-to-know; others, staff of
// the service included, get NotFound. Indicators carry their effective label (their
// own or the incident's, whichever is narrower).
func (s *Service) Incident(ctx context.Context, p *identity.Principal, ref string) (*IncidentView, error) {
	v, err := s.open(ctx, p, ref)
	if err != nil {
		return nil, err
	}
	files, err := s.Cases.Documents(ctx, p, v.TrackingCode)
	if err != nil {
		return nil, err
	}
	out := &IncidentView{Case: v, FileLabels: map[int64]tlp.Level{}, viewer: viewerOf(p)}
	err = s.DB.ViewAt(ctx, s.now, func(tx *store.Tx) error {
		if out.Label, err = labelOf(ctx, tx, &v.Case); err != nil {
			return err
		}
		rec, err := loadRecipients(ctx, tx, v.ID)
		if err != nil {
			return err
		}
		out.recipients = rec
		r, err := loadRecord(ctx, tx, v.ID)
		if err != nil {
			return nil // a draft: nothing of the module's yet
		}
		out.Record = r
		sees := func(l tlp.Level) bool {
			ok := out.Sees(l)
			if !ok {
				out.Withheld++
			}
			return ok
		}
		inds, err := loadIndicators(ctx, tx, v.ID)
		if err != nil {
			return err
		}
		for _, i := range inds {
			if i.TLP = tlp.Max(i.TLP, out.Label); sees(i.TLP) {
				out.Indicators = append(out.Indicators, i)
			}
		}
		notes, phases, labels, err := loadWork(ctx, tx, v.ID)
		if err != nil {
			return err
		}
		for _, n := range notes {
			if sees(n.TLP) {
				out.Notes = append(out.Notes, n)
			}
		}
		for _, ph := range phases {
			if sees(ph.TLP) {
				out.Phases = append(out.Phases, ph)
			}
		}
		for _, f := range files {
			l := tlp.Max(labels[f.ID], out.Label)
			if sees(l) {
				out.Files = append(out.Files, f)
				out.FileLabels[f.ID] = l
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Handler reports whether p works this incident for the CERT: staff holding a
// responder, analyst or supervisor role on its service (Incident has checked
// need-to-know already).
func (iv *IncidentView) Handler(p *identity.Principal) bool {
	svc := iv.Case.Service
	return p.IsStaff() && (p.HasRole(svc, identity.Supervisor) || p.HasRole(svc, identity.Responder) ||
		p.HasRole(svc, identity.Analyst))
}

// Assigned reports whether p is the staff member the incident is assigned to.
func (iv *IncidentView) Assigned(p *identity.Principal) bool {
	return p.IsStaff() && iv.Case.AssigneeAccountID != 0 && iv.Case.AssigneeAccountID == p.ID
}

// loadWork reads an incident's notes, phases and file labels.
func loadWork(ctx context.Context, tx *store.Tx, caseID int64) ([]Note, []Phase, map[int64]tlp.Level, error) {
	var notes []Note
	var phases []Phase
	labels := map[int64]tlp.Level{}
	rows, err := tx.Query(ctx, `SELECT body, tlp, author_account_id, created_at FROM cert_notes WHERE case_id = ? ORDER BY id`, caseID)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("cert: notes of %d: %w", caseID, err)
	}
	for rows.Next() {
		var n Note
		var l string
		var at int64
		if err := rows.Scan(&n.Body, &l, &n.AuthorID, &at); err != nil {
			rows.Close()
			return nil, nil, nil, err
		}
		n.TLP, _ = tlp.Parse(l)
		n.At = store.FromMillis(at)
		notes = append(notes, n)
	}
	rows.Close()
	rows, err = tx.Query(ctx, `SELECT phase, note, tlp, actor_account_id, created_at FROM cert_phases WHERE case_id = ? ORDER BY id`, caseID)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("cert: phases of %d: %w", caseID, err)
	}
	for rows.Next() {
		var ph Phase
		var l string
		var at int64
		if err := rows.Scan(&ph.Phase, &ph.Note, &l, &ph.ActorID, &at); err != nil {
			rows.Close()
			return nil, nil, nil, err
		}
		ph.TLP, _ = tlp.Parse(l)
		ph.At = store.FromMillis(at)
		phases = append(phases, ph)
	}
	rows.Close()
	rows, err = tx.Query(ctx, `SELECT document_id, tlp FROM cert_file_labels WHERE case_id = ?`, caseID)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("cert: file labels of %d: %w", caseID, err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var l string
		if err := rows.Scan(&id, &l); err != nil {
			return nil, nil, nil, err
		}
		labels[id], _ = tlp.Parse(l)
	}
	return notes, phases, labels, rows.Err()
}
