package store_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

func TestBreakingMarkerIsReadFromTheHeaderOnly(t *testing.T) {
	for text, want := range map[string]bool{
		"-- miz:breaking\nALTER TABLE t DROP COLUMN c;":                           true,
		"-- drop the old column (issue 19)\n\n  -- miz:breaking  \nDROP TABLE t;": true,
		"ALTER TABLE t ADD COLUMN c TEXT;\n-- miz:breaking\n":                     false,
		"-- miz:breaking-ish\nDROP TABLE t;":                                      false,
		"CREATE TABLE t (a INTEGER);":                                             false,
	} {
		if got := store.IsBreaking(text); got != want {
			t.Errorf("IsBreaking(%q) = %v, want %v", text, got, want)
		}
	}
}

// Issue 19, rolling upgrade: a running older instance stays ready on a schema that a
// newer binary extended with additive migrations, turns unready once a migration
// marked breaking is applied, and a start (Migrate) is refused in both cases.
func TestOlderInstanceServesOnAdditiveSchemaNotOnBreaking_Issue19(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if newer, err := db.CheckServing(ctx); err != nil || newer != 0 {
			t.Fatalf("at the binary's own version: newer %d, %v", newer, err)
		}
		ms, err := store.Migrations(db.Dialect)
		if err != nil {
			t.Fatal(err)
		}
		next := db.LatestVersion() + 1000
		additive := set(t, db.Dialect, fmt.Sprintf("%04d_probe_add.sql", next),
			"-- additive: a new table and a nullable column\nCREATE TABLE upgrade_probe (id INTEGER PRIMARY KEY);\nALTER TABLE kv ADD COLUMN probe TEXT;")
		if err := db.MigrateSet(ctx, append(append([]store.Migration{}, ms...), additive...)); err != nil {
			t.Fatal(err)
		}
		if err := db.CheckSchema(ctx); err == nil {
			t.Fatal("CheckSchema passes on a newer schema")
		}
		if newer, err := db.CheckServing(ctx); err != nil || newer != next {
			t.Fatalf("additive newer schema: newer %d, %v; want ready at %d", newer, err, next)
		}
		if err := db.Migrate(ctx, nil); err == nil || !strings.Contains(err.Error(), "refusing to start") {
			t.Fatalf("start on the newer schema: %v", err)
		}
		breaking := set(t, db.Dialect, fmt.Sprintf("%04d_probe_drop.sql", next+1),
			"-- the old column goes, a release after the code stopped using it\n-- miz:breaking\nDROP TABLE upgrade_probe;")
		if err := db.MigrateSet(ctx, append(append(append([]store.Migration{}, ms...), additive...), breaking...)); err != nil {
			t.Fatal(err)
		}
		_, err = db.CheckServing(ctx)
		if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("%04d_probe_drop.sql", next+1)) || !strings.Contains(err.Error(), "breaking") {
			t.Fatalf("after a breaking migration: %v, want unready naming it", err)
		}
	})
}
