package notify

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/itoir/miz/internal/jobs"
	"github.com/itoir/miz/internal/store"
)

// Alert is one notice of a kind to one account: the in-app text, which is also the
// e-mail's, and an optional short Persian SMS.
type Alert struct {
	Kind Kind
	InApp
	// SMS is the text message, Persian, within one segment where possible; empty
	// sends none.
	SMS string
	// Page sends the SMS whatever the person chose: an on-duty responder paged for
	// an incident at any hour.
	Page bool
	// InAppOnly writes the in-app notice alone: history made up for a demo is not
	// mailed to anyone.
	InAppOnly bool
	// OnlySMS sends the SMS alone: the in-app notice and e-mail went out otherwise.
	OnlySMS bool
	// BaseURL, when https, makes the e-mail link absolute.
	BaseURL string
	// RefKind and RefID name what the notice is about in the outbox, e.g. a case.
	RefKind, RefID string
}

// Tell writes the notice in tx: in-app always; by e-mail when the account has an
// address and the kind uses e-mail; by SMS when the notice has a text and the
// account a mobile number; each channel unless the person turned it off, which a
// legal notice ignores. It reports which channels were used.
func Tell(ctx context.Context, tx *store.Tx, accountID int64, n Alert, opts ...jobs.Option) ([]Channel, error) {
	k, ok := Info(n.Kind)
	if !ok {
		return nil, fmt.Errorf("notify: tell account %d: unknown kind %q", accountID, n.Kind)
	}
	if !n.OnlySMS {
		if err := Notify(ctx, tx, accountID, n.InApp); err != nil {
			return nil, err
		}
	}
	email, mobile, err := contact(ctx, tx, accountID)
	if err != nil {
		return nil, fmt.Errorf("notify: tell account %d: %w", accountID, err)
	}
	wantEmail, wantSMS, err := wants(ctx, tx, accountID, k)
	if err != nil {
		return nil, fmt.Errorf("notify: tell account %d: %w", accountID, err)
	}
	var used []Channel
	if n.InAppOnly {
		return used, nil
	}
	if wantEmail && email != "" && !n.OnlySMS {
		link := ""
		if strings.HasPrefix(n.BaseURL, "https://") && n.Link != "" {
			link = strings.TrimSuffix(n.BaseURL, "/") + n.Link
		}
		m := Bilingual{SubjectFa: n.TitleFa, SubjectEn: n.TitleEn, BodyFa: n.BodyFa, BodyEn: n.BodyEn, Link: link}.Email(email)
		m.RefKind, m.RefID = n.RefKind, n.RefID
		if err := Queue(ctx, tx, m, opts...); err != nil {
			return nil, err
		}
		used = append(used, ChannelEmail)
	}
	if n.SMS != "" && mobile != "" && (wantSMS || n.Page) {
		m := SMS(mobile, n.SMS)
		m.RefKind, m.RefID = n.RefKind, n.RefID
		if err := Queue(ctx, tx, m, opts...); err != nil {
			return nil, err
		}
		used = append(used, ChannelSMS)
	}
	return used, nil
}

// contact returns an account's e-mail address (the account's, else its person's or
// organisation's) and its person's mobile number.
func contact(ctx context.Context, tx *store.Tx, accountID int64) (email, mobile string, err error) {
	var acc, person, org string
	err = tx.QueryRow(ctx, `SELECT a.email, COALESCE(p.email, ''), COALESCE(p.mobile, ''), COALESCE(o.email, '')
		FROM accounts a LEFT JOIN people p ON p.id = a.person_id LEFT JOIN organizations o ON o.id = a.org_id
		WHERE a.id = ?`, accountID).Scan(&acc, &person, &mobile, &org)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", store.ErrNotFound
	}
	if err != nil {
		return "", "", err
	}
	for _, e := range []string{acc, person, org} {
		if e != "" {
			return e, mobile, nil
		}
	}
	return "", mobile, nil
}
