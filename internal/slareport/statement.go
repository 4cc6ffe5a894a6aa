package slareport

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/itoir/miz/internal/audit"
	"github.com/itoir/miz/internal/cases"
	"github.com/itoir/miz/internal/catalog"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/keys"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/tlog"
)

// StatementType is the type of a case statement's signed payload and log record.
const StatementType = "miz.case-statement/v1"

// Statement is an applicant's signed account of their case as the SLA clock saw
// it (issue 20): every state and who held it when, every pause with its reason, the
// time counted against the budget, the deadline and whether it was met. It holds
// no form, document or message (D-1); the log keeps only its hash.
type Statement struct {
	Type         string       `json:"type"`
	TrackingCode string       `json:"tracking_code"`
	Service      string       `json:"service"`
	ServiceName  catalog.Text `json:"service_name"`
	Kind         string       `json:"kind"`
	KindName     catalog.Text `json:"kind_name"`
	SLAVersion   int          `json:"sla_version"`
	IssuedAt     time.Time    `json:"issued_at"`
	// Budget is the published delivery time; Business tells whether it counts
	// business time (the national calendar) or clock time.
	Budget        Budget     `json:"budget"`
	Business      bool       `json:"business_time"`
	SubmittedAt   *time.Time `json:"submitted_at"`
	UsedSeconds   int64      `json:"used_seconds"`
	BudgetSeconds int64      `json:"budget_seconds"`
	DueAt         *time.Time `json:"due_at"`
	ClosedAt      *time.Time `json:"closed_at"`
	Breached      bool       `json:"breached"`
	// Met is whether the case was delivered within its budget; absent while open.
	Met    *bool       `json:"met,omitempty"`
	States []StateSpan `json:"states"`
	Pauses []PauseSpan `json:"pauses"`
}

// Budget is a published delivery time: an amount of business_days,
// business_hours, hours or minutes.
type Budget struct {
	Amount int    `json:"amount"`
	Unit   string `json:"unit"`
}

// StateSpan is a time the case spent in one state, held by one party.
type StateSpan struct {
	State  string       `json:"state"`
	Name   catalog.Text `json:"name"`
	Holder string       `json:"holder"` // organization, applicant or none
	From   time.Time    `json:"from"`
	To     *time.Time   `json:"to"` // nil: still there
}

// PauseSpan is a time the clock stood still because the applicant held the case.
type PauseSpan struct {
	Reason string     `json:"reason"`
	From   time.Time  `json:"from"`
	To     *time.Time `json:"to"`
}

// CaseReader reads one case with its history and clock, checking who may; the
// case engine satisfies it.
type CaseReader interface {
	CaseView(ctx context.Context, p *identity.Principal, code string) (*cases.CaseView, error)
}

// Statements signs case statements with the desk's key ring and logs their hashes.
type Statements struct {
	DB    *store.DB
	Keys  *keys.Ring
	Log   *tlog.Log
	Cases CaseReader
	Now   func() time.Time
}

// SignedStatement is a statement in its signed form and its place in the log.
type SignedStatement struct {
	Statement Statement `json:"statement"`
	JWS       string    `json:"credential"`
	LogIndex  int64     `json:"log_index"`
}

// StatementRecord is what the log keeps of a statement: its type, when, and the
// hash of the signed form — nothing that names the case or its applicant.
type StatementRecord struct {
	Type      string `json:"type"`
	At        int64  `json:"at"`
	JWSSHA256 string `json:"jws_sha256"`
}

// Issue signs a statement of the case for p (its applicant, or the service's staff).
// A statement is issued once per state of the case's history: asking again before
// anything changed returns the same signed statement, so downloads do not fill the log.
func (s *Statements) Issue(ctx context.Context, p *identity.Principal, code string) (*SignedStatement, error) {
	v, err := s.Cases.CaseView(ctx, p, code)
	if err != nil {
		return nil, err
	}
	seq := 0
	if n := len(v.History); n > 0 {
		seq = v.History[n-1].Seq
	}
	var kept SignedStatement
	err = s.DB.View(ctx, func(tx *store.Tx) error {
		return tx.QueryRow(ctx, `SELECT jws, tlog_index FROM case_statements WHERE tracking_code = ? AND history_seq = ?`,
			v.TrackingCode, seq).Scan(&kept.JWS, &kept.LogIndex)
	})
	if err == nil {
		payload, perr := payloadOf(kept.JWS)
		if perr == nil && json.Unmarshal(payload, &kept.Statement) == nil {
			return &kept, nil
		}
	}
	st := statementOf(v, s.now())
	payload, err := json.Marshal(st)
	if err != nil {
		return nil, fmt.Errorf("slareport: statement of %s: %w", code, err)
	}
	jws, err := s.Keys.SignJWS(payload)
	if err != nil {
		return nil, err
	}
	out := &SignedStatement{Statement: st, JWS: jws}
	rec, _ := json.Marshal(StatementRecord{Type: StatementType, At: store.Millis(st.IssuedAt), JWSSHA256: sha256Hex(jws)})
	err = s.DB.Update(ctx, func(tx *store.Tx) error {
		var have string
		if err := tx.QueryRow(ctx, `SELECT jws FROM case_statements WHERE tracking_code = ? AND history_seq = ?`, v.TrackingCode, seq).Scan(&have); err == nil {
			out = nil // another request issued it first
			return nil
		}
		idx, err := s.Log.Append(ctx, tx, rec)
		if err != nil {
			return err
		}
		out.LogIndex = idx
		if _, err := tx.Exec(ctx, `INSERT INTO case_statements (tracking_code, history_seq, jws, tlog_index, created_at) VALUES (?, ?, ?, ?, ?)`,
			v.TrackingCode, seq, jws, idx, store.Millis(st.IssuedAt)); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.AccountActor(p.ID), "case.statement_issued", "case", v.TrackingCode,
			map[string]any{"log_index": idx, "history_seq": seq})
	})
	if err != nil {
		return nil, fmt.Errorf("slareport: statement of %s: %w", code, err)
	}
	if out == nil {
		return s.Issue(ctx, p, code)
	}
	return out, nil
}

func (s *Statements) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := t.UTC()
	return &u
}

// statementOf writes down what the case's history and clock say.
func statementOf(v *cases.CaseView, now time.Time) Statement {
	st := Statement{Type: StatementType, TrackingCode: v.TrackingCode, Service: v.Service, Kind: v.Kind,
		SLAVersion: v.ServiceVersion, IssuedAt: now.UTC(), SubmittedAt: timePtr(v.SubmittedAt), ClosedAt: timePtr(v.ClosedAt),
		UsedSeconds: v.Clock.UsedSeconds, BudgetSeconds: v.Clock.BudgetSeconds, Business: v.Clock.Business,
		Breached: v.Clock.Breached, DueAt: timePtr(v.Clock.DueAt), States: []StateSpan{}, Pauses: []PauseSpan{}}
	if v.ServiceDef != nil {
		st.ServiceName = v.ServiceDef.Name
	}
	if v.KindDef != nil {
		st.KindName = v.KindDef.Name
		st.Budget = Budget{Amount: v.KindDef.DeliveryTime.Maximum.Amount, Unit: v.KindDef.DeliveryTime.Maximum.Unit}
	}
	if v.Clock.Stopped {
		met := !v.Clock.Breached
		st.Met = &met
	}
	for i, e := range v.History {
		span := StateSpan{State: e.ToState, Holder: e.Holder, From: e.At.UTC()}
		if v.KindDef != nil {
			if def, ok := v.KindDef.State(e.ToState); ok {
				span.Name = def.Name
			}
		}
		if i+1 < len(v.History) {
			span.To = timePtr(v.History[i+1].At)
		}
		st.States = append(st.States, span)
	}
	for _, p := range v.Clock.Pauses {
		st.Pauses = append(st.Pauses, PauseSpan{Reason: p.Reason, From: p.From.UTC(), To: timePtr(p.To)})
	}
	return st
}
