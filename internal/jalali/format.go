package jalali

import (
	"fmt"
	"time"

	"github.com/itoir/miz/internal/persian"
)

// String returns d with ASCII digits as YYYY-MM-DD, e.g. 1405-09-02, the
// form used in APIs, logs and files.
func (d Date) String() string {
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day)
}

// FormatFa returns d with Persian digits as YYYY/MM/DD, e.g. ۱۴۰۵/۰۹/۰۲,
// the short form shown in the Persian UI.
func FormatFa(d Date) string {
	return persian.PersianDigits(fmt.Sprintf("%04d/%02d/%02d", d.Year, d.Month, d.Day))
}

// LongFa returns d spelt out in Persian, e.g. ۲ آذر ۱۴۰۵.
func LongFa(d Date) string {
	return persian.PersianDigits(fmt.Sprintf("%d %s %d", d.Day, MonthNameFa(d.Month), d.Year))
}

// LongEn returns d spelt out in English, e.g. 2 Azar 1405.
func LongEn(d Date) string {
	return fmt.Sprintf("%d %s %d", d.Day, MonthNameEn(d.Month), d.Year)
}

// FormatTimeFa returns the instant t as seen in Tehran, as the Jalali date and
// the time of day with Persian digits, e.g. ۱۴۰۵/۰۹/۰۲ ۱۴:۳۰.
func FormatTimeFa(t time.Time) string {
	t = t.In(Tehran())
	return FormatFa(FromTime(t)) + " " + persian.PersianDigits(t.Format("15:04"))
}

// MonthNameFa returns the Persian name of a Jalali month (1 is فروردین), or
// "" for a month outside 1..12.
func MonthNameFa(month int) string {
	names := [12]string{
		"فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور",
		"مهر", "آبان", "آذر", "دی", "بهمن", "اسفند",
	}
	if month < 1 || month > 12 {
		return ""
	}
	return names[month-1]
}

// MonthNameEn returns the English transliteration of a Jalali month's name
// (1 is Farvardin), or "" for a month outside 1..12.
func MonthNameEn(month int) string {
	names := [12]string{
		"Farvardin", "Ordibehesht", "Khordad", "Tir", "Mordad", "Shahrivar",
		"Mehr", "Aban", "Azar", "Dey", "Bahman", "Esfand",
	}
	if month < 1 || month > 12 {
		return ""
	}
	return names[month-1]
}

// WeekdayFa returns the Persian name of a day of the week, e.g. شنبه for
// time.Saturday, or "" for a value outside Sunday..Saturday.
func WeekdayFa(w time.Weekday) string {
	names := [7]string{
		"یکشنبه", "دوشنبه", "سه‌شنبه", "چهارشنبه", "پنجشنبه", "جمعه", "شنبه",
	}
	if w < time.Sunday || w > time.Saturday {
		return ""
	}
	return names[w]
}
