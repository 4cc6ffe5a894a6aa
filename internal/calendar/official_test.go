package calendar

import (
	"context"
	"slices"
	"testing"

	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

// TestOfficialHolidaysOf1405AreSeededOnce_13: the shipped 1405 file loads whole (26
// official holidays, Nowruz to the oil nationalisation day), as the system, once; a
// year an administrator already entered is not touched.
func TestOfficialHolidaysOf1405AreSeededOnce_13(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := &Service{DB: db}
		n, err := s.SeedOfficialHolidays(ctx)
		if err != nil || n != 26 {
			t.Fatalf("first seed: %d, %v; want 26", n, err)
		}
		var days []string
		err = db.View(ctx, func(tx *store.Tx) error {
			rows, err := tx.Query(ctx, `SELECT day FROM holidays ORDER BY day`)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				var d string
				if err := rows.Scan(&d); err != nil {
					return err
				}
				days = append(days, d)
			}
			return rows.Err()
		})
		if err != nil {
			t.Fatal(err)
		}
		// 1 Farvardin 1405 is 2026-03-21; 29 Esfand 1405 is 2027-03-20; Ashura 4 Tir is 2026-06-25.
		if len(days) != 26 || days[0] != "2026-03-21" || days[25] != "2027-03-20" || !slices.Contains(days, "2026-06-25") {
			t.Fatalf("stored days: %v", days)
		}
		if n, err := s.SeedOfficialHolidays(ctx); err != nil || n != 0 {
			t.Errorf("second seed: %d, %v; want nothing", n, err)
		}
		var actor string
		if err := db.View(ctx, func(tx *store.Tx) error {
			return tx.QueryRow(ctx, `SELECT actor FROM audit_log WHERE action = 'calendar.holiday_added' ORDER BY seq LIMIT 1`).Scan(&actor)
		}); err != nil || actor != "system" {
			t.Errorf("audited as %q, %v; want system", actor, err)
		}
	})
}
