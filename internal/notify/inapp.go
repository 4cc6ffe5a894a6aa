package notify

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/itoir/miz/internal/store"
)

// InApp is a notice shown inside Miz, in both languages.
type InApp struct {
	TitleFa, TitleEn string
	BodyFa, BodyEn   string
	Link             string // a path inside Miz, e.g. /cases/TRACKING
}

// Notice is a stored in-app notice.
type Notice struct {
	ID        int64
	AccountID int64
	InApp
	CreatedAt time.Time
	ReadAt    time.Time // zero while unread
}

// Unread reports whether the account has not yet read the notice.
func (n Notice) Unread() bool { return n.ReadAt.IsZero() }

// Notify stores an in-app notice for an account within tx.
func Notify(ctx context.Context, tx *store.Tx, accountID int64, n InApp) error {
	if n.TitleFa == "" {
		return errors.New("notify: in-app notice without a Persian title")
	}
	_, err := tx.Exec(ctx, `INSERT INTO notifications (account_id, title_fa, title_en, body_fa, body_en, link, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, accountID, n.TitleFa, n.TitleEn, n.BodyFa, n.BodyEn, n.Link, store.Millis(tx.Now))
	if err != nil {
		return fmt.Errorf("notify: in-app notice for account %d: %w", accountID, err)
	}
	return nil
}

// List returns an account's newest notices first, at most limit (default 50).
func List(ctx context.Context, db *store.DB, accountID int64, limit int) ([]Notice, error) {
	return listNotices(ctx, db, accountID, limit, "id DESC")
}

// listNotices reads an account's notices in the given order (a fixed SQL clause).
func listNotices(ctx context.Context, db *store.DB, accountID int64, limit int, order string) ([]Notice, error) {
	if limit <= 0 {
		limit = 50
	}
	var out []Notice
	err := db.View(ctx, func(tx *store.Tx) error {
		rows, err := tx.Query(ctx, `SELECT id, account_id, title_fa, title_en, body_fa, body_en, link, created_at, read_at
			FROM notifications WHERE account_id = ? ORDER BY `+order+` LIMIT ?`, accountID, limit)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var n Notice
			var created, read int64
			if err := rows.Scan(&n.ID, &n.AccountID, &n.TitleFa, &n.TitleEn, &n.BodyFa, &n.BodyEn, &n.Link,
				&created, &read); err != nil {
				return err
			}
			n.CreatedAt, n.ReadAt = store.FromMillis(created), store.FromMillis(read)
			out = append(out, n)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("notify: list notices of account %d: %w", accountID, err)
	}
	return out, nil
}

// UnreadCount returns how many of an account's notices are unread.
func UnreadCount(ctx context.Context, db *store.DB, accountID int64) (int, error) {
	var n int
	err := db.View(ctx, func(tx *store.Tx) error {
		return tx.QueryRow(ctx, "SELECT COUNT(*) FROM notifications WHERE account_id = ? AND read_at = 0", accountID).Scan(&n)
	})
	if err != nil {
		return 0, fmt.Errorf("notify: unread count of account %d: %w", accountID, err)
	}
	return n, nil
}

// MarkRead marks one of the account's notices read. A notice of another account is
// not found; marking a read notice again changes nothing.
func MarkRead(ctx context.Context, tx *store.Tx, accountID, noticeID int64) error {
	var read int64
	err := tx.QueryRow(ctx, "SELECT read_at FROM notifications WHERE id = ? AND account_id = ?", noticeID, accountID).Scan(&read)
	if err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			err = store.ErrNotFound
		}
		return fmt.Errorf("notify: mark notice %d read: %w", noticeID, err)
	}
	if read != 0 {
		return nil
	}
	if _, err := tx.Exec(ctx, "UPDATE notifications SET read_at = ? WHERE id = ?", store.Millis(tx.Now), noticeID); err != nil {
		return fmt.Errorf("notify: mark notice %d read: %w", noticeID, err)
	}
	return nil
}

// MarkAllRead marks every unread notice of the account read.
func MarkAllRead(ctx context.Context, tx *store.Tx, accountID int64) error {
	_, err := tx.Exec(ctx, "UPDATE notifications SET read_at = ? WHERE account_id = ? AND read_at = 0",
		store.Millis(tx.Now), accountID)
	if err != nil {
		return fmt.Errorf("notify: mark all read for account %d: %w", accountID, err)
	}
	return nil
}
