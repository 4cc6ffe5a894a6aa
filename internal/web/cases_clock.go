package web

import (
	"strings"

	"github.com/itoir/miz/internal/cases"
	"github.com/itoir/miz/internal/i18n"
)

// clockWords says a case's clock in plain words, e.g. "۳ روز و ۲ ساعت کاری باقی
// مانده" (SLA-CLOCK rule 9): remaining business time, a pause and its reason, an
// overrun, or that the clock has not started or has stopped.
func clockWords(lang i18n.Lang, c cases.Clock) string {
	switch {
	case !c.Started:
		return i18n.T(lang, "cases.clock.not_started")
	case c.Stopped:
		return i18n.T(lang, "cases.clock.stopped")
	case c.RemainingSeconds < 0:
		d, h, m := c.Status.OverdueParts(nil)
		if !c.Business {
			d, h = 0, h+24*d
		}
		return i18n.T(lang, "cases.clock.overdue", durationWords(lang, d, h, m))
	}
	days, hours := c.RemainingDays, c.RemainingHours
	if !c.Business {
		// A clock in calendar hours (CERT's 24-hour response) reads in hours and
		// minutes, "۲۳ ساعت و ۵۹ دقیقه", never as "۱ روز" (issue 13).
		days, hours = 0, hours+24*days
	}
	left := durationWords(lang, days, hours, c.RemainingMinutes)
	key := "cases.clock.remaining"
	if c.Business {
		key = "cases.clock.remaining_business"
	}
	s := i18n.T(lang, key, left)
	if c.Paused {
		s = i18n.T(lang, "cases.clock.paused", i18n.T(lang, "cases.pause."+c.PauseReason), s)
	}
	return s
}

// durationWords joins the non-zero parts: "۳ روز و ۲ ساعت", "3 days and 2 hours".
func durationWords(lang i18n.Lang, days, hours, minutes int) string {
	var parts []string
	for _, p := range []struct {
		n   int
		key string
	}{{days, "cases.unit.day"}, {hours, "cases.unit.hour"}, {minutes, "cases.unit.minute"}} {
		if p.n == 0 {
			continue
		}
		key := p.key
		if lang == i18n.En && p.n != 1 {
			key += "s"
		}
		parts = append(parts, i18n.T(lang, key, p.n))
	}
	if len(parts) == 0 {
		return i18n.T(lang, "cases.unit.minute", 0)
	}
	sep := i18n.T(lang, "cases.unit.and")
	if len(parts) == 1 {
		return parts[0]
	}
	return strings.Join(parts[:len(parts)-1], ", ") + sep + parts[len(parts)-1]
}
