package reactive

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/itoir/miz/internal/audit"
	"github.com/itoir/miz/internal/cert/incident"
	"github.com/itoir/miz/internal/cert/tlp"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/persian"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
)

// The handling phases a responder records.
const (
	PhaseContainment = "containment"
	PhaseEradication = "eradication"
	PhaseRecovery    = "recovery"
)

// Phases lists the handling phases in their usual order.
func Phases() []string { return []string{PhaseContainment, PhaseEradication, PhaseRecovery} }

// Phase is one recorded handling phase.
type Phase struct {
	Phase   string
	Note    string
	TLP     tlp.Level
	ActorID int64
	At      time.Time
}

// Note is an analyst's note on an incident, with its own label.
type Note struct {
	Body     string
	TLP      tlp.Level
	AuthorID int64
	At       time.Time
}

const maxNote = 20000

// label reads an optional TLP label for an item, defaulting to the incident's.
func label(field, s string, def tlp.Level) (tlp.Level, error) {
	if strings.TrimSpace(s) == "" {
		return def, nil
	}
	l, err := tlp.Parse(s)
	if err != nil {
		return 0, problem.Field(field, "cert.tlp.invalid", s)
	}
	return l, nil
}

func noteText(field, s string) (string, error) {
	if err := persian.CheckText(s, true); err != nil {
		return "", problem.Field(field, "cert.form.text")
	}
	s = strings.TrimSpace(persian.Normalize(s))
	if s == "" {
		return "", problem.Field(field, "cert.phase.note")
	}
	if utf8.RuneCountInString(s) > maxNote {
		return "", problem.Field(field, "cert.form.too_long", maxNote)
	}
	return s, nil
}

// RecordPhase records that a handling phase (containment, eradication, recovery)
// was carried out, with what was done and its TLP label (default: the incident's).
// Only while the incident is being handled; audited as cert.phase.
func (s *Service) RecordPhase(ctx context.Context, p *identity.Principal, ref, phase, note, labelText string) error {
	phase = strings.ToLower(strings.TrimSpace(phase))
	ok := false
	for _, ph := range Phases() {
		ok = ok || ph == phase
	}
	if !ok {
		return problem.Field("phase", "cert.phase.unknown", phase)
	}
	body, err := noteText("note", note)
	if err != nil {
		return err
	}
	v, err := s.openForStaff(ctx, p, ref)
	if err != nil {
		return err
	}
	if v.State != "handling" {
		return problem.New(problem.Conflict, "cert.phase.state")
	}
	return s.update(ctx, func(tx *store.Tx) error {
		r, err := loadRecord(ctx, tx, v.ID)
		if err != nil {
			return err
		}
		l, err := label("tlp", labelText, r.TLP)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO cert_phases (case_id, phase, note, tlp, actor_account_id, created_at)
			VALUES (?, ?, ?, ?, ?, ?)`, v.ID, phase, body, l.String(), p.ID, store.Millis(tx.Now)); err != nil {
			return fmt.Errorf("cert: phase of %s: %w", v.TrackingCode, err)
		}
		return audit.Record(ctx, tx, audit.AccountActor(p.ID), "cert.phase", "case", v.TrackingCode,
			map[string]any{"phase": phase, "tlp": l.String()})
	})
}

// AddNote adds an analyst's note with its TLP label (default: the incident's);
// audited as cert.note (without its text).
func (s *Service) AddNote(ctx context.Context, p *identity.Principal, ref, body, labelText string) error {
	text, err := noteText("body", body)
	if err != nil {
		return err
	}
	v, err := s.openForStaff(ctx, p, ref)
	if err != nil {
		return err
	}
	return s.update(ctx, func(tx *store.Tx) error {
		r, err := loadRecord(ctx, tx, v.ID)
		if err != nil {
			return err
		}
		l, err := label("tlp", labelText, r.TLP)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO cert_notes (case_id, body, tlp, author_account_id, created_at)
			VALUES (?, ?, ?, ?, ?)`, v.ID, text, l.String(), p.ID, store.Millis(tx.Now)); err != nil {
			return fmt.Errorf("cert: note on %s: %w", v.TrackingCode, err)
		}
		return audit.Record(ctx, tx, audit.AccountActor(p.ID), "cert.note", "case", v.TrackingCode, map[string]any{"tlp": l.String()})
	})
}

// AddIndicators adds indicators found while handling: raw is a JSON list or a
// pasted text, as the report form takes them (defanged forms accepted); they are
// normalised, de-duplicated against the incident's own, and stored with labelText's
// label (default: none, i.e. the incident's). Every entry at fault is reported at
// once (incident.FieldErrors). It returns how many were new; audited as
// cert.indicators.
func (s *Service) AddIndicators(ctx context.Context, p *identity.Principal, ref string, raw json.RawMessage, labelText string) (int, error) {
	f, err := incident.Parse(json.RawMessage(`{"indicators":`+string(raw)+`}`), time.Time{})
	if err != nil {
		return 0, err
	}
	l, err := label("tlp", labelText, 0)
	if err != nil {
		return 0, err
	}
	v, err := s.openForStaff(ctx, p, ref)
	if err != nil {
		return 0, err
	}
	for i := range f.Indicators {
		f.Indicators[i].TLP = tlp.Max(f.Indicators[i].TLP, l)
	}
	n := 0
	err = s.update(ctx, func(tx *store.Tx) error {
		if _, err := loadRecord(ctx, tx, v.ID); err != nil {
			return err
		}
		if n, err = insertIndicators(ctx, tx, v.ID, p.ID, f.Indicators); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.AccountActor(p.ID), "cert.indicators", "case", v.TrackingCode,
			map[string]any{"given": len(f.Indicators), "new": n})
	})
	return n, err
}

// NameRecipient names an account as a recipient of the incident's RED and shared
// AMBER items (TLP 2.0); only the incident's supervisors may. Audited.
func (s *Service) NameRecipient(ctx context.Context, p *identity.Principal, ref string, account int64) error {
	v, err := s.openForStaff(ctx, p, ref)
	if err != nil {
		return err
	}
	if !p.HasRole(v.Service, identity.Supervisor) {
		return problem.New(problem.Forbidden, "cert.forbidden")
	}
	return s.update(ctx, func(tx *store.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO cert_recipients (case_id, account_id) VALUES (?, ?)
			ON CONFLICT (case_id, account_id) DO NOTHING`, v.ID, account); err != nil {
			return fmt.Errorf("cert: recipient of %s: %w", v.TrackingCode, err)
		}
		return audit.Record(ctx, tx, audit.AccountActor(p.ID), "cert.recipient", "case", v.TrackingCode, map[string]any{"account": account})
	})
}

// LabelFile sets the TLP label of one of the incident's files (default for
// unlabelled files: the incident's). Audited.
func (s *Service) LabelFile(ctx context.Context, p *identity.Principal, ref string, documentID int64, labelText string) error {
	l, err := label("tlp", labelText, 0)
	if err != nil || !l.Valid() {
		return problem.Field("tlp", "cert.tlp.invalid", labelText)
	}
	v, err := s.openForStaff(ctx, p, ref)
	if err != nil {
		return err
	}
	docs, err := s.Cases.Documents(ctx, p, v.TrackingCode)
	if err != nil {
		return err
	}
	found := false
	for _, d := range docs {
		found = found || d.ID == documentID
	}
	if !found {
		return problem.Field("document", "cert.file.not_found")
	}
	return s.update(ctx, func(tx *store.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO cert_file_labels (document_id, case_id, tlp) VALUES (?, ?, ?)
			ON CONFLICT (document_id) DO UPDATE SET tlp = excluded.tlp`, documentID, v.ID, l.String()); err != nil {
			return fmt.Errorf("cert: label file of %s: %w", v.TrackingCode, err)
		}
		return audit.Record(ctx, tx, audit.AccountActor(p.ID), "cert.file_label", "case", v.TrackingCode,
			map[string]any{"document": documentID, "tlp": l.String()})
	})
}

// NameRecipientByUsername is NameRecipient for the account signing in as username
// (a field error when there is none).
func (s *Service) NameRecipientByUsername(ctx context.Context, p *identity.Principal, ref, username string) error {
	username = strings.TrimSpace(username)
	var id int64
	err := s.DB.ViewAt(ctx, s.now, func(tx *store.Tx) error {
		var err error
		id, err = identity.AccountIDByUsername(ctx, tx, username)
		return err
	})
	if errors.Is(err, store.ErrNotFound) || username == "" {
		return problem.Field("username", "cert.recipient.unknown", username)
	}
	if err != nil {
		return err
	}
	return s.NameRecipient(ctx, p, ref, id)
}
