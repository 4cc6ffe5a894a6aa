package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/itoir/miz/internal/httpauth"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/jalali"
	"github.com/itoir/miz/internal/notify"
	"github.com/itoir/miz/internal/persian"
	"github.com/itoir/miz/internal/problem"
)

// Notices are the domain services behind the inbox, the notice preferences on the
// profile page, the on-duty roster and the demo's dev mailbox (issue 14).
type Notices struct {
	Inbox  *notify.Inbox
	Prefs  *notify.Preferences
	Roster *identity.Roster
	// DevMailbox is set only in demo mode without gateways; nil makes /dev/outbox 404.
	DevMailbox *notify.DevMailbox
}

func (s *Server) noticeRoutes(mux *http.ServeMux) {
	if s.Notices == nil {
		return
	}
	mux.HandleFunc("GET /inbox", s.signedIn(s.inbox))
	mux.HandleFunc("POST /inbox/{id}/read", s.form(s.signedIn(s.inboxRead)))
	mux.HandleFunc("POST /inbox/read-all", s.form(s.signedIn(s.inboxReadAll)))
	mux.HandleFunc("POST /profile/notices", s.form(s.signedIn(s.noticePrefsSave)))
	mux.HandleFunc("GET /admin/roster", s.signedIn(s.roster))
	mux.HandleFunc("POST /admin/roster", s.form(s.signedIn(s.rosterAdd)))
	mux.HandleFunc("POST /admin/roster/{id}/remove", s.form(s.signedIn(s.rosterRemove)))
	mux.HandleFunc("GET /dev/outbox", s.devOutbox)
}

// unread is the header's badge: one indexed COUNT, zero on any error (the badge is
// a convenience, never a reason for a page to fail).
func (s *Server) unread(ctx context.Context, c *httpauth.Caller) int {
	if s.Notices == nil || s.Notices.Inbox == nil || c == nil || c.Principal == nil {
		return 0
	}
	n, err := s.Notices.Inbox.Unread(ctx, c.Principal.ID)
	if err != nil {
		return 0
	}
	return n
}

func (s *Server) inbox(w http.ResponseWriter, r *http.Request) {
	c := httpauth.FromContext(r.Context())
	p := s.page(r, "inbox.title")
	clearFlash(w, r)
	ns, err := s.Notices.Inbox.List(r.Context(), c.Principal.ID, 100)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	views := make([]noticeView, 0, len(ns))
	for _, n := range ns {
		views = append(views, noticeView{Notice: n, LinesFa: bodyLines(n.BodyFa), LinesEn: bodyLines(n.BodyEn, n.BodyFa)})
	}
	p.Data = views
	s.render(w, r, http.StatusOK, "inbox", p)
}

// noticeView is an inbox notice with its body split into lines for the page.
type noticeView struct {
	notify.Notice
	LinesFa, LinesEn []string
}

// bodyLines splits the first non-empty body into its non-empty lines.
func bodyLines(bodies ...string) []string {
	for _, b := range bodies {
		var out []string
		for _, l := range strings.Split(b, "\n") {
			if l = strings.TrimSpace(l); l != "" {
				out = append(out, l)
			}
		}
		if len(out) > 0 {
			return out
		}
	}
	return nil
}

func (s *Server) inboxRead(w http.ResponseWriter, r *http.Request) {
	c := httpauth.FromContext(r.Context())
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err == nil {
		err = s.Notices.Inbox.MarkRead(r.Context(), c.Principal.ID, id)
	}
	if err != nil {
		s.Fail(w, r, problem.Wrap(problem.NotFound, "inbox.not_found", err))
		return
	}
	// A notice opened through its link goes on to the case it is about.
	if next := r.PostFormValue("next"); strings.HasPrefix(next, "/cases/") && !strings.HasPrefix(next, "//") {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, "/inbox", http.StatusSeeOther)
}

func (s *Server) inboxReadAll(w http.ResponseWriter, r *http.Request) {
	c := httpauth.FromContext(r.Context())
	if err := s.Notices.Inbox.MarkAllRead(r.Context(), c.Principal.ID); err != nil {
		s.Fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/inbox", http.StatusSeeOther)
}

// noticePrefs are the profile page's notice choices; nil when notices are not wired.
func (s *Server) noticePrefs(ctx context.Context, accountID int64) []notify.Pref {
	if s.Notices == nil || s.Notices.Prefs == nil {
		return nil
	}
	prefs, err := s.Notices.Prefs.Get(ctx, accountID)
	if err != nil {
		s.Log.Warn("notice preferences", "account", accountID, "err", err)
		return nil
	}
	return prefs
}

// noticePrefsSave stores the profile form's choices. A legal notice's boxes are
// shown checked and disabled, so the browser does not send them; they are left out
// here and would be refused by the domain anyway.
func (s *Server) noticePrefsSave(w http.ResponseWriter, r *http.Request) {
	c := httpauth.FromContext(r.Context())
	var prefs []notify.Pref
	for _, k := range notify.Kinds() {
		if k.Legal || (k.Staff && !c.Principal.IsStaff()) {
			continue
		}
		prefs = append(prefs, notify.Pref{KindInfo: k,
			WantEmail: r.PostFormValue("email_"+string(k.Kind)) == "on",
			WantSMS:   r.PostFormValue("sms_"+string(k.Kind)) == "on"})
	}
	if err := s.Notices.Prefs.Set(r.Context(), c.Principal.ID, prefs); err != nil {
		s.Fail(w, r, err)
		return
	}
	flash(w, "notices.prefs.saved")
	http.Redirect(w, r, "/profile#notices", http.StatusSeeOther)
}

type rosterData struct {
	Shifts   []shiftView
	Staff    []identity.StaffMember
	Services map[string][2]string
}

func (s *Server) roster(w http.ResponseWriter, r *http.Request) {
	s.renderRoster(w, r, http.StatusOK, nil)
}

func (s *Server) renderRoster(w http.ResponseWriter, r *http.Request, status int, formErr error) {
	ctx := r.Context()
	c := httpauth.FromContext(ctx)
	p := s.page(r, "roster.title")
	clearFlash(w, r)
	var d rosterData
	var err error
	var shifts []identity.Shift
	if shifts, err = s.Notices.Roster.List(ctx, c.Principal); err == nil {
		d.Staff, err = s.Notices.Roster.Staff(ctx, c.Principal)
	}
	for _, sh := range shifts {
		d.Shifts = append(d.Shifts, shiftView{Shift: sh, Start: hhmm(sh.StartMin), End: hhmm(sh.EndMin),
			From: jalaliOf(sh.FromDay), To: jalaliOf(sh.ToDay)})
	}
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	d.Services = s.serviceNames(ctx)
	if formErr != nil {
		pe := problem.As(formErr)
		if pe.Code == problem.Internal || pe.Code == problem.Forbidden {
			s.Fail(w, r, formErr)
			return
		}
		if pe.Field != "" {
			p.Errors[pe.Field] = p.T(pe.Key, pe.Args...)
		} else {
			p.Error = p.T(pe.Key, pe.Args...)
		}
		for _, k := range []string{"service", "account", "weekdays", "start", "end", "from", "to"} {
			p.Form[k] = r.PostFormValue(k)
		}
	}
	p.Data = d
	s.render(w, r, status, "roster", p)
}

// clockMinutes reads "HH:MM" (Persian digits too) as minutes after midnight; "24:00"
// is the end of the day.
func clockMinutes(v string, field string) (int, error) {
	v = strings.TrimSpace(persian.ASCIIDigits(v))
	h, m, ok := strings.Cut(v, ":")
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if !ok || err1 != nil || err2 != nil || hh < 0 || hh > 24 || mm < 0 || mm > 59 || hh*60+mm > 1440 {
		return 0, problem.Field(field, "roster.time.invalid")
	}
	return hh*60 + mm, nil
}

func (s *Server) rosterAdd(w http.ResponseWriter, r *http.Request) {
	c := httpauth.FromContext(r.Context())
	account, _ := strconv.ParseInt(r.PostFormValue("account"), 10, 64)
	sh := identity.Shift{Service: r.PostFormValue("service"), AccountID: account,
		Weekdays: persian.ASCIIDigits(strings.NewReplacer(" ", "", ",", "", "،", "").Replace(r.PostFormValue("weekdays")))}
	var err error
	if sh.FromDay, err = jalaliDay(r.PostFormValue("from"), "from"); err == nil {
		sh.ToDay, err = jalaliDay(r.PostFormValue("to"), "to")
	}
	if err == nil {
		sh.StartMin, err = clockMinutes(r.PostFormValue("start"), "start")
	}
	if err == nil {
		sh.EndMin, err = clockMinutes(r.PostFormValue("end"), "end")
	}
	if err == nil {
		_, err = s.Notices.Roster.Add(r.Context(), c.Principal, sh)
	}
	if err != nil {
		s.renderRoster(w, r, problem.Status(problem.As(err).Code), err)
		return
	}
	http.Redirect(w, r, "/admin/roster", http.StatusSeeOther)
}

func (s *Server) rosterRemove(w http.ResponseWriter, r *http.Request) {
	c := httpauth.FromContext(r.Context())
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.NotFound(w, r)
		return
	}
	if err := s.Notices.Roster.Remove(r.Context(), c.Principal, id); err != nil {
		s.Fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/roster", http.StatusSeeOther)
}

// devOutbox shows the demo's dev mailbox to an administrator; it does not exist
// outside demo mode or for anyone else.
func (s *Server) devOutbox(w http.ResponseWriter, r *http.Request) {
	c := httpauth.FromContext(r.Context())
	if s.Notices.DevMailbox == nil || c.Principal == nil || !c.Principal.Admin {
		s.NotFound(w, r)
		return
	}
	p := s.page(r, "devoutbox.title")
	sent, err := s.Notices.DevMailbox.Recent(r.Context(), 100)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	p.Data = sent
	s.render(w, r, http.StatusOK, "dev_outbox", p)
}

// shiftView is a roster line with its times and Jalali days written out.
type shiftView struct {
	identity.Shift
	Start, End string
	From, To   string
}

// jalaliDay reads a Jalali date typed on the roster form as the Gregorian day the
// roster stores (YYYY-MM-DD); empty stays empty.
func jalaliDay(v, field string) (string, error) {
	if strings.TrimSpace(v) == "" {
		return "", nil
	}
	d, err := jalali.Parse(v)
	if err != nil {
		return "", problem.Field(field, "roster.day.invalid")
	}
	y, m, day := d.Gregorian()
	return time.Date(y, time.Month(m), day, 0, 0, 0, 0, time.UTC).Format("2006-01-02"), nil
}

// jalaliOf writes a stored Gregorian day in the Persian calendar, Persian digits.
func jalaliOf(day string) string {
	t, err := time.Parse("2006-01-02", day)
	if err != nil {
		return ""
	}
	return jalali.FormatFa(jalali.FromGregorian(t.Year(), int(t.Month()), t.Day()))
}

// hhmm writes minutes after midnight as HH:MM.
func hhmm(m int) string {
	return strconv.Itoa(m/60/10) + strconv.Itoa(m/60%10) + ":" + strconv.Itoa(m%60/10) + strconv.Itoa(m%10)
}
