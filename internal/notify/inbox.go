package notify

import (
	"context"
	"fmt"

	"github.com/itoir/miz/internal/store"
)

// Inbox is a person's in-app notices (issue 14): the list, the unread count for the
// header's badge, and marking read. Each method owns its transaction; the caller
// passes the signed-in account, so nobody reads or marks another's notices.
type Inbox struct {
	DB *store.DB
}

// List returns the account's notices, unread first, newest first within each.
func (b *Inbox) List(ctx context.Context, accountID int64, limit int) ([]Notice, error) {
	return listNotices(ctx, b.DB, accountID, limit, "CASE WHEN read_at = 0 THEN 0 ELSE 1 END, id DESC")
}

// Unread counts the account's unread notices with one indexed query.
func (b *Inbox) Unread(ctx context.Context, accountID int64) (int, error) {
	return UnreadCount(ctx, b.DB, accountID)
}

// MarkRead marks one of the account's notices read; another account's notice is
// not found.
func (b *Inbox) MarkRead(ctx context.Context, accountID, noticeID int64) error {
	return b.DB.Update(ctx, func(tx *store.Tx) error { return MarkRead(ctx, tx, accountID, noticeID) })
}

// MarkAllRead marks every unread notice of the account read.
func (b *Inbox) MarkAllRead(ctx context.Context, accountID int64) error {
	if err := b.DB.Update(ctx, func(tx *store.Tx) error { return MarkAllRead(ctx, tx, accountID) }); err != nil {
		return fmt.Errorf("notify: inbox: %w", err)
	}
	return nil
}
