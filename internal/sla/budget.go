package sla

import (
	"fmt"
	"time"
)

// Unit is the unit a budget is published in (SLA-CLOCK rule 4); its values
// are the words catalog entries use.
type Unit string

// The units a budget may use. Business units accrue only inside working
// hours; Hours and Minutes are calendar time for 24×7 services and steps
// such as incident response.
const (
	BusinessDays  Unit = "business_days"  // days of the calendar's standard length
	BusinessHours Unit = "business_hours" // hours inside working hours
	Hours         Unit = "hours"          // calendar hours, 24×7
	Minutes       Unit = "minutes"        // calendar minutes, 24×7
)

// IsBusiness reports whether time in this unit accrues only in working hours.
func (u Unit) IsBusiness() bool { return u == BusinessDays || u == BusinessHours }

// Valid reports whether u is one of the known units.
func (u Unit) Valid() bool { return u.IsBusiness() || u == Hours || u == Minutes }

// Budget is a published delivery time, such as 10 business days or 4 hours.
type Budget struct {
	Amount int  // how many units, positive
	Unit   Unit // what they are
}

// Validate reports whether the budget has a known unit and a positive amount.
func (b Budget) Validate() error {
	if !b.Unit.Valid() {
		return fmt.Errorf("sla: budget unit %q is not one of business_days, business_hours, hours, minutes", b.Unit)
	}
	if b.Amount <= 0 {
		return fmt.Errorf("sla: budget amount %d is not positive", b.Amount)
	}
	return nil
}

// Seconds returns the budget in seconds of counted time; a business day is
// business's standard day length (SLA C-4.1, SLA-CLOCK rule 4). An invalid
// budget is zero seconds.
func (b Budget) Seconds(business *Calendar) int64 {
	n := int64(b.Amount)
	switch b.Unit {
	case BusinessDays:
		return n * business.daySec
	case BusinessHours, Hours:
		return n * int64(time.Hour/time.Second)
	case Minutes:
		return n * int64(time.Minute/time.Second)
	}
	return 0
}

// Calendar returns the calendar the budget is counted on: business itself for
// business units, AlwaysOpen for calendar hours and minutes.
func (b Budget) Calendar(business *Calendar) *Calendar {
	if b.Unit.IsBusiness() {
		return business
	}
	return AlwaysOpen()
}

// Deadline returns the instant at which the budget is used up for a case that
// stays with the Organization from start on (SLA-CLOCK rule 7).
func Deadline(start time.Time, b Budget, business *Calendar) time.Time {
	return b.Calendar(business).AddWorking(start, b.Seconds(business))
}
