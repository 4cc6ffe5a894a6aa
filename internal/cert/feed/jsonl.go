package feed

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
)

// maxLine bounds one JSON line; a longer one is a bad row, skipped to its end.
const maxLine = 1 << 20

// flex is a JSON value read as text whether the feed wrote a string or a number
// (IntelMQ writes source.asn and source.port as numbers).
type flex string

func (f *flex) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*f = flex(s)
		return nil
	}
	if string(b) == "null" {
		*f = ""
		return nil
	}
	if _, err := strconv.ParseFloat(string(b), 64); err != nil {
		return fmt.Errorf("feed: %s is neither text nor a number", b)
	}
	*f = flex(b)
	return nil
}

// intelMQEvent is the part of an IntelMQ event (its flat, dotted keys) Miz reads.
type intelMQEvent struct {
	Time       flex `json:"time.source"`
	IP         flex `json:"source.ip"`
	Port       flex `json:"source.port"`
	ASN        flex `json:"source.asn"`
	FQDN       flex `json:"source.fqdn"`
	Taxonomy   flex `json:"classification.taxonomy"`
	Type       flex `json:"classification.type"`
	Identifier flex `json:"classification.identifier"`
	Malware    flex `json:"malware.name"`
	Feed       flex `json:"feed.name"`
	Severity   flex `json:"extra.severity"`
}

// jsonLines returns the function that reads one event a line.
func (r *Reader) jsonLines(br *bufio.Reader) func() (Event, *BadRow, error) {
	line := 0
	return func() (Event, *BadRow, error) {
		for {
			b, err := br.ReadSlice('\n')
			line++
			if err == bufio.ErrBufferFull || len(b) > maxLine {
				// Too long for one event: skip to the end of the line.
				for err == bufio.ErrBufferFull {
					_, err = br.ReadSlice('\n')
				}
				if err != nil && err != io.EOF {
					return Event{}, nil, fmt.Errorf("feed: read line %d: %w", line, err)
				}
				return Event{}, &BadRow{Line: line, Reason: "line too long", Key: "feed.bad.long"}, nil
			}
			if err != nil && err != io.EOF {
				return Event{}, nil, fmt.Errorf("feed: read line %d: %w", line, err)
			}
			t := bytes.TrimSpace(b)
			if len(t) == 0 {
				if err == io.EOF {
					return Event{}, nil, io.EOF
				}
				continue
			}
			var ev intelMQEvent
			if jerr := json.Unmarshal(t, &ev); jerr != nil {
				return Event{}, &BadRow{Line: line, Reason: "not a JSON object: " + jerr.Error(), Key: "feed.bad.json", Value: jerr.Error()}, nil
			}
			tag := string(ev.Identifier)
			if tag == "" {
				tag = string(ev.Malware)
			}
			e, bad := r.event(line, fields{
				time: string(ev.Time), ip: string(ev.IP), port: string(ev.Port), asn: string(ev.ASN),
				host: string(ev.FQDN), tag: tag, severity: string(ev.Severity),
				class: string(ev.Taxonomy), typ: string(ev.Type), feed: string(ev.Feed),
			})
			return e, bad, nil
		}
	}
}
