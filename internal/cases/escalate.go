package cases

import (
	"context"
	"fmt"

	"github.com/itoir/miz/internal/i18n"
	"github.com/itoir/miz/internal/notify"
	"github.com/itoir/miz/internal/store"
)

// NotifyMilestone is the standard milestone notice (SLA-CLOCK rule 7, issue 14): a
// warning or a breach goes to the assignee and every supervisor of the service,
// in-app and by e-mail as each chose; a breach is also told to the applicant. All in
// the milestone's transaction.
func NotifyMilestone(ctx context.Context, tx *store.Tx, m Milestone) error {
	code := m.Case.TrackingCode
	a := notify.Alert{Kind: notify.KindSLA, RefKind: "case", RefID: code}
	a.Link = "/cases/" + code
	if m.Breach {
		a.TitleFa, a.TitleEn = msg("notice.sla.breach.title", []any{code}, []any{code})
		a.BodyFa, a.BodyEn = i18n.T(i18n.Fa, "notice.sla.breach.body"), i18n.T(i18n.En, "notice.sla.breach.body")
	} else {
		pct := int(m.Fraction*100 + 0.5)
		a.TitleFa, a.TitleEn = msg("notice.sla.warning.title", []any{persianPercent(m.Fraction), code}, []any{fmt.Sprint(pct), code})
		a.BodyFa, a.BodyEn = i18n.T(i18n.Fa, "notice.sla.warning.body"), i18n.T(i18n.En, "notice.sla.warning.body")
	}
	staff, err := supervisors(ctx, tx, m.Case.Service)
	if err != nil {
		return err
	}
	if m.Case.AssigneeAccountID != 0 {
		staff = append([]int64{m.Case.AssigneeAccountID}, staff...)
	}
	seen := map[int64]bool{}
	for _, id := range staff {
		if seen[id] {
			continue
		}
		seen[id] = true
		if _, err := notify.Tell(ctx, tx, id, a); err != nil {
			return err
		}
	}
	if m.Breach && m.Case.ApplicantAccountID != 0 && !seen[m.Case.ApplicantAccountID] {
		a.BodyFa, a.BodyEn = i18n.T(i18n.Fa, "notice.sla.breach.applicant"), i18n.T(i18n.En, "notice.sla.breach.applicant")
		if _, err := notify.Tell(ctx, tx, m.Case.ApplicantAccountID, a); err != nil {
			return err
		}
	}
	return nil
}

// supervisors lists the accounts holding the supervisor role on service (or on all
// services), skipping disabled ones.
func supervisors(ctx context.Context, tx *store.Tx, service string) ([]int64, error) {
	rows, err := tx.Query(ctx, `SELECT DISTINCT g.account_id FROM role_grants g JOIN accounts a ON a.id = g.account_id
		WHERE g.role = 'supervisor' AND (g.service = ? OR g.service = '*') AND a.disabled = FALSE ORDER BY g.account_id`, service)
	if err != nil {
		return nil, fmt.Errorf("cases: supervisors of %s: %w", service, err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("cases: supervisors of %s: %w", service, err)
		}
		out = append(out, id)
	}
	return out, rows.Err()
}
