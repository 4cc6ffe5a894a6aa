package catalogdb_test

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/itoir/miz/internal/catalog"
	"github.com/itoir/miz/internal/catalog/catalogdb"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

// TestSeedAndListParseEachTextOnce_Issue18: a first start parses each default file
// once (the parse Seed stored is the one List returns), a restart parses only the
// versions in force, never the default files it finds stored already; and what the
// first start cached is exactly what a fresh store parses from the database.
func TestSeedAndListParseEachTextOnce_Issue18(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		srcs, err := catalog.DefaultSources()
		if err != nil {
			t.Fatal(err)
		}
		start := func() (*catalogdb.Store, []*catalog.Service) {
			st := catalogdb.New(db)
			if err := st.Seed(ctx, srcs); err != nil {
				t.Fatal(err)
			}
			svcs, err := st.List(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return st, svcs
		}
		first, seeded := start()
		if n := catalogdb.Parses(first); n != int64(len(srcs)) {
			t.Errorf("first start parsed %d files, want %d (each default once)", n, len(srcs))
		}
		again, listed := start()
		if n := catalogdb.Parses(again); n != int64(len(srcs)) {
			t.Errorf("restart parsed %d files, want %d (the versions in force, not the stored defaults again)", n, len(srcs))
		}
		if len(seeded) != 2 || !reflect.DeepEqual(seeded, listed) {
			t.Errorf("services cached by Seed differ from those parsed from the database:\n%+v\n%+v", seeded, listed)
		}
		if _, err := again.List(ctx); err != nil || catalogdb.Parses(again) != int64(len(srcs)) {
			t.Errorf("a second List parsed again (%d parses, %v)", catalogdb.Parses(again), err)
		}

		// A default file that changed in a new release is still parsed (and must
		// parse) but stores nothing over the service's existing versions.
		changed := []catalog.Source{{Name: srcs[0].Name, Data: append(append([]byte(nil), srcs[0].Data...), "\n# changed\n"...)}}
		st := catalogdb.New(db)
		if err := st.Seed(ctx, changed); err != nil {
			t.Fatal(err)
		}
		if n := catalogdb.Parses(st); n != 1 {
			t.Errorf("changed default parsed %d times, want 1", n)
		}
		if h, err := st.History(ctx, "certify"); err != nil || len(h) != 1 {
			t.Errorf("History after a changed default = %d versions, %v; want the one seeded", len(h), err)
		}
		// A new service beside the stored ones: only it is parsed and stored.
		other := strings.Replace(string(srcs[0].Data), "\nid: certify\n", "\nid: certify-two\n", 1)
		st = catalogdb.New(db)
		if err := st.Seed(ctx, append([]catalog.Source{{Name: "certify-two.yaml", Data: []byte(other)}}, srcs...)); err != nil {
			t.Fatal(err)
		}
		if n := catalogdb.Parses(st); n != 1 {
			t.Errorf("seeding one new service beside two stored ones parsed %d files, want 1", n)
		}
		svcs, err := st.List(ctx)
		if err != nil || len(svcs) != 3 || svcs[2].ID != "certify-two" {
			t.Fatalf("List after a new default = %v, %v; want certify, cert, certify-two", svcs, err)
		}
		if n := catalogdb.Parses(st); n != 3 {
			t.Errorf("List parsed %d files in all, want 3 (the new one from Seed, the two stored once)", n)
		}

		broken := []catalog.Source{{Name: "broken.yaml", Data: []byte("id: [")}}
		if err := st.Seed(ctx, broken); err == nil {
			t.Error("a default that does not parse was accepted")
		}
	})
}
