package catalogdb

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/itoir/miz/internal/catalog"
	"github.com/itoir/miz/internal/i18n"
	"github.com/itoir/miz/internal/jalali"
	"github.com/itoir/miz/internal/notify"
	"github.com/itoir/miz/internal/persian"
	"github.com/itoir/miz/internal/store"
)

// RenewalKind is the daily job that reminds each service's editors to renew an SLA
// whose validity (§8) ends within catalog.ValiditySoon days or has ended.
const RenewalKind = "catalog.renewal"

// RemindRenewals tells the editors of every service in force whose agreement ends
// soon or has ended, in-app and by e-mail when they have one: once per editor, per
// version and per stage (ending soon, ended), however often it runs. The service
// itself goes on accepting cases (issue 14: renewal is the normal versioned publish).
// It returns how many reminders it wrote.
func (s *Store) RemindRenewals(ctx context.Context) (int, error) {
	svcs, err := s.List(ctx)
	if err != nil {
		return 0, fmt.Errorf("catalogdb: renewal reminders: %w", err)
	}
	now := time.Now()
	if s.Now != nil {
		now = s.Now()
	}
	sent := 0
	for _, svc := range svcs {
		v := svc.ValidityOn(now, jalali.Tehran())
		if !v.Ended && !v.Soon {
			continue
		}
		n := renewalNotice(svc, v)
		err := s.DB.Update(ctx, func(tx *store.Tx) error {
			rows, err := tx.Query(ctx, `SELECT DISTINCT a.id, a.email FROM role_grants g JOIN accounts a ON a.id = g.account_id
				WHERE g.role = 'editor' AND (g.service = ? OR g.service = '*') AND a.disabled = FALSE ORDER BY a.id`, svc.ID)
			if err != nil {
				return err
			}
			type editor struct {
				id    int64
				email string
			}
			var eds []editor
			for rows.Next() {
				var e editor
				if err := rows.Scan(&e.id, &e.email); err != nil {
					rows.Close()
					return err
				}
				eds = append(eds, e)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
			for _, e := range eds {
				var seen int
				if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM notifications WHERE account_id = ? AND title_en = ? AND body_en = ?`,
					e.id, n.TitleEn, n.BodyEn).Scan(&seen); err != nil {
					return err
				}
				if seen > 0 {
					continue
				}
				if err := notify.Notify(ctx, tx, e.id, n); err != nil {
					return err
				}
				if e.email != "" {
					b := notify.Bilingual{SubjectFa: n.TitleFa, SubjectEn: n.TitleEn, BodyFa: n.BodyFa, BodyEn: n.BodyEn}
					if s.BaseURL != "" {
						b.Link = strings.TrimSuffix(s.BaseURL, "/") + n.Link
					}
					msg := b.Email(e.email)
					msg.RefKind, msg.RefID = "service_version", fmt.Sprintf("%s/%d", svc.ID, svc.Version)
					if err := notify.Queue(ctx, tx, msg); err != nil {
						return err
					}
				}
				sent++
			}
			return nil
		})
		if err != nil {
			return sent, fmt.Errorf("catalogdb: renewal reminders for %s: %w", svc.ID, err)
		}
	}
	return sent, nil
}

// renewalNotice is the reminder for one service's version at its stage.
func renewalNotice(svc *catalog.Service, v catalog.ValidityNotice) notify.InApp {
	body := "catalog.validity.remind.body_soon"
	if v.Ended {
		body = "catalog.validity.remind.body_ended"
	}
	j := jalali.FromGregorian(v.To.Year, int(v.To.Month), v.To.Day)
	return notify.InApp{
		TitleFa: i18n.T(i18n.Fa, "catalog.validity.remind.title", svc.Name.FA),
		TitleEn: i18n.T(i18n.En, "catalog.validity.remind.title", svc.Name.EN),
		BodyFa:  i18n.T(i18n.Fa, body, jalali.FormatFa(j)) + persian.PersianDigits(fmt.Sprintf(" (نسخه %d)", svc.Version)),
		BodyEn:  i18n.T(i18n.En, body, v.To.String()) + fmt.Sprintf(" (version %d)", svc.Version),
		Link:    "/admin/services",
	}
}
