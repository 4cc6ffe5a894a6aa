package feed

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/itoir/miz/internal/cert/match"
)

// Format is a feed file's format.
type Format string

// The formats Open recognises.
const (
	FormatCSV  Format = "csv"  // Shadowserver-style report with a header row
	FormatJSON Format = "json" // IntelMQ-style events, one JSON object a line
)

// Reader yields a feed's events one at a time.
type Reader struct {
	// Format is what Open found.
	Format Format
	feed   string
	next   func() (Event, *BadRow, error)
	cls    *classifier
}

// ErrNoColumns says a CSV header names none of the columns an event is matched by.
var ErrNoColumns = errors.New("feed: the header has no ip, hostname or asn column")

// Open starts reading a feed from r: JSON lines when the first byte (after a byte-order mark) is
// '{', else CSV with a header row. feed names the report when rows do not.
func Open(r io.Reader, feed string) (*Reader, error) {
	br := bufio.NewReaderSize(r, 256*1024)
	fr := &Reader{feed: feed, cls: newClassifier()}
	// A UTF-8 byte-order mark says nothing of the format.
	if bom, _ := br.Peek(3); bytes.Equal(bom, []byte{0xEF, 0xBB, 0xBF}) {
		_, _ = br.Discard(3)
	}
	if _, err := br.Peek(1); err != nil && err != io.EOF {
		return nil, fmt.Errorf("feed: open: %w", err)
	}
	b, _ := br.Peek(1)
	if len(b) > 0 && b[0] == '{' {
		fr.Format = FormatJSON
		fr.next = fr.jsonLines(br)
		return fr, nil
	}
	fr.Format = FormatCSV
	next, err := fr.csvRows(br)
	if err != nil {
		return nil, err
	}
	fr.next = next
	return fr, nil
}

// Next returns the next event, or a bad row (with a zero event), or io.EOF at the
// end. Any other error is the input failing, not a row.
func (r *Reader) Next() (Event, *BadRow, error) { return r.next() }

// fields is what one row says, before it is checked and classified.
type fields struct {
	time, ip, port, asn, host, tag, severity, class, typ, feed string
}

// event checks and normalises a row's fields into an event.
func (r *Reader) event(line int, f fields) (Event, *BadRow) {
	bad := func(key, format string, args ...any) (Event, *BadRow) {
		return Event{}, &BadRow{Line: line, Reason: fmt.Sprintf(format, args...), Key: key, Value: fmt.Sprint(args...)}
	}
	e := Event{Line: line, Feed: strings.TrimSpace(f.feed), Tag: strings.TrimSpace(f.tag)}
	if e.Feed == "" {
		e.Feed = r.feed
	}
	if s := strings.TrimSpace(f.ip); s != "" {
		a, err := netip.ParseAddr(s)
		if err != nil {
			return bad("feed.bad.ip", "ip %q is not an IPv4 or IPv6 address", s)
		}
		e.IP = a.Unmap()
	}
	if s := strings.TrimSpace(f.port); s != "" {
		p, err := strconv.Atoi(s)
		if err != nil || p < 0 || p > 65535 {
			return bad("feed.bad.port", "port %q is not a number from 0 to 65535", s)
		}
		e.Port = p
	}
	if s := strings.TrimSpace(f.asn); s != "" {
		n, err := match.ParseASN(s)
		if err != nil {
			return bad("feed.bad.asn", "asn %q is not an AS number", s)
		}
		e.ASN = n
	}
	if s := strings.TrimSpace(f.host); s != "" {
		h, err := match.NormalizeDomain(s)
		if err != nil {
			return bad("feed.bad.host", "hostname %q is not a domain name", s)
		}
		e.Host = h
	}
	if !e.IP.IsValid() && e.Host == "" && e.ASN == 0 {
		return bad("feed.bad.nothing", "no ip, hostname or asn to match")
	}
	if s := strings.TrimSpace(f.time); s != "" {
		t, err := parseTime(s)
		if err != nil {
			return bad("feed.bad.time", "timestamp %q is not a date and time", s)
		}
		e.Time = t
	}
	c := r.cls.classify(f.class, f.typ, e.Tag, e.Feed, f.severity)
	e.Class, e.Type, e.Severity = c.class, c.typ, c.severity
	return e, nil
}

// timeLayouts are the timestamps feeds write: Shadowserver's "2006-01-02 15:04:05"
// (UTC), IntelMQ's RFC 3339 with or without fractions, and a bare date.
var timeLayouts = []string{"2006-01-02 15:04:05", time.RFC3339Nano, "2006-01-02 15:04:05Z07:00",
	"2006-01-02T15:04:05", "2006-01-02 15:04:05.999999", "2006-01-02"}

func parseTime(s string) (time.Time, error) {
	for _, l := range timeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC(), nil
		}
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil && n > 0 {
		return time.Unix(n, 0).UTC(), nil
	}
	return time.Time{}, fmt.Errorf("feed: time %q", s)
}
