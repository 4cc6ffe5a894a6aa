package notify_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/itoir/miz/internal/fixtures"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/notify"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

func TestInAppNoticesListNewestFirstAndMarkRead(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		clk := newClock(db)
		b := fixtures.New(t, db, nil)
		alice := b.Account(identity.NewAccount{Username: "alice", Kind: identity.KindPerson}).ID
		bob := b.Account(identity.NewAccount{Username: "bob", Kind: identity.KindPerson}).ID
		for _, title := range []string{"درخواست ثبت شد", "نقص مدارک"} {
			err := db.Update(ctx, func(tx *store.Tx) error {
				return notify.Notify(ctx, tx, alice, notify.InApp{TitleFa: title, TitleEn: "Notice", Link: "/cases/1405-000123"})
			})
			if err != nil {
				t.Fatal(err)
			}
			clk.Add(time.Minute)
		}
		list, err := notify.List(ctx, db, alice, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 2 || list[0].TitleFa != "نقص مدارک" || !list[0].Unread() || list[1].CreatedAt.After(list[0].CreatedAt) {
			t.Fatalf("list %+v", list)
		}
		if n, err := notify.UnreadCount(ctx, db, alice); err != nil || n != 2 {
			t.Fatalf("unread %d (%v)", n, err)
		}
		// Bob cannot mark Alice's notice.
		err = db.Update(ctx, func(tx *store.Tx) error { return notify.MarkRead(ctx, tx, bob, list[0].ID) })
		if !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("bob marking alice's notice: %v", err)
		}
		for range 2 { // idempotent
			err = db.Update(ctx, func(tx *store.Tx) error { return notify.MarkRead(ctx, tx, alice, list[0].ID) })
			if err != nil {
				t.Fatal(err)
			}
		}
		if n, _ := notify.UnreadCount(ctx, db, alice); n != 1 {
			t.Fatalf("unread after MarkRead %d", n)
		}
		list, _ = notify.List(ctx, db, alice, 1)
		if len(list) != 1 || !list[0].ReadAt.Equal(clk.Now()) {
			t.Fatalf("limited list %+v", list)
		}
		err = db.Update(ctx, func(tx *store.Tx) error { return notify.MarkAllRead(ctx, tx, alice) })
		if n, _ := notify.UnreadCount(ctx, db, alice); err != nil || n != 0 {
			t.Fatalf("unread after MarkAllRead %d (%v)", n, err)
		}
		err = db.Update(ctx, func(tx *store.Tx) error { return notify.Notify(ctx, tx, alice, notify.InApp{TitleEn: "only English"}) })
		if err == nil {
			t.Fatal("notice without a Persian title accepted")
		}
	})
}
