package billing

import (
	"context"
	"os"
	"testing"

	"github.com/itoir/miz/internal/cases"
	"github.com/itoir/miz/internal/catalog"
	"github.com/itoir/miz/internal/fixtures"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

// BenchmarkIssue measures issuing one invoice (tariff lookup, payer, the year's
// counter row, the row and its audit entry), one issuer at a time and with parallel
// issuers that queue on the counter row, on SQLite and on PostgreSQL.
func BenchmarkIssue(b *testing.B) {
	svcs, err := catalog.Defaults()
	if err != nil {
		b.Fatal(err)
	}
	open := map[string]func(testing.TB) *store.DB{"sqlite": storetest.OpenSQLite}
	if os.Getenv(storetest.PostgresURLEnv) != "" {
		open["postgres"] = storetest.OpenPostgres
	}
	for _, backend := range []string{"sqlite", "postgres"} {
		if open[backend] == nil {
			continue
		}
		for _, parallel := range []bool{false, true} {
			name := backend + "/serial"
			if parallel {
				name = backend + "/parallel"
			}
			b.Run(name, func(b *testing.B) {
				db := open[backend](b)
				s := &Service{DB: db, Catalog: Catalog(cases.StaticCatalog(svcs))}
				payer := fixtures.New(b, db, nil).Applicant("payer").ID
				item := Item{Service: "cert", TariffItem: "whitehat_entry", PayerAccountID: payer}
				ctx := context.Background()
				b.ResetTimer()
				if !parallel {
					for b.Loop() {
						if _, err := s.Issue(ctx, item); err != nil {
							b.Fatal(err)
						}
					}
					return
				}
				b.SetParallelism(4)
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						if _, err := s.Issue(ctx, item); err != nil {
							b.Error(err)
							return
						}
					}
				})
			})
		}
	}
}
