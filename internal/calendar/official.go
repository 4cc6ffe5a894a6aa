package calendar

import (
	"bytes"
	"context"
	"embed"
	"fmt"
	"io/fs"
	"strings"

	"github.com/itoir/miz/internal/sla"
	"github.com/itoir/miz/internal/store"
)

// official holds the national holidays of the years Miz ships, one file a year
// (official-1405.csv, …), in the import format.
//
//go:embed official-*.csv
var official embed.FS

// SeedOfficialHolidays stores the shipped official holidays of each year that has no
// nationwide holiday yet, as the system, so that deadlines are right from the first
// start of a demo (issue 13); a year an administrator has already entered is left as
// it is. It returns how many holidays it stored.
func (s *Service) SeedOfficialHolidays(ctx context.Context) (int, error) {
	files, err := fs.Glob(official, "official-*.csv")
	if err != nil {
		return 0, err
	}
	n := 0
	for _, name := range files {
		data, err := official.ReadFile(name)
		if err != nil {
			return n, err
		}
		hs, err := sla.ParseHolidays(bytes.NewReader(data), JalaliToGregorian)
		if err != nil {
			return n, fmt.Errorf("calendar: %s: %w", name, err)
		}
		if len(hs) == 0 {
			continue
		}
		year := strings.TrimSuffix(strings.TrimPrefix(name, "official-"), ".csv")
		first, last := hs[0].Date.String(), hs[len(hs)-1].Date.String()
		var have int
		err = s.DB.View(ctx, func(tx *store.Tx) error {
			return tx.QueryRow(ctx, `SELECT COUNT(*) FROM holidays WHERE province = '' AND day >= ? AND day <= ?`, first, last).Scan(&have)
		})
		if err != nil {
			return n, fmt.Errorf("calendar: official holidays of %s: %w", year, err)
		}
		if have > 0 {
			continue
		}
		ids, err := s.addHolidays(ctx, "system", hs, "official holidays of "+year+" loaded")
		if err != nil {
			return n, err
		}
		n += len(ids)
	}
	return n, nil
}
