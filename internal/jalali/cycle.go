package jalali

// cycleBreaks lists the Jalali years at which the 33-year pattern of leap
// years restarts. Between two breaks the leap years repeat every 33 years with
// 8 leap years per cycle; at a break the pattern shifts so that 1 Farvardin
// keeps falling on the day of the vernal equinox. The years come from
// Kazimierz M. Borkowski, "The Persian calendar for 3000 years" (1996), and
// cover -61 to 3177 AP. It returns an array by value so that no package-level
// table can be modified.
func cycleBreaks() [20]int {
	return [20]int{
		-61, 9, 38, 199, 426, 686, 756, 818, 1111, 1181,
		1210, 1635, 2060, 2097, 2192, 2262, 2324, 2394, 2456, 3178,
	}
}

// startOfYear is when a Jalali year begins and whether it is a leap year.
type startOfYear struct {
	day  int  // day number (days since 1970-01-01) of 1 Farvardin
	leap bool // the year has 366 days
}

// yearStart computes 1 Farvardin of the Jalali year jy, MinYear ≤ jy ≤ MaxYear.
func yearStart(jy int) startOfYear {
	breaks := cycleBreaks()

	// Count the Jalali leap years since the first break, segment by segment.
	// leaps starts at -14 so that the count, set against the Gregorian leap
	// days below, yields the March day of 1 Farvardin directly.
	leaps := -14
	last := breaks[0] // the last break at or before jy
	span := 0         // the length of the segment that holds jy
	for _, next := range breaks[1:] {
		span = next - last
		if jy < next {
			break
		}
		// A whole segment: 8 leap years per full cycle, then one every four
		// years in the partial cycle, whose final leap year (when the
		// segment ends 29 years into a cycle) moves to the next segment.
		leaps += span/33*8 + span%33/4
		last = next
	}
	n := jy - last // years into the segment
	// Leap years in the n years before jy: positions 0, 4, …, 28 of each cycle.
	leaps += n/33*8 + (n%33+3)/4
	if span%33 == 4 && span-n == 4 {
		// In a segment that ends 4 years into a cycle, the leap year at
		// position 0 of that last cycle moves one year earlier.
		leaps++
	}

	gy := jy + 621
	// Gregorian leap days up to gy, offset to match leaps above.
	gregorianLeaps := gy/4 - (gy/100+1)*3/4 - 150
	march := 20 + leaps - gregorianLeaps

	// In the last five years of a segment the pattern is taken from the
	// cycle aligned on the next break.
	if span-n < 6 {
		n = n - span + (span+4)/33*33
	}
	pos := floorMod(n+1, 33) - 1 // position in the cycle, -1 for the 33rd year
	return startOfYear{
		day:  gregorianDayNumber(gy, 3, march),
		leap: pos >= 0 && pos%4 == 0,
	}
}
