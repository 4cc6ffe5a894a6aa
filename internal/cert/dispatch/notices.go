package dispatch

import (
	"context"
	"fmt"

	"github.com/itoir/miz/internal/i18n"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/notify"
	"github.com/itoir/miz/internal/store"
)

// pageLeads tells the service's staff on duty — or, with no roster for this hour,
// its responders and supervisors — that a team was asked for (SLA M-4.4): in-app,
// by e-mail, and by SMS at any hour, as an incident pages them.
func pageLeads(ctx context.Context, tx *store.Tx, service, code string) error {
	ids, err := identity.OnDuty(ctx, tx, service, tx.Now)
	if err != nil {
		return fmt.Errorf("dispatch: on duty for %s: %w", service, err)
	}
	if len(ids) == 0 {
		rows, err := tx.Query(ctx, `SELECT DISTINCT g.account_id FROM role_grants g JOIN accounts a ON a.id = g.account_id
			WHERE g.service = ? AND g.role IN ('responder', 'supervisor') AND a.disabled = FALSE ORDER BY g.account_id`, service)
		if err != nil {
			return fmt.Errorf("dispatch: leads of %s: %w", service, err)
		}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			ids = append(ids, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	a := notify.Alert{Kind: notify.KindNewCase, RefKind: "case", RefID: code, Page: true,
		SMS: fmt.Sprintf(i18n.T(i18n.Fa, "notice.dispatch.requested.sms"), code),
		InApp: notify.InApp{TitleFa: fmt.Sprintf(i18n.T(i18n.Fa, "notice.dispatch.requested.title"), code),
			TitleEn: fmt.Sprintf(i18n.T(i18n.En, "notice.dispatch.requested.title"), code),
			BodyFa:  i18n.T(i18n.Fa, "notice.dispatch.requested.body"), BodyEn: i18n.T(i18n.En, "notice.dispatch.requested.body"),
			Link: "/cases/" + code + "/dispatch"}}
	for _, id := range ids {
		if _, err := notify.Tell(ctx, tx, id, a); err != nil {
			return err
		}
	}
	return nil
}

// tellApplicant tells the case's applicant of a step of the team: recorded (with
// its ETA) or arrived.
func tellApplicant(ctx context.Context, tx *store.Tx, account int64, code, key string) error {
	titleFa, titleEn := i18n.T(i18n.Fa, key), i18n.T(i18n.En, key)
	_, err := notify.Tell(ctx, tx, account, notify.Alert{Kind: notify.KindProgress, RefKind: "case", RefID: code,
		InApp: notify.InApp{TitleFa: titleFa, TitleEn: titleEn, BodyFa: titleFa, BodyEn: titleEn, Link: "/cases/" + code + "/dispatch"}})
	return err
}
