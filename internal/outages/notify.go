package outages

import (
	"context"
	"fmt"
	"time"

	"github.com/itoir/miz/internal/cases"
	"github.com/itoir/miz/internal/jalali"
	"github.com/itoir/miz/internal/notify"
	"github.com/itoir/miz/internal/store"
)

// notifyApplicants tells every applicant with a case in flight (not closed, drafts
// included) on an affected service about the outage, in-app and by e-mail, within
// tx (SLA C-4.4). It returns how many accounts were told.
func notifyApplicants(ctx context.Context, tx *store.Tx, o Outage) (int, error) {
	var services []string // every service's applicants
	if !o.AllServices {
		if len(o.Services) == 0 {
			return 0, nil
		}
		services = o.Services
	}
	to, err := cases.ApplicantsWithOpenCases(ctx, tx, services...)
	if err != nil {
		return 0, fmt.Errorf("outages: %w", err)
	}
	notice := noticeOf(o)
	for _, r := range to {
		if err := notify.Notify(ctx, tx, r.AccountID, notice); err != nil {
			return 0, err
		}
		if r.Email == "" {
			continue
		}
		msg := notify.Bilingual{SubjectFa: notice.TitleFa, SubjectEn: notice.TitleEn, BodyFa: notice.BodyFa,
			BodyEn: notice.BodyEn}.Email(r.Email)
		msg.RefKind, msg.RefID = "outage", fmt.Sprint(o.ID)
		if err := notify.Queue(ctx, tx, msg); err != nil {
			return 0, err
		}
	}
	return len(to), nil
}

// noticeOf words the notice to applicants; it repeats that the clock is not
// affected by the outage (SLA-CLOCK rule 8), which is what applicants worry about.
func noticeOf(o Outage) notify.InApp {
	n := notify.InApp{Link: "/status"}
	if o.Kind == Planned {
		n.TitleFa = "اطلاع‌رسانی: توقف برنامه‌ریزی‌شده سامانه برای نگهداری"
		n.TitleEn = "Notice: planned maintenance"
	} else {
		n.TitleFa = "اطلاع‌رسانی: اختلال در سامانه"
		n.TitleEn = "Notice: service disruption"
	}
	n.BodyFa = fmt.Sprintf("%s\n\nاز %s تا %s.\n\nاین وقفه از مهلت پاسخ‌گویی به درخواست شما کم نمی‌کند و به حساب شما گذاشته نمی‌شود.",
		o.NoticeFa, timeFa(o.Start), timeFa(o.End))
	n.BodyEn = fmt.Sprintf("%s\n\nFrom %s to %s.\n\nThis interruption is not counted against you: it does not pause or shorten the delivery time of your request.",
		o.Notice(true), timeEn(o.Start), timeEn(o.End))
	return n
}

// timeFa writes an instant as a Jalali date and time in Tehran, or "نامعلوم".
func timeFa(t time.Time) string {
	if t.IsZero() {
		return "زمان نامعلوم"
	}
	return jalali.FormatTimeFa(t)
}

// timeEn writes an instant in Tehran time, or "unknown".
func timeEn(t time.Time) string {
	if t.IsZero() {
		return "an unknown time"
	}
	return t.In(jalali.Tehran()).Format("2006-01-02 15:04") + " Tehran time"
}
