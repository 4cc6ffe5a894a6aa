package feed

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
)

// csvColumns maps the header names feeds use to an event's fields; Shadowserver's
// own names first, then the IntelMQ names a CSV export may carry.
var csvColumns = map[string]string{
	"timestamp": "time", "time": "time", "time.source": "time",
	"ip": "ip", "src_ip": "ip", "source.ip": "ip",
	"port": "port", "src_port": "port", "source.port": "port",
	"asn": "asn", "source.asn": "asn",
	"hostname": "host", "host": "host", "domain": "host", "source.fqdn": "host", "fqdn": "host",
	"tag": "tag", "infection": "tag", "classification.identifier": "tag",
	"severity": "severity", "feed.accuracy": "",
	"classification.taxonomy": "class", "class": "class",
	"classification.type": "type", "type": "type",
	"report_type": "feed", "feed.name": "feed", "feed": "feed",
}

// csvRows reads the header and returns the function that reads each later row.
func (r *Reader) csvRows(in io.Reader) (func() (Event, *BadRow, error), error) {
	cr := csv.NewReader(in)
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		if err == io.EOF {
			return func() (Event, *BadRow, error) { return Event{}, nil, io.EOF }, nil
		}
		return nil, fmt.Errorf("feed: read header: %w", err)
	}
	idx := map[string]int{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		if f, ok := csvColumns[h]; ok && f != "" {
			if _, seen := idx[f]; !seen {
				idx[f] = i
			}
		}
	}
	if _, ok := idx["ip"]; !ok {
		if _, ok := idx["host"]; !ok {
			if _, ok := idx["asn"]; !ok {
				return nil, ErrNoColumns
			}
		}
	}
	col := func(rec []string, name string) string {
		if i, ok := idx[name]; ok && i < len(rec) {
			return rec[i]
		}
		return ""
	}
	return func() (Event, *BadRow, error) {
		for {
			rec, err := cr.Read()
			line, _ := cr.FieldPos(0)
			if err != nil {
				var pe *csv.ParseError
				if errors.As(err, &pe) {
					return Event{}, &BadRow{Line: pe.StartLine, Reason: pe.Err.Error(), Key: "feed.bad.csv", Value: pe.Err.Error()}, nil
				}
				if err == io.EOF {
					return Event{}, nil, io.EOF
				}
				return Event{}, nil, fmt.Errorf("feed: read line %d: %w", line, err)
			}
			if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
				continue
			}
			e, bad := r.event(line, fields{
				time: col(rec, "time"), ip: col(rec, "ip"), port: col(rec, "port"), asn: col(rec, "asn"),
				host: col(rec, "host"), tag: col(rec, "tag"), severity: col(rec, "severity"),
				class: col(rec, "class"), typ: col(rec, "type"), feed: col(rec, "feed"),
			})
			return e, bad, nil
		}
	}, nil
}
