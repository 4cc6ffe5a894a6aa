package web

import (
	"context"
	"fmt"
	"html/template"
	"strings"
	"sync"

	"github.com/itoir/miz/internal/catalog"
	"github.com/itoir/miz/internal/i18n"
	"github.com/itoir/miz/internal/jalali"
	"github.com/itoir/miz/internal/persian"
)

// labeler turns the catalog's codes (service, case kind, state, transition and
// document IDs) into the names a person reads, in the page's language (issue 13,
// Blocking-2). It reads the published services once per page, when a template
// first asks.
type labeler struct {
	ctx  context.Context
	list func(ctx context.Context) ([]*catalog.Service, error)

	once sync.Once
	byID map[string]*catalog.Service
}

func newLabeler(ctx context.Context, list func(ctx context.Context) ([]*catalog.Service, error)) *labeler {
	return &labeler{ctx: ctx, list: list}
}

// service returns the published service id, or nil.
func (l *labeler) service(id string) *catalog.Service {
	if l == nil || l.list == nil {
		return nil
	}
	l.once.Do(func() {
		l.byID = map[string]*catalog.Service{}
		svcs, err := l.list(l.ctx)
		if err != nil {
			return
		}
		for _, s := range svcs {
			l.byID[s.ID] = s
		}
	})
	return l.byID[id]
}

// kinds returns the case kinds of svc to search: the named one, or every kind.
func kinds(svc *catalog.Service, kind string) []*catalog.CaseKind {
	if svc == nil {
		return nil
	}
	if k, ok := svc.Kind(kind); ok {
		return []*catalog.CaseKind{k}
	}
	out := make([]*catalog.CaseKind, 0, len(svc.CaseKinds))
	for i := range svc.CaseKinds {
		out = append(out, &svc.CaseKinds[i])
	}
	return out
}

// text picks t in the page's language, falling back to Persian.
func text(p *Page, t catalog.Text) string {
	if p.Lang == i18n.En && t.EN != "" {
		return t.EN
	}
	return t.FA
}

// unknown is what a code without a label becomes: a readable word in the page's
// language rather than the code itself (snake_case becomes spaced words).
func unknown(p *Page, code string) string {
	if code == "" {
		return ""
	}
	return i18n.T(p.Lang, "ux.unknown") + " (" + strings.ReplaceAll(code, "_", " ") + ")"
}

// labelFuncs are the template functions that never print a raw code.
func labelFuncs() template.FuncMap {
	return template.FuncMap{
		// service: "certify" → «صدور گواهی …».
		"service": serviceName,
		// services: a list of service IDs as their names.
		"services": func(p *Page, ids []string) string {
			names := make([]string, len(ids))
			for i, id := range ids {
				names[i] = serviceName(p, id)
			}
			if p.Lang == i18n.En {
				return strings.Join(names, ", ")
			}
			return strings.Join(names, "، ")
		},
		// casekind: a case kind's name.
		"casekind": func(p *Page, svcID, kind string) string {
			if k, ok := kindOf(p, svcID, kind); ok {
				return text(p, k.Name)
			}
			return unknown(p, kind)
		},
		// state: a state's name from the service's process, else the message tables
		// (state.<id>), else a readable word.
		"state": func(p *Page, svcID, kind, state string) string {
			for _, k := range kinds(p.labels.service(svcID), kind) {
				if s, ok := k.State(state); ok {
					return text(p, s.Name)
				}
			}
			if key := "state." + state; i18n.Has(key) {
				return i18n.T(p.Lang, key)
			}
			return unknown(p, state)
		},
		// step: a transition's name ("submit" → «ثبت و ارسال»).
		"step": func(p *Page, svcID, kind, transition string) string {
			for _, k := range kinds(p.labels.service(svcID), kind) {
				if t, ok := k.Transition(transition); ok {
					return text(p, t.Name)
				}
			}
			if key := "step." + transition; i18n.Has(key) {
				return i18n.T(p.Lang, key)
			}
			return unknown(p, transition)
		},
		// doc: a document's title in the catalog.
		"doc": func(p *Page, svcID, id string) string {
			if svc := p.labels.service(svcID); svc != nil {
				if d, ok := svc.Document(id); ok {
					return text(p, d.Name)
				}
			}
			return unknown(p, id)
		},
		// enum: a form value such as deployment "on_premise"; free text that is not
		// a known value is shown as typed.
		"enum": func(p *Page, field, value string) string {
			for _, key := range []string{"enum." + field + "." + value, "certify." + field + "." + value} {
				if value != "" && i18n.Has(key) {
					return i18n.T(p.Lang, key)
				}
			}
			return value
		},
		// pct: a ratio 0..1 as a percentage with the page's digits.
		"pct": func(p *Page, v float64) string {
			s := fmt.Sprintf("%.0f%%", v*100)
			if p.Lang == i18n.Fa {
				return persian.PersianDigits(strings.TrimSuffix(s, "%")) + "٪"
			}
			return s
		},
		// day: a catalog date (an SLA's effective date) in the Jalali calendar, with
		// Persian digits on Persian pages.
		"day": func(p *Page, d catalog.Date) string {
			if d.IsZero() {
				return "—"
			}
			t := d.In(jalali.Tehran())
			if p.Lang == i18n.En {
				return t.Format("2006-01-02") + " (" + jalali.LongEn(jalali.FromTime(t)) + ")"
			}
			return jalali.FormatFa(jalali.FromTime(t))
		},
		// arrow points from one state to the next in the page's direction.
		"arrow": func(p *Page) string {
			if p.Lang == i18n.En {
				return "→"
			}
			return "←"
		},
	}
}

// serviceName is a service's name in the page's language.
func serviceName(p *Page, id string) string {
	if svc := p.labels.service(id); svc != nil {
		return text(p, svc.Name)
	}
	return unknown(p, id)
}

func kindOf(p *Page, svcID, kind string) (*catalog.CaseKind, bool) {
	if svc := p.labels.service(svcID); svc != nil {
		return svc.Kind(kind)
	}
	return nil, false
}
