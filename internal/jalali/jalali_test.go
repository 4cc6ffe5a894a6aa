package jalali

import (
	"fmt"
	"testing"
	"time"
)

func TestNowruzAnchors(t *testing.T) {
	tests := []struct {
		year int
		greg string // 1 Farvardin of year
	}{
		{1, "0622-03-22"}, // 19 March 622 in the Julian calendar
		{1300, "1921-03-21"},
		{1354, "1975-03-21"},
		{1357, "1978-03-21"},
		{1375, "1996-03-20"},
		{1396, "2017-03-21"},
		{1399, "2020-03-20"},
		{1400, "2021-03-21"},
		{1403, "2024-03-20"},
		{1404, "2025-03-21"},
		{1405, "2026-03-21"},
		{1408, "2029-03-20"}, // equinox 11:31 Tehran time, before noon
		{1409, "2030-03-21"}, // equinox 17:21 Tehran time, after noon
	}
	for _, tt := range tests {
		d := Date{tt.year, 1, 1}
		if got := gregorianString(d); got != tt.greg {
			t.Errorf("%v.Gregorian() = %s, want %s", d, got, tt.greg)
		}
		var y, m, day int
		fmt.Sscanf(tt.greg, "%d-%d-%d", &y, &m, &day)
		if got := FromGregorian(y, m, day); got != d {
			t.Errorf("FromGregorian(%s) = %v, want %v", tt.greg, got, d)
		}
	}
}

func TestKnownDates(t *testing.T) {
	tests := []struct {
		d    Date
		greg string
	}{
		{Date{1405, 9, 2}, "2026-11-23"},
		{Date{1357, 11, 22}, "1979-02-11"}, // Revolution Day
		{Date{1403, 9, 30}, "2024-12-20"},  // Yalda
		{Date{1402, 9, 30}, "2023-12-21"},
		{Date{1403, 12, 30}, "2025-03-20"}, // last day of a leap year
		{Date{1404, 12, 29}, "2026-03-20"},
		{Date{1399, 12, 30}, "2021-03-20"},
		{Date{1348, 10, 11}, "1970-01-01"},
	}
	for _, tt := range tests {
		if got := gregorianString(tt.d); got != tt.greg {
			t.Errorf("%v.Gregorian() = %s, want %s", tt.d, got, tt.greg)
		}
	}
}

func TestLeapYears1370To1410(t *testing.T) {
	leap := map[int]bool{1370: true, 1375: true, 1379: true, 1383: true, 1387: true,
		1391: true, 1395: true, 1399: true, 1403: true, 1408: true}
	for y := 1370; y <= 1410; y++ {
		if IsLeap(y) != leap[y] {
			t.Errorf("IsLeap(%d) = %v, want %v", y, IsLeap(y), leap[y])
		}
	}
	if IsLeap(0) || IsLeap(MaxYear+1) {
		t.Error("years outside the range are leap")
	}
}

// TestYearLengthsAgree checks, for every supported year, that the leap flag
// matches the distance between one Nowruz and the next, and that Nowruz
// stays on 19, 20, 21 or 22 March.
func TestYearLengthsAgree(t *testing.T) {
	for y := MinYear; y < MaxYear; y++ {
		length := yearStart(y+1).day - yearStart(y).day
		if want := 365 + b2i(IsLeap(y)); length != want {
			t.Fatalf("year %d has %d days, IsLeap says %d", y, length, want)
		}
	}
	for y := MinYear; y <= MaxYear; y++ {
		gy, gm, gd := Date{y, 1, 1}.Gregorian()
		if gy != y+621 || gm != 3 || gd < 19 || gd > 22 {
			t.Fatalf("1 Farvardin %d is %d-%02d-%02d", y, gy, gm, gd)
		}
	}
}

func TestRoundTrip1200To1600(t *testing.T) {
	first := Date{1200, 1, 1}
	prev := first.dayNumber() - 1
	days := 0
	for y := 1200; y <= 1600; y++ {
		for m := 1; m <= 12; m++ {
			for d := 1; d <= MonthLength(y, m); d++ {
				jd := Date{y, m, d}
				gy, gm, gd := jd.Gregorian()
				n := gregorianDayNumber(gy, gm, gd)
				if n != prev+1 {
					t.Fatalf("%v is day %d, previous day was %d", jd, n, prev)
				}
				if back := FromGregorian(gy, gm, gd); back != jd {
					t.Fatalf("%v -> %d-%d-%d -> %v", jd, gy, gm, gd, back)
				}
				prev = n
				days++
			}
		}
	}
	// 401 years of 365 days plus the leap days.
	leaps := 0
	for y := 1200; y <= 1600; y++ {
		leaps += b2i(IsLeap(y))
	}
	if days != 401*365+leaps {
		t.Errorf("visited %d days", days)
	}
}

func TestValid(t *testing.T) {
	tests := []struct {
		d    Date
		want bool
	}{
		{Date{1405, 9, 2}, true},
		{Date{1403, 12, 30}, true},
		{Date{1404, 12, 30}, false},
		{Date{1404, 7, 31}, false},
		{Date{1404, 6, 31}, true},
		{Date{1404, 13, 1}, false},
		{Date{1404, 0, 1}, false},
		{Date{1404, 1, 0}, false},
		{Date{}, false},
		{Date{MaxYear + 1, 1, 1}, false},
	}
	for _, tt := range tests {
		if got := tt.d.Valid(); got != tt.want {
			t.Errorf("%v.Valid() = %v", tt.d, got)
		}
	}
	if MonthLength(1404, 13) != 0 {
		t.Error("MonthLength of month 13 is not 0")
	}
}

func TestOutOfRange(t *testing.T) {
	if d := FromGregorian(622, 3, 21); d != (Date{}) {
		t.Errorf("day before 1 AP = %v", d)
	}
	last := Date{MaxYear, 12, MonthLength(MaxYear, 12)}
	gy, gm, gd := last.Gregorian()
	if d := FromGregorian(gy, gm, gd); d != last {
		t.Errorf("last day = %v", d)
	}
	if d := FromGregorian(gy, gm, gd+1); d != (Date{}) {
		t.Errorf("day after the last = %v", d)
	}
	if d := last.AddDays(1); d != (Date{}) {
		t.Errorf("AddDays past the end = %v", d)
	}
	if y, m, d := (Date{MaxYear + 1, 1, 1}).Gregorian(); y != 0 || m != 0 || d != 0 {
		t.Errorf("Gregorian out of range = %d-%d-%d", y, m, d)
	}
	if !(Date{0, 1, 1}).Time(nil).IsZero() {
		t.Error("Time of year 0 is not zero")
	}
}

func TestAddDaysWeekdayCompare(t *testing.T) {
	d := Date{1403, 12, 29}
	if got := d.AddDays(1); got != (Date{1403, 12, 30}) {
		t.Errorf("AddDays(1) = %v", got)
	}
	if got := d.AddDays(2); got != (Date{1404, 1, 1}) {
		t.Errorf("AddDays(2) = %v", got)
	}
	if got := (Date{1404, 1, 1}).AddDays(-366); got != (Date{1403, 1, 1}) {
		t.Errorf("AddDays(-366) = %v", got)
	}
	// 2026-11-23 is a Monday.
	if got := (Date{1405, 9, 2}).Weekday(); got != time.Monday {
		t.Errorf("Weekday = %v", got)
	}
	if got := (Date{1348, 10, 10}).Weekday(); got != time.Wednesday {
		t.Errorf("Weekday of 1969-12-31 = %v", got)
	}
	a, b := Date{1405, 9, 2}, Date{1405, 10, 1}
	if a.Compare(b) != -1 || b.Compare(a) != 1 || a.Compare(a) != 0 {
		t.Error("Compare is wrong")
	}
	if (Date{1404, 12, 29}).Compare(Date{1405, 1, 1}) != -1 {
		t.Error("Compare across years is wrong")
	}
}

func gregorianString(d Date) string {
	y, m, day := d.Gregorian()
	return fmt.Sprintf("%04d-%02d-%02d", y, m, day)
}
