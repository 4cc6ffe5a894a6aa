package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/itoir/miz/internal/httpauth"
	"github.com/itoir/miz/internal/i18n"
	"github.com/itoir/miz/internal/jalali"
	"github.com/itoir/miz/internal/persian"
)

//go:embed templates
var templateFS embed.FS

// Page is what every template receives.
type Page struct {
	Lang    i18n.Lang
	Title   string
	Caller  *httpauth.Caller
	Flash   string
	Error   string
	Errors  map[string]string // field → message, tied to inputs with aria-describedby
	Form    map[string]string // values to re-fill after an error
	Banner  string            // outage notice shown on every page (C-4.4)
	Path    string
	Data    any
	Version string
	Unread  int // the signed-in person's unread notices, for the header's badge
	// ActingFor names the organisation the person acts for, shown in the header.
	ActingFor string

	labels *labeler // catalog names for the template functions of labels.go
}

// T translates a key in the page's language.
func (p *Page) T(key string, args ...any) string { return i18n.T(p.Lang, key, args...) }

// CSRF is the token the page's forms carry; an anonymous visitor is handed their
// CSRF cookie only by a page that asks for it here (issue 18).
func (p *Page) CSRF() string {
	if p.Caller == nil {
		return ""
	}
	return p.Caller.FormToken()
}

// Dir is the page's text direction.
func (p *Page) Dir() string { return p.Lang.Dir() }

// OtherLang is the language the switch offers.
func (p *Page) OtherLang() string {
	if p.Lang == i18n.En {
		return "fa"
	}
	return "en"
}

// Editor reports whether the person edits or reviews service versions somewhere.
func (p *Page) Editor() bool {
	if !p.SignedIn() {
		return false
	}
	pr := p.Caller.Principal
	if pr.Admin {
		return true
	}
	for _, roles := range pr.Grants {
		for _, r := range roles {
			if r == "editor" || r == "supervisor" {
				return true
			}
		}
	}
	return false
}

// SignedIn reports whether a principal is logged in.
func (p *Page) SignedIn() bool { return p.Caller != nil && p.Caller.Principal != nil }

// renderer holds the templates: each page is the layout plus its own file. The
// layout is parsed at start and each page on its first use, once (issue 18: parsing
// all 80-odd pages was a fifth of a cold start, and most pages of a given desk are
// never shown); TestEveryTemplateParses parses them all.
type renderer struct {
	layout *template.Template // never executed itself: pages execute clones of it
	known  map[string]bool    // page names, from the embedded files
	mu     sync.RWMutex
	pages  map[string]*template.Template
	assets *assets
}

// page returns the parsed template of page name, parsing it on first use.
func (r *renderer) page(name string) (*template.Template, error) {
	r.mu.RLock()
	t, ok := r.pages[name]
	r.mu.RUnlock()
	if ok {
		return t, nil
	}
	if !r.known[name] {
		return nil, fmt.Errorf("web: no template %q", name)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if t, ok := r.pages[name]; ok {
		return t, nil
	}
	t, err := template.Must(r.layout.Clone()).ParseFS(templateFS, "templates/"+name+".html")
	if err != nil {
		return nil, fmt.Errorf("web: parse %s: %w", name, err)
	}
	r.pages[name] = t
	return t, nil
}

// parseAll parses every page now.
func (r *renderer) parseAll() error {
	for name := range r.known {
		if _, err := r.page(name); err != nil {
			return err
		}
	}
	return nil
}

func newRenderer(a *assets) (*renderer, error) {
	funcs := template.FuncMap{
		"asset": a.URL,
		"digits": func(lang i18n.Lang, v any) string {
			// A figure held by pointer (nil meaning "no data") prints its value, never
			// its address (issue 14: the on-time percentage showed as 0x…).
			switch p := v.(type) {
			case *float64:
				if p == nil {
					return ""
				}
				v = *p
			case *int:
				if p == nil {
					return ""
				}
				v = *p
			}
			s := fmt.Sprint(v)
			if lang == i18n.Fa {
				return persian.PersianDigits(s)
			}
			return s
		},
		"date": func(lang i18n.Lang, t time.Time) string {
			if t.IsZero() {
				return "—"
			}
			d := jalali.FromTime(t)
			if lang == i18n.En {
				return t.In(jalali.Tehran()).Format("2006-01-02") + " (" + jalali.LongEn(d) + ")"
			}
			return jalali.FormatFa(d)
		},
		"datetime": func(lang i18n.Lang, t time.Time) string {
			if t.IsZero() {
				return "—"
			}
			if lang == i18n.En {
				return t.In(jalali.Tehran()).Format("2006-01-02 15:04") + " Tehran"
			}
			return jalali.FormatTimeFa(t)
		},
		"pick": func(lang i18n.Lang, fa, en string) string {
			if lang == i18n.En && en != "" {
				return en
			}
			return fa
		},
		"join":       strings.Join,
		"rials":      rials,
		"vatPercent": vatPercent,
		"monthName":  monthName,
	}
	for name, f := range labelFuncs() {
		funcs[name] = f
	}
	layout, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html")
	if err != nil {
		return nil, fmt.Errorf("web: parse layout: %w", err)
	}
	r := &renderer{layout: layout, known: map[string]bool{}, pages: map[string]*template.Template{}, assets: a}
	entries, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		if name := strings.TrimSuffix(strings.TrimPrefix(e, "templates/"), ".html"); name != "layout" {
			r.known[name] = true
		}
	}
	return r, nil
}

// render writes a page with status; rendering into a buffer first means a template
// error never leaves half a page.
func (r *renderer) render(w http.ResponseWriter, status int, name string, p *Page) error {
	t, err := r.page(name)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout.html", p); err != nil {
		return fmt.Errorf("web: render %s: %w", name, err)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, err = w.Write(buf.Bytes())
	return err
}

// bytes renders the page name into a byte slice (for pages kept ready to send).
func (r *renderer) bytes(name string, p *Page) ([]byte, error) {
	t, err := r.page(name) // parsed on first use, like render
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout.html", p); err != nil {
		return nil, fmt.Errorf("web: render %s: %w", name, err)
	}
	return buf.Bytes(), nil
}
