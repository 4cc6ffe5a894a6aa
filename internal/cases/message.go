package cases

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/itoir/miz/internal/audit"
	"github.com/itoir/miz/internal/authz"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
)

// Message is a message on a case between the applicant and staff, or an internal
// note among staff that applicants never see.
type Message struct {
	ID       int64
	AuthorID int64
	ByStaff  bool
	Body     string
	Internal bool
	At       time.Time
}

// maxMessage bounds a message, in bytes.
const maxMessage = 8 << 10

// AddMessage posts a message visible to the applicant and the service's staff.
func (e *Engine) AddMessage(ctx context.Context, p *identity.Principal, code, body string) (*Message, error) {
	return e.addMessage(ctx, p, code, body, false)
}

// AddInternalNote posts a note only the service's staff can read.
func (e *Engine) AddInternalNote(ctx context.Context, p *identity.Principal, code, body string) (*Message, error) {
	return e.addMessage(ctx, p, code, body, true)
}

func (e *Engine) addMessage(ctx context.Context, p *identity.Principal, code, body string, internal bool) (*Message, error) {
	body = strings.TrimSpace(body)
	if body == "" {
		return nil, problem.Field("body", "cases.message.empty")
	}
	if len(body) > maxMessage {
		return nil, problem.Field("body", "cases.message.long", maxMessage>>10)
	}
	kind := authz.Message
	if internal {
		kind = authz.InternalNote
	}
	var m *Message
	err := e.update(ctx, func(tx *store.Tx) error {
		c, err := e.lookupFor(ctx, tx, p, code, authz.Create, kind)
		if err != nil {
			return err
		}
		if !internal && !c.ClosedAt.IsZero() {
			// A closed case takes no more messages (issue 13); a complaint or a new
			// question is the way to raise something after it.
			return problem.New(problem.Conflict, "ux2.closed.no_messages")
		}
		m = &Message{AuthorID: p.ID, ByStaff: !authz.Decide(p, authz.Update, c.resource(authz.Case)), Body: body, Internal: internal, At: tx.Now}
		m.ID, err = tx.InsertID(ctx, `INSERT INTO case_messages (case_id, author_account_id, by_staff, body, internal, created_at)
			VALUES (?, ?, ?, ?, ?, ?)`, c.ID, p.ID, m.ByStaff, body, internal, store.Millis(tx.Now))
		if err != nil {
			return fmt.Errorf("cases: %s: message: %w", c.TrackingCode, err)
		}
		action := "case.message"
		if internal {
			action = "case.internal_note"
		} else if err := e.notifyMessage(ctx, tx, c, m); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor(p), action, "case", c.TrackingCode, map[string]any{"message_id": m.ID})
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}

// Messages lists a case's messages, oldest first; internal notes are included only
// for those the policy lets see them, never for the applicant.
func (e *Engine) Messages(ctx context.Context, p *identity.Principal, code string) ([]Message, error) {
	var out []Message
	err := e.view(ctx, func(tx *store.Tx) error {
		c, err := e.lookupFor(ctx, tx, p, code, authz.View, authz.Message)
		if err != nil {
			return err
		}
		out, err = loadMessages(ctx, tx, p, c)
		return err
	})
	return out, err
}

// loadMessages reads a case's messages, oldest first, with the internal notes only
// if the policy lets p see them; the caller checks that p may see the case.
func loadMessages(ctx context.Context, tx *store.Tx, p *identity.Principal, c *Case) ([]Message, error) {
	q := `SELECT id, author_account_id, by_staff, body, internal, created_at FROM case_messages WHERE case_id = ?`
	if !authz.Decide(p, authz.View, c.resource(authz.InternalNote)) {
		q += " AND internal = FALSE"
	}
	rows, err := tx.Query(ctx, q+" ORDER BY id", c.ID)
	if err != nil {
		return nil, fmt.Errorf("cases: %s: messages: %w", c.TrackingCode, err)
	}
	defer rows.Close()
	var out []Message
	for rows.Next() {
		var m Message
		var at int64
		if err := rows.Scan(&m.ID, &m.AuthorID, &m.ByStaff, &m.Body, &m.Internal, &at); err != nil {
			return nil, fmt.Errorf("cases: %s: messages: %w", c.TrackingCode, err)
		}
		m.At = store.FromMillis(at)
		out = append(out, m)
	}
	return out, rows.Err()
}
