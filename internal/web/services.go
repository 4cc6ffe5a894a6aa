package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/itoir/miz/internal/catalog"
	"github.com/itoir/miz/internal/i18n"
	"github.com/itoir/miz/internal/jalali"
	"github.com/itoir/miz/internal/problem"
)

// serviceRoutes registers the public catalog pages (SLA C-4.2, C-4.3, C-4.6, §8), the
// public list of changes with its feed, and the editors' pages. Without a database
// catalog there is nothing to show, and the routes are left out.
func (s *Server) serviceRoutes(mux *http.ServeMux) {
	if s.Catalog == nil {
		return
	}
	mux.HandleFunc("GET /services", s.servicesPage)
	mux.HandleFunc("GET /services/{id}", s.serviceCard)
	mux.HandleFunc("GET /services/{id}/sla", s.serviceSLA)
	mux.HandleFunc("GET /services/{id}/versions", s.serviceVersions)
	mux.HandleFunc("GET /changes", s.changesPage)
	mux.HandleFunc("GET /changes.atom", s.changesFeed)
	s.catalogEditRoutes(mux)
}

func (s *Server) servicesPage(w http.ResponseWriter, r *http.Request) {
	p := s.page(r, "catalog.services.title")
	svcs, err := s.Catalog.List(r.Context())
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	p.Data = svcs
	s.render(w, r, http.StatusOK, "services", p)
}

// cardRow is one line of the service identity card.
type cardRow struct{ Label, Value string }

// kindCard is one kind of case on the identity card: its documents and workflow.
type kindCard struct {
	// ID is the kind's id, for the signed-in applicant's "Apply" button.
	ID             string
	Name, Delivery string
	Documents      []docCard
	Steps          []stepCard
}

type docCard struct{ Name, Types, Size, Required string }

type stepCard struct{ Name, Holder string }

// serviceCard shows the service identity card (شناسنامه خدمت) to anyone.
func (s *Server) serviceCard(w http.ResponseWriter, r *http.Request) {
	svc, ok := s.serviceAt(w, r)
	if !ok {
		return
	}
	p := s.page(r, "")
	l := string(p.Lang)
	p.Title = svc.Name.In(l)
	t := func(k string, a ...any) string { return i18n.T(p.Lang, k, a...) }
	mark := func(path string) string { // demo: an unconfirmed figure says so (issue 14)
		if s.Demo && svc.IsExample(path) {
			return catalog.ExampleMark(l)
		}
		return ""
	}
	rows := []cardRow{
		{t("catalog.card.national_id"), svc.NationalServiceID + mark("national_service_id")},
		{t("catalog.card.type"), t("catalog.type."+svc.Type) + " (" + svc.Type + ")"},
		{t("catalog.card.unit"), svc.ResponsibleUnit.In(l)},
		{t("catalog.card.hours"), svc.ServiceHours.In(l)},
		{t("catalog.card.average"), duration(p.Lang, svc.DeliveryTime.Average) + mark("delivery_time.average")},
		{t("catalog.card.maximum"), duration(p.Lang, svc.DeliveryTime.Maximum) + mark("delivery_time.maximum")},
		{t("catalog.card.visits"), t("catalog.card.visits_n", svc.MaxVisits) + mark("max_visits")},
		{t("catalog.card.questions"), duration(p.Lang, svc.QuestionResponseTime) + mark("question_response_time")},
		{t("catalog.card.fee"), fee(p.Lang, svc.Fee) + mark("fee")},
		{t("catalog.card.version"), t("catalog.card.version_n", svc.Version, catalogDate(p.Lang, svc.EffectiveFrom))},
	}
	if len(svc.Tariffs) > 0 { // §6: each priced item, before VAT
		rows = append(rows, cardRow{t("billing.card.tariffs"), tariffsCard(p.Lang, svc, mark)})
	}
	var laws, channels []string
	for _, law := range svc.Laws {
		laws = append(laws, law.In(l))
	}
	for _, ch := range svc.Channels {
		channels = append(channels, ch.Name.In(l)+": "+ch.Value)
	}
	var kinds []kindCard
	for _, k := range svc.CaseKinds {
		kc := kindCard{ID: k.ID, Name: k.Name.In(l), Delivery: duration(p.Lang, k.DeliveryTime.Maximum) + mark("case_kinds."+k.ID+".delivery_time.maximum")}
		for _, d := range svc.DocumentsFor(k.ID, "") {
			req := t("catalog.doc.always")
			if d.Required == catalog.RequiredConditional {
				req = t("catalog.doc.conditional", d.Condition.In(l))
			}
			kc.Documents = append(kc.Documents, docCard{Name: d.Name.In(l), Types: strings.Join(d.Types, ", "),
				Size: size(int64(d.MaxSize)), Required: req})
		}
		for _, st := range k.Process.States {
			kc.Steps = append(kc.Steps, stepCard{Name: st.Name.In(l), Holder: t("catalog.holder." + st.Holder)})
		}
		kinds = append(kinds, kc)
	}
	p.Data = map[string]any{"S": svc, "Rows": rows, "Laws": laws, "Channels": channels, "Kinds": kinds,
		"Validity": validityText(p.Lang, svc)}
	s.render(w, r, http.StatusOK, "service", p)
}

// serviceSLA renders the nine sections of the service's agreement in the page's
// language, at the version in force or at ?version=n (older versions stay viewable).
func (s *Server) serviceSLA(w http.ResponseWriter, r *http.Request) {
	svc, ok := s.serviceAt(w, r)
	if !ok {
		return
	}
	p := s.page(r, "")
	doc := svc.SLADocumentMarked(string(p.Lang), s.Demo)
	p.Title = doc.Title
	p.Data = map[string]any{"S": svc, "Doc": doc, "Validity": validityText(p.Lang, svc)}
	s.render(w, r, http.StatusOK, "sla", p)
}

func (s *Server) serviceVersions(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	vs, err := s.Catalog.History(r.Context(), id)
	if err != nil {
		s.Fail(w, r, notFound(err))
		return
	}
	svc, err := s.Catalog.Version(r.Context(), id, vs[0].Number)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	p := s.page(r, "catalog.versions.title")
	p.Data = map[string]any{"S": svc, "Versions": vs}
	s.render(w, r, http.StatusOK, "service_versions", p)
}

// serviceAt resolves the service of the path at ?version=n, or at the version in
// force; it answers 404 itself when there is none.
func (s *Server) serviceAt(w http.ResponseWriter, r *http.Request) (*catalog.Service, bool) {
	n := 0
	if v := r.URL.Query().Get("version"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 1 {
			s.NotFound(w, r)
			return nil, false
		}
	}
	svc, err := s.Catalog.Catalog(r.Context(), r.PathValue("id"), n)
	if err != nil {
		s.Fail(w, r, notFound(err))
		return nil, false
	}
	return svc, true
}

// notFound turns an unknown service, which the case engine reports as a bad field,
// into the 404 a page about it should answer.
func notFound(err error) error {
	if pe := problem.As(err); pe.Code == problem.Invalid || pe.Code == problem.NotFound {
		return problem.New(problem.NotFound, "error.not_found")
	}
	return err
}

// duration writes a catalog duration in words, e.g. "۱۰ روز کاری".
func duration(l i18n.Lang, d catalog.Duration) string {
	if d.IsZero() {
		return "—"
	}
	return i18n.T(l, "catalog.unit."+d.Unit, d.Amount)
}

// fee states what the service costs (§6), even when it is free.
func fee(l i18n.Lang, f catalog.Fee) string {
	var out string
	switch f.Basis {
	case catalog.FeeFixed:
		out = i18n.T(l, "catalog.fee.fixed", f.Amount)
	default:
		out = i18n.T(l, "catalog.fee."+f.Basis)
	}
	if note := f.Note.In(string(l)); note != "" {
		out += " — " + note
	}
	return out
}

// size writes a byte count in binary units, as the catalog file does.
func size(b int64) string {
	switch {
	case b >= 1<<30 && b%(1<<30) == 0:
		return fmt.Sprintf("%d GB", b>>30)
	case b >= 1<<20:
		return fmt.Sprintf("%.4g MB", float64(b)/(1<<20))
	case b >= 1<<10:
		return fmt.Sprintf("%.4g KB", float64(b)/(1<<10))
	}
	return fmt.Sprintf("%d B", b)
}

// catalogDate shows a catalog date the way the page's language expects: Jalali in
// Persian, ISO with the Jalali date beside it in English.
// validityText is what the service's pages say of its SLA's period (§8): that it has
// ended and renewal is pending, or when it ends if that is near; else nothing.
func validityText(lang i18n.Lang, svc *catalog.Service) string {
	n := svc.ValidityOn(time.Now(), jalali.Tehran())
	switch {
	case n.Ended:
		return i18n.T(lang, "catalog.validity.ended", catalogDate(lang, n.To))
	case n.Soon:
		return i18n.T(lang, "catalog.validity.soon", catalogDate(lang, n.To), strconv.Itoa(n.DaysLeft))
	}
	return ""
}

func catalogDate(lang i18n.Lang, d catalog.Date) string {
	if d.Year == 0 {
		return "—"
	}
	j := jalali.FromGregorian(d.Year, int(d.Month), d.Day)
	if lang == i18n.En {
		return d.String() + " (" + jalali.LongEn(j) + ")"
	}
	return jalali.FormatFa(j)
}
