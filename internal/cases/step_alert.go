package cases

import (
	"context"
	"fmt"

	"github.com/itoir/miz/internal/i18n"
	"github.com/itoir/miz/internal/notify"
	"github.com/itoir/miz/internal/store"
)

// NotifyStepMilestone tells the people a step target concerns (issue 14: "a case
// nearing or past a step target alerts the assignee and the supervisor"): the
// case's assignee and every supervisor of the service, in-app and by e-mail where
// the account has an address, for a warning and for a breach alike, in the
// milestone's transaction.
func NotifyStepMilestone(ctx context.Context, tx *store.Tx, m StepMilestone) error {
	code, link := m.Case.TrackingCode, "/cases/"+m.Case.TrackingCode
	text := func(l i18n.Lang, key string) string {
		budget := i18n.T(l, "catalog.unit."+m.Budget.Unit, m.Budget.Amount)
		return i18n.T(l, key, code, m.StateName.In(string(l)), budget, int(m.Fraction*100+0.5))
	}
	kind := "warning"
	if m.Breach {
		kind = "breach"
	}
	title, body := "steps.alert."+kind+".title", "steps.alert."+kind+".body"
	notice := notify.InApp{TitleFa: text(i18n.Fa, title), TitleEn: text(i18n.En, title),
		BodyFa: text(i18n.Fa, body), BodyEn: text(i18n.En, body), Link: link}
	to, err := stepRecipients(ctx, tx, m.Case)
	if err != nil {
		return err
	}
	for _, r := range to {
		if err := notify.Notify(ctx, tx, r.id, notice); err != nil {
			return err
		}
		if r.email == "" {
			continue
		}
		msg := notify.Bilingual{SubjectFa: notice.TitleFa, SubjectEn: notice.TitleEn, BodyFa: notice.BodyFa,
			BodyEn: notice.BodyEn, Link: link}.Email(r.email)
		msg.RefKind, msg.RefID = "case", code
		if err := notify.Queue(ctx, tx, msg); err != nil {
			return err
		}
	}
	return nil
}

type recipient struct {
	id    int64
	email string
}

// stepRecipients is the case's assignee, then the service's supervisors, each once.
func stepRecipients(ctx context.Context, tx *store.Tx, c *Case) ([]recipient, error) {
	rows, err := tx.Query(ctx, `SELECT a.id, a.email FROM accounts a WHERE a.id = ?
		UNION SELECT a.id, a.email FROM role_grants g JOIN accounts a ON a.id = g.account_id
		WHERE g.role = 'supervisor' AND (g.service = ? OR g.service = '*')`, c.AssigneeAccountID, c.Service)
	if err != nil {
		return nil, fmt.Errorf("cases: %s: step alert recipients: %w", c.TrackingCode, err)
	}
	defer rows.Close()
	var out []recipient
	for rows.Next() {
		var r recipient
		if err := rows.Scan(&r.id, &r.email); err != nil {
			return nil, fmt.Errorf("cases: %s: step alert recipients: %w", c.TrackingCode, err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
