package documents

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"strings"
	"testing"
)

// fakeClamd serves clamd's INSTREAM protocol on a loopback port and reports
// a threat for any stream that contains "VIRUS-SIGNATURE".
func fakeClamd(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go serveClamd(c)
		}
	}()
	return l.Addr().String()
}

// serveClamd answers one INSTREAM request.
func serveClamd(c net.Conn) {
	defer c.Close()
	r := bufio.NewReader(c)
	cmd, err := r.ReadString(0)
	if err != nil || cmd != "zINSTREAM\x00" {
		io.WriteString(c, "UNKNOWN COMMAND\x00")
		return
	}
	var data bytes.Buffer
	for {
		var n uint32
		if err := binary.Read(r, binary.BigEndian, &n); err != nil {
			return
		}
		if n == 0 {
			break
		}
		if _, err := io.CopyN(&data, r, int64(n)); err != nil {
			return
		}
	}
	if bytes.Contains(data.Bytes(), []byte("VIRUS-SIGNATURE")) {
		io.WriteString(c, "stream: Miz.Test.Signature FOUND\x00")
		return
	}
	io.WriteString(c, "stream: OK\x00")
}

func TestClamdVerdicts(t *testing.T) {
	scanner := Clamd{Addr: fakeClamd(t)}
	ctx := context.Background()
	threat, err := scanner.Scan(ctx, strings.NewReader(strings.Repeat("clean ", 50_000)))
	if err != nil || threat != "" {
		t.Fatalf("clean: %q, %v", threat, err)
	}
	threat, err = scanner.Scan(ctx, strings.NewReader(strings.Repeat("x", 100_000)+"VIRUS-SIGNATURE"))
	if err != nil || threat != "Miz.Test.Signature" {
		t.Fatalf("infected: %q, %v", threat, err)
	}
}

func TestPutRejectsWhatClamdFindsAndLeavesNothing(t *testing.T) {
	d, root := newTestDisk(t, Options{Scanner: Clamd{Addr: fakeClamd(t)}})
	text := append(sampleText(), "VIRUS-SIGNATURE\n"...)
	_, err := d.Put(context.Background(), bytes.NewReader(text), Limits{MaxBytes: 1 << 20, Allowed: []string{TypeTXT}})
	var rej *RejectError
	if !errors.As(err, &rej) || rej.Reason != ErrMalware || rej.Detail != "Miz.Test.Signature" {
		t.Fatalf("err = %v", err)
	}
	if left := filesUnder(t, root); len(left) != 0 {
		t.Fatalf("left behind: %v", left)
	}
	if _, err := d.Put(context.Background(), bytes.NewReader(sampleText()), Limits{MaxBytes: 1 << 20, Allowed: []string{TypeTXT}}); err != nil {
		t.Fatalf("clean upload: %v", err)
	}
}

func TestPutFailsClosedWhenClamdIsDown(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	d, root := newTestDisk(t, Options{Scanner: Clamd{Addr: addr}})
	_, err = d.Put(context.Background(), bytes.NewReader(sampleText()), Limits{MaxBytes: 1 << 20, Allowed: []string{TypeTXT}})
	var rej *RejectError
	if err == nil || errors.As(err, &rej) {
		t.Fatalf("err = %v, want a scan failure that is not a rejection", err)
	}
	if left := filesUnder(t, root); len(left) != 0 {
		t.Fatalf("left behind: %v", left)
	}
}

func TestParseClamdReply(t *testing.T) {
	tests := []struct {
		reply, threat string
		fails         bool
	}{
		{"stream: OK", "", false},
		{"stream: Eicar-Signature FOUND", "Eicar-Signature", false},
		{"INSTREAM size limit exceeded. ERROR", "", true},
		{"", "", true},
	}
	for _, tt := range tests {
		threat, err := parseClamdReply(tt.reply)
		if threat != tt.threat || (err != nil) != tt.fails {
			t.Errorf("%q: %q, %v", tt.reply, threat, err)
		}
	}
}
