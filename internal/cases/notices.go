package cases

import (
	"context"
	"fmt"
	"strings"

	"github.com/itoir/miz/internal/catalog"
	"github.com/itoir/miz/internal/i18n"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/jobs"
	"github.com/itoir/miz/internal/notify"
	"github.com/itoir/miz/internal/persian"
	"github.com/itoir/miz/internal/store"
)

// ApplicantTeller is implemented by a service module that tells the applicant itself
// about some transitions (CERTIFY on issuing a certificate or returning failed
// criteria); the engine then sends only the SMS a clock pause calls for, so nobody is
// told twice.
type ApplicantTeller interface {
	TellsApplicant(t *catalog.Transition, in TransitionInput) bool
}

// stepNotice is what the engine knows of one step when it tells people about it.
type stepNotice struct {
	c          *Case
	svc        *catalog.Service
	k          *catalog.CaseKind
	from, to   *catalog.State
	t          *catalog.Transition
	in         TransitionInput
	moduleTold bool
}

// msg formats a message in both languages; arguments are inserted as given (a
// tracking code keeps its Latin digits), the template's own text is localised.
func msg(key string, fa, en []any) (string, string) {
	return fmt.Sprintf(i18n.T(i18n.Fa, key), fa...), fmt.Sprintf(i18n.T(i18n.En, key), en...)
}

// notifyStep tells the people a step concerns (issue 14), in the step's transaction:
// the applicant about submission, a return as incomplete, a question or request for
// access that pauses the clock, a decision, closure or any other step; and, for a new
// case, the service's staff on duty (an incident is paged by SMS at any hour).
func (e *Engine) notifyStep(ctx context.Context, tx *store.Tx, s stepNotice) error {
	c, to := s.c, s.to
	code := c.TrackingCode
	link := "/cases/" + code
	state := func() (string, string) { return to.Name.FA, to.Name.EN }
	var a notify.Alert
	a.Link, a.RefKind, a.RefID = link, "case", code
	firstSubmit := s.from != nil && s.from.Pause == catalog.PauseDraft && to.Holder == catalog.HolderOrganization
	fa, en := state()
	switch {
	case firstSubmit:
		a.Kind = notify.KindSubmitted
		a.TitleFa, a.TitleEn = msg("notice.submitted.title", []any{code}, []any{code})
		a.BodyFa, a.BodyEn = msg("notice.submitted.body", []any{s.k.Name.FA, code}, []any{s.k.Name.EN, code})
		a.SMS = fmt.Sprintf(i18n.T(i18n.Fa, "notice.submitted.sms"), code)
	case to.Holder == catalog.HolderApplicant && to.Pause == catalog.PauseIncomplete:
		a.Kind = notify.KindIncomplete
		a.TitleFa, a.TitleEn = msg("notice.incomplete.title", []any{code}, []any{code})
		itemsFa, itemsEn := deficiencyList(s.svc, s.in.deficiencies, s.in.Reason)
		a.BodyFa, a.BodyEn = msg("notice.incomplete.body", []any{itemsFa}, []any{itemsEn})
		a.SMS = fmt.Sprintf(i18n.T(i18n.Fa, "notice.incomplete.sms"), code)
	case to.Holder == catalog.HolderApplicant && to.Pause != "" && to.Pause != catalog.PauseDraft:
		a.Kind = notify.KindPaused
		a.TitleFa, a.TitleEn = msg("notice.paused.title", []any{code}, []any{code})
		whyFa, whyEn := s.in.Reason, s.in.Reason
		if whyFa == "" {
			whyFa, whyEn = i18n.T(i18n.Fa, "notice.paused.no_reason"), i18n.T(i18n.En, "notice.paused.no_reason")
		}
		a.BodyFa, a.BodyEn = msg("notice.paused.body", []any{fa, whyFa}, []any{en, whyEn})
		a.SMS = fmt.Sprintf(i18n.T(i18n.Fa, "notice.paused.sms"), code)
	case s.in.Decision != "":
		a.Kind = notify.KindDecision
		a.TitleFa, a.TitleEn = msg("notice.decision."+s.in.Decision, []any{code}, []any{code})
		a.BodyFa, a.BodyEn = msg("notice.decision.body", []any{fa, s.in.Reason}, []any{en, s.in.Reason})
	case to.Terminal:
		a.Kind = notify.KindClosed
		a.TitleFa, a.TitleEn = msg("notice.closed.title", []any{code}, []any{code})
		a.BodyFa, a.BodyEn = msg("notice.closed.body", []any{fa}, []any{en})
	default:
		a.Kind = notify.KindProgress
		a.TitleFa, a.TitleEn = msg("notice.progress.title", []any{code}, []any{code})
		a.BodyFa, a.BodyEn = msg("notice.progress.body", []any{fa}, []any{en})
	}
	a.BodyFa, a.BodyEn = strings.TrimSpace(a.BodyFa), strings.TrimSpace(a.BodyEn)
	a.BaseURL, a.InAppOnly = e.BaseURL, e.InAppOnly
	if s.moduleTold {
		a.OnlySMS = true // the module told the applicant in-app and by e-mail
	}
	if c.ApplicantAccountID != 0 && (!a.OnlySMS || a.SMS != "") {
		if _, err := notify.Tell(ctx, tx, c.ApplicantAccountID, a, e.wake()...); err != nil {
			return err
		}
	}
	if firstSubmit {
		return e.alertOnDuty(ctx, tx, s)
	}
	return nil
}

// notifyMessage tells the other side of a case of a new message: the applicant of
// one from staff, the assignee of one from the applicant.
func (e *Engine) notifyMessage(ctx context.Context, tx *store.Tx, c *Case, m *Message) error {
	to := c.ApplicantAccountID
	if !m.ByStaff {
		to = c.AssigneeAccountID
	}
	if to == 0 || to == m.AuthorID {
		return nil
	}
	code := c.TrackingCode
	body := m.Body
	if r := []rune(body); len(r) > 500 {
		body = string(r[:500]) + "…"
	}
	a := notify.Alert{Kind: notify.KindProgress, BaseURL: e.BaseURL, RefKind: "case", RefID: code, InAppOnly: e.InAppOnly}
	a.Link, a.BodyFa, a.BodyEn = "/cases/"+code, body, body
	a.TitleFa, a.TitleEn = msg("notice.message.title", []any{code}, []any{code})
	_, err := notify.Tell(ctx, tx, to, a, e.wake()...)
	return err
}

// alertOnDuty tells the service's staff on duty now of a new case in the queue; an
// incident reported to CERT pages them by SMS at any hour.
func (e *Engine) alertOnDuty(ctx context.Context, tx *store.Tx, s stepNotice) error {
	ids, err := identity.OnDuty(ctx, tx, s.c.Service, tx.Now)
	if err != nil {
		return err
	}
	code := s.c.TrackingCode
	a := notify.Alert{Kind: notify.KindNewCase, BaseURL: e.BaseURL, RefKind: "case", RefID: code, InAppOnly: e.InAppOnly}
	a.Link = "/cases/" + code
	a.TitleFa, a.TitleEn = msg("notice.new_case.title", []any{code}, []any{code})
	a.BodyFa, a.BodyEn = msg("notice.new_case.body", []any{s.svc.Name.FA, s.k.Name.FA}, []any{s.svc.Name.EN, s.k.Name.EN})
	if IsIncident(s.svc, s.k) {
		a.SMS, a.Page = fmt.Sprintf(i18n.T(i18n.Fa, "notice.new_case.page"), code), true
	}
	for _, id := range ids {
		if _, err := notify.Tell(ctx, tx, id, a, e.wake()...); err != nil {
			return err
		}
	}
	return nil
}

// IsIncident reports whether a case kind is a security incident reported to CERT,
// whose on-duty responder is paged at any hour.
func IsIncident(svc *catalog.Service, k *catalog.CaseKind) bool {
	return svc.ID == "cert" && k.ID == "incident"
}

// deficiencyList writes the itemised list of a return as incomplete, one line per
// item, naming documents by their catalog name rather than their ID.
func deficiencyList(svc *catalog.Service, items []Deficiency, reason string) (string, string) {
	if len(items) == 0 {
		return reason, reason
	}
	var fa, en []string
	for _, it := range items {
		nameFa, nameEn := it.Item, it.Item
		if d, ok := svc.Document(strings.TrimSpace(it.Item)); ok {
			nameFa, nameEn = d.Name.FA, d.Name.EN
		}
		lineFa, lineEn := "• "+nameFa, "• "+nameEn
		if n := strings.TrimSpace(it.Note); n != "" {
			lineFa, lineEn = lineFa+": "+n, lineEn+": "+n
		}
		fa, en = append(fa, lineFa), append(en, lineEn)
	}
	return strings.Join(fa, "\n"), strings.Join(en, "\n")
}

// wake starts delivery as soon as the transaction commits, where the engine's timers
// know the job runner.
func (e *Engine) wake() []jobs.Option {
	if jt, ok := e.Timers.(JobTimers); ok && jt.Wake != nil {
		return []jobs.Option{jobs.Wake(jt.Wake)}
	}
	return nil
}

// persianPercent writes a percentage in Persian digits.
func persianPercent(f float64) string { return persian.PersianDigits(fmt.Sprint(int(f*100 + 0.5))) }
