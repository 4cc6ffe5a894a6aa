package cases

import (
	"context"
	"fmt"

	"github.com/itoir/miz/internal/notify"
	"github.com/itoir/miz/internal/store"
)

// NotifyMilestone is the standard milestone notice (SLA-CLOCK rule 7): a warning goes
// to the assignee; a breach goes to the assignee and is escalated to every supervisor
// of the service, in-app and by e-mail, in the milestone's transaction.
func NotifyMilestone(ctx context.Context, tx *store.Tx, m Milestone) error {
	pct := int(m.Fraction*100 + 0.5)
	link := "/cases/" + m.Case.TrackingCode
	notice := notify.InApp{
		TitleFa: fmt.Sprintf("هشدار زمان: %d٪ مهلت درخواست %s گذشته است", pct, m.Case.TrackingCode),
		TitleEn: fmt.Sprintf("Time warning: %d%% of request %s's delivery time is used", pct, m.Case.TrackingCode),
		BodyFa:  "مهلت ارائه خدمت طبق توافق‌نامه سطح خدمت در حال پایان است.",
		BodyEn:  "The delivery time promised in the service level agreement is running out.",
		Link:    link,
	}
	var to []int64
	if m.Case.AssigneeAccountID != 0 {
		to = append(to, m.Case.AssigneeAccountID)
	}
	if m.Breach {
		notice.TitleFa = fmt.Sprintf("تأخیر: مهلت درخواست %s به پایان رسید", m.Case.TrackingCode)
		notice.TitleEn = fmt.Sprintf("Overdue: request %s has passed its delivery time", m.Case.TrackingCode)
		notice.BodyFa = "مهلت توافق‌نامه سطح خدمت گذشته است و درخواست به سرپرست ارجاع شد."
		notice.BodyEn = "The SLA delivery time has passed; the request is escalated to the supervisor."
		rows, err := tx.Query(ctx, `SELECT g.account_id, a.email FROM role_grants g JOIN accounts a ON a.id = g.account_id
			WHERE g.role = 'supervisor' AND (g.service = ? OR g.service = '*') ORDER BY g.account_id`, m.Case.Service)
		if err != nil {
			return fmt.Errorf("cases: supervisors: %w", err)
		}
		var emails []string
		for rows.Next() {
			var id int64
			var email string
			if err := rows.Scan(&id, &email); err != nil {
				rows.Close()
				return err
			}
			to = append(to, id)
			if email != "" {
				emails = append(emails, email)
			}
		}
		rows.Close()
		for _, e := range emails {
			msg := notify.Bilingual{SubjectFa: notice.TitleFa, SubjectEn: notice.TitleEn, BodyFa: notice.BodyFa, BodyEn: notice.BodyEn, Link: link}.Email(e)
			msg.RefKind, msg.RefID = "case", m.Case.TrackingCode
			if err := notify.Queue(ctx, tx, msg); err != nil {
				return err
			}
		}
	}
	seen := map[int64]bool{}
	for _, id := range to {
		if seen[id] {
			continue
		}
		seen[id] = true
		if err := notify.Notify(ctx, tx, id, notice); err != nil {
			return err
		}
	}
	return nil
}
