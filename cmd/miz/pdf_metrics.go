package main

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/itoir/miz/internal/pdf"
)

// pdfCollector exports the certificate PDF printer's renders, cache hits and
// rate-limited misses (issue 11 item 7).
type pdfCollector struct{ p *pdf.Printer }

var pdfDesc = prometheus.NewDesc("miz_pdf_requests_total",
	"Certificate PDF requests by outcome: render (cache miss printed), hit (served from the cache), rate_limited (miss refused).",
	[]string{"outcome"}, nil)

func (c pdfCollector) Describe(ch chan<- *prometheus.Desc) { ch <- pdfDesc }

func (c pdfCollector) Collect(ch chan<- prometheus.Metric) {
	s := c.p.Stats()
	ch <- prometheus.MustNewConstMetric(pdfDesc, prometheus.CounterValue, float64(s.Renders), "render")
	ch <- prometheus.MustNewConstMetric(pdfDesc, prometheus.CounterValue, float64(s.Hits), "hit")
	ch <- prometheus.MustNewConstMetric(pdfDesc, prometheus.CounterValue, float64(s.RateLimited), "rate_limited")
}
