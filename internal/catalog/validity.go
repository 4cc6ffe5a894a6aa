package catalog

import "time"

// ValidityNotice says where a day stands in an SLA's period of validity (§8), for the
// public pages: a published agreement whose period has ended must say so honestly
// and that its renewal is pending, while the service itself goes on (issue 14).
type ValidityNotice struct {
	// Ended is true once the last day of the period has passed.
	Ended bool
	// Soon is true within ValiditySoon days of the end (and not yet ended).
	Soon bool
	// DaysLeft counts the days from today to the last day, inclusive of neither.
	DaysLeft int
	// To is the last day of the period.
	To Date
}

// ValiditySoon is how many days before its end an SLA's validity is announced as
// ending, and editors are reminded to renew it.
const ValiditySoon = 60

// ValidityOn returns the notice for the service's agreement on the day of now in
// loc (Tehran for the desk). A service without a period has no notice.
func (s *Service) ValidityOn(now time.Time, loc *time.Location) ValidityNotice {
	to := s.Validity.To
	if to.IsZero() {
		return ValidityNotice{}
	}
	y, m, d := now.In(loc).Date()
	today := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	left := int(to.In(time.UTC).Sub(today).Hours() / 24)
	return ValidityNotice{Ended: left < 0, Soon: left >= 0 && left <= ValiditySoon, DaysLeft: left, To: to}
}
