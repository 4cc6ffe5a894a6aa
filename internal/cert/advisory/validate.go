package advisory

import (
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/itoir/miz/internal/cert/cvss"
	"github.com/itoir/miz/internal/persian"
	"github.com/itoir/miz/internal/problem"
)

var cvePattern = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^CVE-[0-9]{4}-[0-9]{4,}$`) })

// Limits on the text of an advisory.
const (
	maxTitle = 300
	maxText  = 20000
	maxList  = 200
)

// clean normalises the Persian text of c (internal/persian, the one place) and
// trims every field, in place.
func clean(c *Content) {
	for _, f := range []*string{&c.TitleFa, &c.TitleEn, &c.SummaryFa, &c.SummaryEn, &c.RemediationFa, &c.RemediationEn} {
		*f = strings.TrimSpace(persian.Normalize(*f))
	}
	c.CVSS = strings.TrimSpace(c.CVSS)
	var ps []Product
	for _, p := range c.Products {
		p.Name = strings.TrimSpace(persian.Normalize(p.Name))
		var vs []string
		for _, v := range p.Versions {
			if v = strings.TrimSpace(persian.ASCIIDigits(v)); v != "" {
				vs = append(vs, v)
			}
		}
		p.Versions = vs
		if p.Name != "" || len(vs) > 0 {
			ps = append(ps, p)
		}
	}
	c.Products = ps
	var cves []string
	for _, id := range c.CVEs {
		if id = strings.ToUpper(strings.TrimSpace(persian.ASCIIDigits(id))); id != "" && !slices.Contains(cves, id) {
			cves = append(cves, id)
		}
	}
	c.CVEs = cves
	var refs []string
	for _, r := range c.References {
		if r = strings.TrimSpace(r); r != "" && !slices.Contains(refs, r) {
			refs = append(refs, r)
		}
	}
	c.References = refs
}

// Validate cleans c and checks it as web and API both do: a localized error on the
// field at fault, and nothing changes.
func Validate(c *Content) error {
	clean(c)
	switch {
	case !slices.Contains(Labels(), c.TLP):
		return problem.Field("tlp", "advisory.tlp")
	case !slices.Contains(Severities(), c.Severity):
		return problem.Field("severity", "advisory.severity")
	case c.TitleFa == "":
		return problem.Field("title_fa", "advisory.title.required")
	case len(c.TitleFa) > maxTitle || len(c.TitleEn) > maxTitle:
		return problem.Field("title_fa", "advisory.title.long", maxTitle)
	case c.SummaryFa == "":
		return problem.Field("summary_fa", "advisory.summary.required")
	case c.RemediationFa == "":
		return problem.Field("remediation_fa", "advisory.remediation.required")
	case len(c.SummaryFa)+len(c.SummaryEn) > maxText || len(c.RemediationFa)+len(c.RemediationEn) > maxText:
		return problem.Field("summary_fa", "advisory.text.long", maxText)
	case len(c.Products) == 0:
		return problem.Field("products", "advisory.products.required")
	case len(c.Products) > maxList || len(c.CVEs) > maxList || len(c.References) > maxList:
		return problem.Field("products", "advisory.list.long", maxList)
	}
	for _, p := range c.Products {
		if p.Name == "" {
			return problem.Field("products", "advisory.product.name")
		}
	}
	for _, id := range c.CVEs {
		if !cvePattern().MatchString(id) {
			return problem.Field("cves", "advisory.cve.invalid", id)
		}
	}
	if c.CVSS != "" {
		if _, err := cvss.Parse("cvss", c.CVSS); err != nil {
			return err
		}
	}
	for _, r := range c.References {
		u, err := url.Parse(r)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || strings.ContainsAny(r, " \t\n") {
			return problem.Field("references", "advisory.reference.invalid", r)
		}
	}
	return nil
}

// ProductsFromText reads products from lines "name: version, version" (the web
// form's textarea), so web and API send the domain the same list.
func ProductsFromText(s string) []Product {
	var ps []Product
	for _, line := range strings.Split(s, "\n") {
		name, versions, _ := strings.Cut(line, ":")
		p := Product{Name: strings.TrimSpace(name)}
		for _, v := range strings.FieldsFunc(versions, func(r rune) bool { return r == ',' || r == '،' }) {
			p.Versions = append(p.Versions, strings.TrimSpace(v))
		}
		if p.Name != "" || len(p.Versions) > 0 {
			ps = append(ps, p)
		}
	}
	return ps
}

// ProductsText writes products back as ProductsFromText reads them.
func ProductsText(ps []Product) string {
	var lines []string
	for _, p := range ps {
		l := p.Name
		if len(p.Versions) > 0 {
			l += ": " + strings.Join(p.Versions, ", ")
		}
		lines = append(lines, l)
	}
	return strings.Join(lines, "\n")
}

// ListFromText splits a textarea or field into items at white space and commas.
func ListFromText(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '،' || r == ' ' || r == '\n' || r == '\r' || r == '\t' })
}
