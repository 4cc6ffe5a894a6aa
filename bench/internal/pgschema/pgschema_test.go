package pgschema

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"testing"
)

func TestFreshSchemaIsSelectedAndDropped(t *testing.T) {
	base := os.Getenv("MIZ_TEST_POSTGRES_URL")
	if base == "" {
		t.Skip("MIZ_TEST_POSTGRES_URL is not set: this helper only works on PostgreSQL")
	}
	ctx := context.Background()
	name := fmt.Sprintf("pgschema_test_%d", os.Getpid())
	u, drop, err := Fresh(ctx, base, name)
	if err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("pgx", u)
	if err != nil {
		drop()
		t.Fatal(err)
	}
	defer db.Close()
	var current string
	if err := db.QueryRowContext(ctx, "SELECT current_schema()").Scan(&current); err != nil || current != name {
		drop()
		t.Fatalf("current_schema = %q, %v; want %q", current, err, name)
	}
	if _, err := db.ExecContext(ctx, "CREATE TABLE t (x int)"); err != nil {
		drop()
		t.Fatal(err)
	}
	db.Close()
	drop()
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	var n int
	if err := admin.QueryRowContext(ctx, "SELECT count(*) FROM information_schema.schemata WHERE schema_name = $1", name).Scan(&n); err != nil || n != 0 {
		t.Fatalf("schema still there after drop: %d %v", n, err)
	}
}
