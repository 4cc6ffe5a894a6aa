package warning

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/itoir/miz/internal/audit"
	"github.com/itoir/miz/internal/cert/constituent"
	"github.com/itoir/miz/internal/i18n"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/notify"
	"github.com/itoir/miz/internal/store"
)

// JobKind is the periodic job that sends the aggregated warnings and escalates
// ignored ones; cmd/miz registers Service.RunJob under it.
const JobKind = "cert.warnings"

// JobInterval is how often the job runs.
const JobInterval = time.Minute

// RunJob tells constituents of their new warnings and escalates ignored ones.
func (s *Service) RunJob(ctx context.Context) error {
	if _, err := s.SendDue(ctx); err != nil {
		return err
	}
	_, err := s.Escalate(ctx)
	return err
}

// SendDue sends each constituent one notice of the warnings not yet told, once its
// aggregation interval has run from the oldest of them, or sooner when a warning's
// CERT notification target is due (SLA M-4.3: the digest never makes the CERT
// late). It returns how many warnings were told.
func (s *Service) SendDue(ctx context.Context) (int, error) {
	type pending struct {
		org              int64
		oldest, firstDue int64
	}
	var orgs []pending
	err := s.DB.View(ctx, func(tx *store.Tx) error {
		rows, err := tx.Query(ctx, `SELECT org_id, MIN(found_at), MIN(notify_due) FROM cert_warnings
			WHERE notified_at = 0 AND state IN ('open', 'acknowledged', 'fixed_claimed') GROUP BY org_id ORDER BY org_id`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var p pending
			if err := rows.Scan(&p.org, &p.oldest, &p.firstDue); err != nil {
				return err
			}
			orgs = append(orgs, p)
		}
		return rows.Err()
	})
	if err != nil {
		return 0, fmt.Errorf("warning: pending notices: %w", err)
	}
	told := 0
	for _, p := range orgs {
		err := s.update(ctx, func(tx *store.Tx) error {
			r, err := constituent.RulesTx(ctx, tx, p.org)
			if err != nil {
				return err
			}
			now := store.Millis(tx.Now)
			// A tick's worth of slack, so the notice goes out before the target, not after.
			if now < p.oldest+int64(r.IntervalMinutes)*60_000 && now < p.firstDue-JobInterval.Milliseconds()*2 {
				return nil
			}
			n, err := s.tellOrg(ctx, tx, r, now)
			told += n
			return err
		})
		if err != nil {
			return told, fmt.Errorf("warning: notify organisation %d: %w", p.org, err)
		}
	}
	return told, nil
}

// tellOrg sends one organisation its untold warnings and starts their remediation
// clocks.
func (s *Service) tellOrg(ctx context.Context, tx *store.Tx, r constituent.Rules, now int64) (int, error) {
	rows, err := tx.Query(ctx, `SELECT w.id, w.severity, w.class, w.type, w.ip, w.port, w.host, w.asn FROM cert_warnings w
		WHERE w.org_id = ? AND w.notified_at = 0 AND w.state IN ('open', 'acknowledged', 'fixed_claimed') ORDER BY w.id`, r.OrgID)
	if err != nil {
		return 0, err
	}
	type item struct {
		id                  int64
		sev, class, typ, ip string
		port                int
		host                string
		asn                 int64
	}
	var items []item
	for rows.Next() {
		var it item
		if err := rows.Scan(&it.id, &it.sev, &it.class, &it.typ, &it.ip, &it.port, &it.host, &it.asn); err != nil {
			rows.Close()
			return 0, err
		}
		items = append(items, it)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(items) == 0 {
		return 0, err
	}
	list := func(l i18n.Lang) string {
		var lines []string
		for i, it := range items {
			if i == 20 {
				lines = append(lines, "…")
				break
			}
			where := it.ip
			if it.port != 0 {
				where += ":" + strconv.Itoa(it.port)
			}
			if it.host != "" {
				where = strings.TrimSpace(where + " " + it.host)
			}
			if where == "" {
				where = "AS" + strconv.FormatInt(it.asn, 10)
			}
			lines = append(lines, fmt.Sprintf("• %s — %s: %s — %s", i18n.T(l, "cert.severity."+it.sev),
				i18n.T(l, "cert.rsit.class."+it.class), i18n.T(l, "cert.rsit.type."+it.typ), where))
		}
		return strings.Join(lines, "\n")
	}
	a := s.alert(r.Lang, "warning.notice.title", []any{len(items)}, "warning.notice.body", []any{listMark})
	// The list is put in after translation: addresses keep their Latin digits.
	a.BodyFa = strings.Replace(a.BodyFa, listMark, list(i18n.Fa), 1)
	a.BodyEn = strings.Replace(a.BodyEn, listMark, list(i18n.En), 1)
	if err := s.tell(ctx, tx, r, constituent.RoleTechnical, a); err != nil {
		return 0, err
	}
	for _, it := range items {
		t := TargetsFor(it.sev)
		if _, err := tx.Exec(ctx, `UPDATE cert_warnings SET notified_at = ?, remediate_due = ? WHERE id = ?`,
			now, now+t.Remediate.Milliseconds(), it.id); err != nil {
			return 0, err
		}
	}
	return len(items), audit.Record(ctx, tx, "job:"+JobKind, "cert.warning.notify", "organization",
		strconv.FormatInt(r.OrgID, 10), map[string]any{"warnings": len(items)})
}

// listMark stands for the list of findings in a notice body until it is translated.
const listMark = "\x00list\x00"

// alert builds a notice in the constituent's language (Persian also carries the
// English text, as every bilingual notice does).
func (s *Service) alert(lang, title string, titleArgs []any, body string, bodyArgs []any) notify.InApp {
	a := notify.InApp{TitleEn: i18n.T(i18n.En, title, titleArgs...), BodyEn: i18n.T(i18n.En, body, bodyArgs...), Link: "/org/warnings"}
	if lang != "en" {
		a.TitleFa, a.BodyFa = i18n.T(i18n.Fa, title, titleArgs...), i18n.T(i18n.Fa, body, bodyArgs...)
	}
	return a
}

// tell sends a notice in-app to the organisation's accounts and, when its channel
// is e-mail, to its contacts of role (without one: the head at the organisation's
// own address, the others at all contacts; with no contacts at all, the
// organisation's own address).
func (s *Service) tell(ctx context.Context, tx *store.Tx, r constituent.Rules, role string, a notify.InApp) error {
	ids, err := identity.OrgAccountIDs(ctx, tx, r.OrgID)
	if err != nil {
		return err
	}
	for _, id := range ids {
		in := a
		if in.TitleFa == "" {
			in.TitleFa, in.BodyFa = a.TitleEn, a.BodyEn
		}
		if err := notify.Notify(ctx, tx, id, in); err != nil {
			return err
		}
	}
	if r.Channel != "email" {
		return nil
	}
	contacts, err := constituent.ContactsTx(ctx, tx, r.OrgID, role)
	if err != nil {
		return err
	}
	o, err := identity.OrganizationByID(ctx, tx, r.OrgID)
	if err != nil {
		return err
	}
	// Without a contact of that role, the head is reached at the organisation's
	// own address; anyone else through every contact.
	if len(contacts) == 0 && (role != constituent.RoleHead || o.Email == "") {
		contacts, err = constituent.ContactsTx(ctx, tx, r.OrgID, "")
		if err != nil {
			return err
		}
	}
	var to []string
	for _, c := range contacts {
		to = append(to, c.Email)
	}
	if len(to) == 0 && o.Email != "" {
		to = append(to, o.Email)
	}
	link := ""
	if s.BaseURL != nil && strings.HasPrefix(s.BaseURL(), "https://") {
		link = strings.TrimSuffix(s.BaseURL(), "/") + a.Link
	}
	for _, addr := range to {
		m := notify.Bilingual{SubjectFa: a.TitleFa, SubjectEn: a.TitleEn, BodyFa: a.BodyFa, BodyEn: a.BodyEn, Link: link}.Email(addr)
		m.RefKind, m.RefID = "organization", strconv.FormatInt(r.OrgID, 10)
		if err := notify.Queue(ctx, tx, m); err != nil {
			return err
		}
	}
	return nil
}
