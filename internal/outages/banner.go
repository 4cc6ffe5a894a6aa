package outages

import (
	"context"
	"strings"

	"github.com/itoir/miz/internal/i18n"
	"github.com/itoir/miz/internal/store"
)

// Banner returns the notice every page shows (SLA C-4.4): the notice of each outage
// under way, and a warning of planned maintenance starting within AnnounceAhead.
// It returns "" when all is well, and also when the database cannot answer, so a
// page never fails because of its banner. Its signature is web.Server.Banner's.
func (s *Service) Banner(ctx context.Context, lang i18n.Lang) string {
	now := s.now()
	var list []Outage
	err := s.DB.View(ctx, func(tx *store.Tx) error {
		var err error
		list, err = overlapping(ctx, tx, now, now.Add(AnnounceAhead))
		return err
	})
	if err != nil {
		return ""
	}
	en := lang == i18n.En
	var parts []string
	for _, o := range list {
		switch {
		case o.ActiveAt(now):
			parts = append(parts, o.Notice(en))
		case o.Kind == Planned && o.Upcoming(now):
			when := timeFa(o.Start)
			if en {
				when = timeEn(o.Start)
			}
			parts = append(parts, i18n.T(lang, "outages.banner.planned", when, o.Notice(en)))
		}
	}
	return strings.Join(parts, " — ")
}
