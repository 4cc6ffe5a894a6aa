package course

import (
	"context"
	"fmt"
	"time"

	"github.com/itoir/miz/internal/i18n"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/jalali"
	"github.com/itoir/miz/internal/notify"
	"github.com/itoir/miz/internal/store"
)

// audienceOf is who hears of a course: for an agency course, the people who act for
// government agencies and the agencies' own accounts.
func audienceOf(a Audience) identity.Audience {
	switch a {
	case GovernmentStaff:
		return identity.Audience{MembersOnly: true, OrgKind: "government"}
	case OrganizationStaff:
		return identity.Audience{MembersOnly: true}
	}
	return identity.Audience{}
}

// announce tells the course's audience that it opened, in tx (SLA M-4.2): in-app
// always, by e-mail and SMS unless the person turned course notices off. It returns
// how many accounts were told.
func (s *Courses) announce(ctx context.Context, tx *store.Tx, c Course) (int, error) {
	to, err := identity.AudienceAccounts(ctx, tx, audienceOf(c.Audience))
	if err != nil {
		return 0, fmt.Errorf("course: announce %d: %w", c.ID, err)
	}
	first := c.First()
	a := notify.Alert{Kind: notify.KindCourse, BaseURL: s.BaseURL, RefKind: "course", RefID: fmt.Sprint(c.ID),
		InApp: notify.InApp{
			TitleFa: i18n.T(i18n.Fa, "course.notice.open.title", c.Title.FA),
			TitleEn: i18n.T(i18n.En, "course.notice.open.title", c.Title.In("en")),
			BodyFa: i18n.T(i18n.Fa, "course.notice.open.body", jalali.FormatTimeFa(first), c.Capacity,
				i18n.T(i18n.Fa, "course.audience."+string(c.Audience))),
			BodyEn: i18n.T(i18n.En, "course.notice.open.body", tehran(first), c.Capacity,
				i18n.T(i18n.En, "course.audience."+string(c.Audience))),
			Link: fmt.Sprintf("/courses/%d", c.ID)},
		SMS: i18n.T(i18n.Fa, "course.notice.open.sms", c.Title.FA, jalali.FormatFa(jalali.FromTime(first)))}
	for _, id := range to {
		if _, err := notify.Tell(ctx, tx, id, a); err != nil {
			return 0, fmt.Errorf("course: announce %d: %w", c.ID, err)
		}
	}
	return len(to), nil
}

// tellPromoted tells a waitlisted person that a seat came free and is now theirs.
func (s *Courses) tellPromoted(ctx context.Context, tx *store.Tx, accountID int64, c Course) error {
	a := notify.Alert{Kind: notify.KindCourse, BaseURL: s.BaseURL, RefKind: "course", RefID: fmt.Sprint(c.ID),
		InApp: notify.InApp{
			TitleFa: i18n.T(i18n.Fa, "course.notice.promoted.title", c.Title.FA),
			TitleEn: i18n.T(i18n.En, "course.notice.promoted.title", c.Title.In("en")),
			BodyFa:  i18n.T(i18n.Fa, "course.notice.promoted.body", jalali.FormatTimeFa(c.CancelBy())),
			BodyEn:  i18n.T(i18n.En, "course.notice.promoted.body", tehran(c.CancelBy())),
			Link:    fmt.Sprintf("/courses/%d", c.ID)},
		SMS: i18n.T(i18n.Fa, "course.notice.promoted.sms", c.Title.FA)}
	_, err := notify.Tell(ctx, tx, accountID, a)
	return err
}

// tellCertified tells a participant that their certificate of attendance is issued.
func (s *Courses) tellCertified(ctx context.Context, tx *store.Tx, accountID int64, c Course, number string) error {
	a := notify.Alert{Kind: notify.KindCourse, BaseURL: s.BaseURL, RefKind: "course_certificate", RefID: number,
		InApp: notify.InApp{
			TitleFa: i18n.T(i18n.Fa, "course.notice.certified.title", c.Title.FA),
			TitleEn: i18n.T(i18n.En, "course.notice.certified.title", c.Title.In("en")),
			BodyFa:  i18n.T(i18n.Fa, "course.notice.certified.body", number),
			BodyEn:  i18n.T(i18n.En, "course.notice.certified.body", number),
			Link:    "/courses/certificates/" + number}}
	_, err := notify.Tell(ctx, tx, accountID, a)
	return err
}

// tehran formats an instant for English text.
func tehran(t time.Time) string { return t.In(jalali.Tehran()).Format("2006-01-02 15:04") }
