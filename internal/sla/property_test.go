package sla

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/itoir/miz/internal/jalali"
)

// randomConfig draws a working week, two province weeks and holidays and
// closures around 2019–2023, a stretch that includes Tehran's last
// daylight-saving changes.
func randomConfig(r *rand.Rand) Config {
	week := func() Week {
		var w Week
		for d := range w {
			if r.IntN(4) == 0 {
				continue
			}
			m := r.IntN(600)
			for range 1 + r.IntN(3) {
				if m >= minutesPerDay-1 {
					break
				}
				end := min(minutesPerDay, m+1+r.IntN(300))
				w[d] = append(w[d], Span{Start: m, End: end})
				m = end + r.IntN(120)
			}
		}
		w[time.Saturday] = append(w[time.Saturday], hm(8, 0, 9, 0)) // never an empty week
		return w
	}
	cfg := Config{DayLength: 7 * time.Hour, Week: week(), Provinces: map[string]Week{"A": week()}}
	base := time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC)
	for range 40 {
		y, m, d := base.AddDate(0, 0, r.IntN(5*365)).Date()
		h := Holiday{Date: Date{y, m, d}, NameEn: "random"}
		if r.IntN(2) == 0 {
			s := r.IntN(minutesPerDay - 1)
			h.Closed = Span{Start: s, End: s + 1 + r.IntN(minutesPerDay-s)}
		}
		if r.IntN(3) == 0 {
			h.Province = []string{"A", "B"}[r.IntN(2)]
		}
		cfg.Holidays = append(cfg.Holidays, h)
	}
	return cfg
}

// randomInstant returns a whole-minute instant in 2019–2023.
func randomInstant(r *rand.Rand) time.Time {
	return time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(r.IntN(5*365*24*60)) * time.Minute)
}

func TestWorkingSecondsMatchesMinuteScan(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 60 {
		cfg := randomConfig(r)
		cal := mustNew(t, cfg)
		for _, province := range []string{"", "A", "B"} {
			c := cal.ForProvince(province)
			from := randomInstant(r)
			to := from.Add(time.Duration(r.IntN(6*24*60)) * time.Minute)
			if i%5 == 0 { // Tehran's daylight-saving changes at 00:00 on 22 March and 22 September
				from = time.Date(2021, []time.Month{3, 9}[r.IntN(2)], 18+r.IntN(3), r.IntN(24), 0, 0, 0, jalali.Tehran())
				to = from.Add(time.Duration(r.IntN(6*24*60)) * time.Minute)
			}
			got, want := c.WorkingSeconds(from, to), naiveWorkingSeconds(cfg, province, from, to)
			if got != want {
				t.Fatalf("config %d province %q: WorkingSeconds(%v, %v) = %d, minute scan %d", i, province, from, to, got, want)
			}
			s := 60 * (1 + r.Int64N(20*60))
			if got, want := c.AddWorking(from, s), naiveAddWorking(cfg, province, from, s); !got.Equal(want) {
				t.Fatalf("config %d province %q: AddWorking(%v, %d) = %v, minute scan %v", i, province, from, s, got, want)
			}
		}
	}
}

func TestAddWorkingNeverPassesTo(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for i := range 2000 {
		cal := NationalDefault()
		if i%2 == 0 {
			cal = mustNew(t, randomConfig(r)).ForProvince("A")
		}
		from := randomInstant(r).Add(time.Duration(r.IntN(60)) * time.Second)
		to := from.Add(time.Duration(r.Int64N(3*365*24*3600)) * time.Second)
		if got := cal.AddWorking(from, cal.WorkingSeconds(from, to)); got.After(to) {
			t.Fatalf("AddWorking(%v, WorkingSeconds(from, %v)) = %v, after to", from, to, got)
		}
	}
}

func TestWorkingSecondsInvertsAddWorking(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for i := range 2000 {
		cal := NationalDefault()
		if i%2 == 0 {
			cal = mustNew(t, randomConfig(r)).ForProvince("B")
		}
		from := randomInstant(r).Add(time.Duration(r.IntN(60)) * time.Second)
		s := 1 + r.Int64N(2*365*7*3600)
		due := cal.AddWorking(from, s)
		if got := cal.WorkingSeconds(from, due); got != s {
			t.Fatalf("WorkingSeconds(%v, AddWorking(from, %d) = %v) = %d", from, s, due, got)
		}
		// The deadline is the earliest such instant.
		if got := cal.WorkingSeconds(from, due.Add(-time.Second)); got != s-1 {
			t.Fatalf("one second before the deadline %v, %d of %d seconds used", due, got, s)
		}
	}
}
