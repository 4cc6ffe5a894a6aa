package web

import (
	"math"
	"strconv"
	"strings"

	"github.com/itoir/miz/internal/catalog"
	"github.com/itoir/miz/internal/i18n"
	"github.com/itoir/miz/internal/persian"
	"github.com/itoir/miz/internal/slareport"
)

// obligationView is one obligation of a report as a reader sees it: its text,
// how it is accounted for, and each figure with a label and a value in words.
type obligationView struct {
	ID      string
	Text    string
	Measure string // a sentence; "" when the figures speak for themselves
	Figures []figureView
}

type figureView struct{ Label, Value string }

// reportView labels every figure of a report in the page's language: names from
// the message tables, kinds and states from the catalog, never a raw code.
func reportView(p *Page, pub *slareport.Published) []obligationView {
	l := string(p.Lang)
	svc := p.labels.service(pub.Service)
	var out []obligationView
	for _, o := range pub.Obligations {
		v := obligationView{ID: o.ID, Text: o.Text.In(l)}
		if o.Measure != slareport.MeasureFigures {
			v.Measure = i18n.T(p.Lang, "report.measure."+o.Measure)
		}
		for _, f := range o.Figures {
			v.Figures = append(v.Figures, figureView{Label: figureLabel(p, svc, f), Value: figureValue(p, f)})
		}
		out = append(out, v)
	}
	return out
}

func figureLabel(p *Page, svc *catalog.Service, f slareport.Figure) string {
	name, arg, _ := strings.Cut(f.Name, ":")
	var label string
	switch name {
	case "complaints_outcome":
		key := "complaints.outcome." + arg
		if !i18n.Has(key) {
			key = "report.unknown"
		}
		label = i18n.T(p.Lang, "report.fig.complaints_outcome", i18n.T(p.Lang, key))
	case "step_target_met_percent":
		state := arg
		if svc != nil {
			if k, ok := svc.Kind(f.Kind); ok {
				if st, ok := k.State(arg); ok {
					state = st.Name.In(string(p.Lang))
				}
			}
		}
		label = i18n.T(p.Lang, "report.fig.step_target_met_percent", state)
	default:
		key := "report.fig." + name
		if !i18n.Has(key) {
			key = "report.unknown"
		}
		label = i18n.T(p.Lang, key)
	}
	if f.Kind != "" && svc != nil {
		if k, ok := svc.Kind(f.Kind); ok {
			label += " — " + k.Name.In(string(p.Lang))
		}
	}
	return label
}

func figureValue(p *Page, f slareport.Figure) string {
	if f.Value == nil {
		return i18n.T(p.Lang, "ux.no_data")
	}
	s := strconv.FormatFloat(math.Round(*f.Value*100)/100, 'f', -1, 64)
	unit := ""
	switch f.Unit {
	case "":
	case "%":
		unit = "٪"
		if p.Lang == i18n.En {
			unit = "%"
		}
	default:
		key := "report.unit." + strings.ReplaceAll(f.Unit, " ", "_")
		if i18n.Has(key) {
			unit = " " + i18n.T(p.Lang, key)
		}
	}
	if p.Lang == i18n.Fa {
		s = persian.PersianDigits(strings.Replace(s, ".", "٫", 1))
	}
	return s + unit
}
