package web

import (
	"github.com/itoir/miz/internal/cases"
	"github.com/itoir/miz/internal/i18n"
)

// stepWords says the current step's target in plain words (issue 14), e.g.
// "«گزارش‌شده»: ۷ دقیقه باقی مانده" or "… ۳ دقیقه از مهلت گذشته"; empty when the
// state has no target of its own.
func stepWords(lang i18n.Lang, t *cases.StepTarget) string {
	if t == nil {
		return ""
	}
	var s string
	switch {
	case t.RemainingSeconds <= 0:
		s = i18n.T(lang, "steps.overdue", durationWords(lang, t.OverdueDays, t.OverdueHours, t.OverdueMinutes))
	case t.Business:
		s = i18n.T(lang, "steps.left_business", durationWords(lang, t.RemainingDays, t.RemainingHours, t.RemainingMinutes))
	default:
		s = i18n.T(lang, "steps.left", durationWords(lang, t.RemainingDays, t.RemainingHours, t.RemainingMinutes))
	}
	return i18n.T(lang, "steps.target.of", t.Name.In(string(lang)), s)
}
