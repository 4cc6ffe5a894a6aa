package notify

import (
	"context"
	"fmt"

	"github.com/itoir/miz/internal/audit"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
)

// Pref is a person's choice of channels for one kind of notice. In-app notices are
// always written; Email and SMS only matter where the kind uses the channel.
type Pref struct {
	KindInfo
	WantEmail bool
	WantSMS   bool
}

// Preferences reads and changes people's notice preferences; each method owns its
// transaction.
type Preferences struct {
	DB *store.DB
}

// Get returns the account's preference for every kind, defaults filled in: a channel
// is on until the person turns it off, and always on for a legal notice.
func (s *Preferences) Get(ctx context.Context, accountID int64) ([]Pref, error) {
	var out []Pref
	err := s.DB.View(ctx, func(tx *store.Tx) error {
		for _, k := range Kinds() {
			email, sms, err := wants(ctx, tx, accountID, k)
			if err != nil {
				return err
			}
			out = append(out, Pref{KindInfo: k, WantEmail: email, WantSMS: sms})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("notify: preferences of account %d: %w", accountID, err)
	}
	return out, nil
}

// Set stores the account's choices. Turning off a channel of a legal notice is
// refused and changes nothing, as is an unknown kind; a staff-only kind is kept for
// anyone (it simply never fires for an applicant).
func (s *Preferences) Set(ctx context.Context, accountID int64, prefs []Pref) error {
	for _, p := range prefs {
		k, ok := Info(p.Kind)
		if !ok {
			return problem.Field("kind", "notices.prefs.unknown", string(p.Kind))
		}
		if k.Legal && ((k.Email && !p.WantEmail) || (k.SMS && !p.WantSMS)) {
			return problem.Field("kind", "notices.prefs.legal")
		}
	}
	return s.DB.Update(ctx, func(tx *store.Tx) error {
		changed := map[string]any{}
		for _, p := range prefs {
			if _, err := tx.Exec(ctx, `INSERT INTO notice_prefs (account_id, kind, email, sms, updated_at) VALUES (?, ?, ?, ?, ?)
				ON CONFLICT (account_id, kind) DO UPDATE SET email = excluded.email, sms = excluded.sms, updated_at = excluded.updated_at`,
				accountID, string(p.Kind), p.WantEmail, p.WantSMS, store.Millis(tx.Now)); err != nil {
				return fmt.Errorf("notify: set preferences of account %d: %w", accountID, err)
			}
			changed[string(p.Kind)] = map[string]bool{"email": p.WantEmail, "sms": p.WantSMS}
		}
		return audit.Record(ctx, tx, audit.AccountActor(accountID), "notice.prefs", "account",
			fmt.Sprint(accountID), changed)
	})
}

// wants reports whether the account takes kind k by e-mail and by SMS: the stored
// choice, on by default, forced on for legal notices, off where the kind does not
// use the channel.
func wants(ctx context.Context, tx *store.Tx, accountID int64, k KindInfo) (email, sms bool, err error) {
	email, sms = true, true
	rows, err := tx.Query(ctx, "SELECT email, sms FROM notice_prefs WHERE account_id = ? AND kind = ?", accountID, string(k.Kind))
	if err != nil {
		return false, false, err
	}
	defer rows.Close()
	if rows.Next() {
		if err := rows.Scan(&email, &sms); err != nil {
			return false, false, err
		}
	}
	if err := rows.Err(); err != nil {
		return false, false, err
	}
	if k.Legal {
		email, sms = true, true
	}
	return email && k.Email, sms && k.SMS, nil
}
