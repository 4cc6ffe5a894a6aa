package feed_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/itoir/miz/internal/cert/constituent"
	"github.com/itoir/miz/internal/cert/feed"
	"github.com/itoir/miz/internal/fixtures"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/jobs"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

// TestUploadAndWatchedDirectoryImportThroughJobs_M43: an upload waits on disk for
// the import job; a file dropped in the watched directory is imported and moved.
func TestUploadAndWatchedDirectoryImportThroughJobs_M43(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		clock := storetest.NewClock(time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC))
		fx := fixtures.New(t, db, clock)
		staff := fx.Staff("analyst", map[string][]identity.Role{"cert": {identity.Analyst}})
		bank := fx.OrgApplicant("bank", "legal")
		cons := &constituent.Service{DB: db, Now: clock.Now}
		id, err := cons.ClaimAsset(ctx, bank, constituent.Claim{Kind: "asn", Value: "AS64500"})
		if err != nil {
			t.Fatal(err)
		}
		if err := cons.Decide(ctx, staff, id, true, ""); err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		s := &feed.Service{DB: db, Now: clock.Now, Incoming: filepath.Join(dir, "incoming"), Watch: filepath.Join(dir, "watch")}
		if _, err := s.Upload(ctx, bank, strings.NewReader("asn\n64500\n"), "x.csv", ""); problem.As(err).Code != problem.Forbidden {
			t.Fatalf("a constituent uploaded a feed: %v", err)
		}
		imp, err := s.Upload(ctx, staff, strings.NewReader("asn,tag\n64500,botnet\nbad,botnet\n"), "drone.csv", "")
		if err != nil {
			t.Fatal(err)
		}
		if got, _ := s.Get(ctx, staff, imp); got.Status != "queued" || got.Name != "drone" {
			t.Fatalf("queued import = %+v", got)
		}
		r := jobs.NewRunner(db, nil, jobs.Options{Now: clock.Now})
		r.Handle(feed.ImportJob, s.RunQueued)
		r.Handle(feed.WatchJob, s.RunWatch)
		if _, err := r.RunDue(ctx); err != nil {
			t.Fatal(err)
		}
		got, _ := s.Get(ctx, staff, imp)
		if got.Status != "done" || got.Rows != 2 || got.Bad != 1 || got.BadRows[0].Line != 3 || got.WarningsNew != 1 || got.Percent() != 100 {
			t.Fatalf("uploaded import = %+v", got)
		}
		if left, _ := os.ReadDir(s.Incoming); len(left) != 0 {
			t.Fatalf("upload left on disk: %v", left)
		}
		if err := os.MkdirAll(s.Watch, 0o700); err != nil {
			t.Fatal(err)
		}
		_ = os.WriteFile(filepath.Join(s.Watch, "sinkhole.json"), []byte(`{"source.asn":64500,"classification.taxonomy":"malicious-code","classification.type":"infected-system"}`+"\n"), 0o600)
		_ = os.WriteFile(filepath.Join(s.Watch, "later.csv.part"), []byte("asn\n1\n"), 0o600)
		if err := s.RunWatch(ctx, jobs.Job{}); err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(filepath.Join(s.Watch, "done", "sinkhole.json")); err != nil {
			t.Fatalf("watched file not moved to done: %v", err)
		}
		if _, err := os.Stat(filepath.Join(s.Watch, "later.csv.part")); err != nil {
			t.Fatalf("a file still being written was touched: %v", err)
		}
		list, _ := s.List(ctx, staff, 10)
		if len(list) != 2 || list[0].Source != feed.SourceWatch || list[0].WarningsNew != 1 {
			t.Fatalf("imports = %+v", list)
		}
	})
}
