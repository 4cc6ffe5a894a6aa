package complaints

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/itoir/miz/internal/i18n"
	"github.com/itoir/miz/internal/notify"
	"github.com/itoir/miz/internal/store"
)

// notice is one message to people, in both languages, from the keys key+".title" and
// key+".body" of internal/i18n.
type notice struct {
	key  string
	args []any
	// body, when set, is appended to the body as is (e.g. the decision's reasons).
	extra string
	link  string
	// refKind/refID tie the e-mail to what it is about in the outbox.
	refKind, refID string
	email          bool
}

// tell stores an in-app notice for each account and, when n.email is set, queues an
// e-mail to each account that has an address, all in tx: the notice exists exactly
// when the change it reports commits.
func (d *Service) tell(ctx context.Context, tx *store.Tx, accounts []int64, n notice) error {
	slices.Sort(accounts)
	accounts = slices.Compact(accounts)
	in := notify.InApp{
		TitleFa: i18n.T(i18n.Fa, n.key+".title", n.args...), TitleEn: i18n.T(i18n.En, n.key+".title", n.args...),
		BodyFa: i18n.T(i18n.Fa, n.key+".body", n.args...), BodyEn: i18n.T(i18n.En, n.key+".body", n.args...),
		Link: n.link,
	}
	if n.extra != "" {
		in.BodyFa += "\n\n" + n.extra
		in.BodyEn += "\n\n" + n.extra
	}
	for _, id := range accounts {
		if id == 0 {
			continue
		}
		if err := notify.Notify(ctx, tx, id, in); err != nil {
			return err
		}
		if !n.email {
			continue
		}
		var addr string
		if err := tx.QueryRow(ctx, "SELECT email FROM accounts WHERE id = ?", id).Scan(&addr); err != nil {
			return fmt.Errorf("complaints: e-mail of account %d: %w", id, err)
		}
		if strings.TrimSpace(addr) == "" {
			continue
		}
		msg := notify.Bilingual{SubjectFa: in.TitleFa, SubjectEn: in.TitleEn, BodyFa: in.BodyFa, BodyEn: in.BodyEn,
			Link: d.absolute(n.link)}.Email(addr)
		msg.RefKind, msg.RefID = n.refKind, n.refID
		if err := notify.Queue(ctx, tx, msg, d.queueOpts()...); err != nil {
			return err
		}
	}
	return nil
}

// absolute turns a path inside Miz into a link for e-mail; without a BaseURL there
// is no link.
func (d *Service) absolute(path string) string {
	if d.BaseURL == "" || path == "" {
		return ""
	}
	return strings.TrimSuffix(d.BaseURL, "/") + path
}

// holders lists the accounts holding role on service (or on every service).
func holders(ctx context.Context, tx *store.Tx, service, role string) ([]int64, error) {
	rows, err := tx.Query(ctx, `SELECT g.account_id FROM role_grants g JOIN accounts a ON a.id = g.account_id
		WHERE g.role = ? AND (g.service = ? OR g.service = '*') AND a.disabled = FALSE ORDER BY g.account_id`, role, service)
	if err != nil {
		return nil, fmt.Errorf("complaints: %s of %s: %w", role, service, err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}
