package reactive

import (
	"bytes"
	"context"
	"io"

	"github.com/itoir/miz/internal/cert/exchange"
	"github.com/itoir/miz/internal/cert/tlp"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/problem"
)

// Export formats.
const (
	FormatSTIX = "stix"
	FormatMISP = "misp"
)

// Export writes the indicators p may see of an incident as a STIX 2.1 bundle
// ("stix") or a MISP event ("misp"): the read is Incident's, so nothing above p's
// TLP reach is exported, and the exchange package drops anything above p's
// clearance again. It writes nothing on error.
func (s *Service) Export(ctx context.Context, p *identity.Principal, ref, format string, w io.Writer) error {
	write := map[string]func(io.Writer, *exchange.Incident) error{FormatSTIX: exchange.STIX, FormatMISP: exchange.MISP}[format]
	if write == nil {
		return problem.Field("format", "cert.export.format", format)
	}
	iv, err := s.Incident(ctx, p, ref)
	if err != nil {
		return err
	}
	in := &exchange.Incident{TrackingCode: iv.Case.TrackingCode, Reported: iv.Case.SubmittedAt, Label: iv.Label,
		Indicators: iv.Indicators, Clearance: tlp.Red}
	if iv.Record != nil {
		in.Reported = iv.Record.ReportedAt
		in.Class, in.Type, in.Severity = iv.Record.Class, iv.Record.Type, iv.Record.Severity
	}
	// Incident has already applied the named-recipient rule item by item; the
	// clearance below bounds what is left to what p may see without being named.
	in.Clearance = clearanceOf(p, iv)
	var buf bytes.Buffer
	if err := write(&buf, in); err != nil {
		return err
	}
	_, err = w.Write(buf.Bytes())
	return err
}

// clearanceOf is the widest label p saw on this incident: an indicator above it
// would not have passed Incident's filter.
func clearanceOf(p *identity.Principal, iv *IncidentView) tlp.Level {
	c := tlp.Clearance(viewerOf(p), iv.Case.ApplicantOrgID, iv.Case.ApplicantAccountID)
	for _, i := range iv.Indicators {
		c = tlp.Max(c, i.TLP)
	}
	return c
}
