package pubcache

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

type source struct {
	rev, local atomic.Int64
	reads      atomic.Int64
}

func (s *source) Revision(context.Context) (int64, error) { s.reads.Add(1); return s.rev.Load(), nil }
func (s *source) LocalChanges() int64                     { return s.local.Load() }

// Issue 18: an entry is kept while the revision stands; a local change drops it on
// the next read, another instance's change once Recheck has passed; the revision
// is read at most once per Recheck between local changes.
func TestCacheFollowsTheRevision_Issue18(t *testing.T) {
	src := &source{}
	c := New(src, 10)
	clock := time.Unix(1000, 0)
	c.Now = func() time.Time { return clock }
	builds := 0
	body := "v1"
	get := func() string {
		e, err := c.Get(context.Background(), "k", func(context.Context) ([]byte, error) { builds++; return []byte(body), nil })
		if err != nil {
			t.Fatal(err)
		}
		return string(e.Body)
	}
	if get() != "v1" || get() != "v1" || builds != 1 || src.reads.Load() != 1 {
		t.Fatalf("builds %d, revision reads %d", builds, src.reads.Load())
	}
	body = "v2"
	src.rev.Add(1)
	src.local.Add(1) // changed here: seen at once
	if get() != "v2" {
		t.Fatal("a local change was hidden")
	}
	body = "v3"
	src.rev.Add(1) // changed by another instance: seen after Recheck
	if get() != "v2" {
		t.Fatal("the revision was read again before Recheck")
	}
	clock = clock.Add(c.Recheck)
	if get() != "v3" {
		t.Fatal("another instance's change was hidden after Recheck")
	}
}

// Write: gzip for who takes it (not for q=0), 304 for a matching If-None-Match
// (weak or strong, any of a list), a different tag for each representation, HEAD
// without a body.
func TestWriteNegotiates(t *testing.T) {
	body := []byte(strings.Repeat(`{"number":"CRT-1405-000001"}`, 40))
	e := NewEntry(body)
	hd := NewHeaders("application/json", "public, max-age=0", "")
	do := func(method string, hdr ...string) *httptest.ResponseRecorder {
		r := httptest.NewRequest(method, "/x", nil)
		for i := 0; i+1 < len(hdr); i += 2 {
			r.Header.Add(hdr[i], hdr[i+1])
		}
		w := httptest.NewRecorder()
		Write(w, r, e, hd)
		return w
	}
	w := do("GET")
	if w.Code != 200 || !bytes.Equal(w.Body.Bytes(), body) || w.Header().Get("ETag") != e.ETag || w.Header().Get("Content-Encoding") != "" {
		t.Fatalf("plain: %d %q", w.Code, w.Header())
	}
	w = do("GET", "Accept-Encoding", "br, gzip")
	zr, err := gzip.NewReader(w.Body)
	if err != nil {
		t.Fatal(err)
	}
	un, _ := io.ReadAll(zr)
	if w.Header().Get("Content-Encoding") != "gzip" || !bytes.Equal(un, body) || w.Header().Get("ETag") == e.ETag {
		t.Fatalf("gzip: %q", w.Header())
	}
	if w := do("GET", "Accept-Encoding", "gzip;q=0"); w.Header().Get("Content-Encoding") != "" {
		t.Fatal("gzip sent to a client refusing it")
	}
	if w := do("GET", "If-None-Match", `"other", W/`+e.ETag); w.Code != http.StatusNotModified || w.Body.Len() != 0 {
		t.Fatalf("If-None-Match: %d", w.Code)
	}
	if w := do("GET", "If-None-Match", e.ETag, "Accept-Encoding", "gzip"); w.Code != http.StatusOK {
		t.Fatal("the plain form's tag matched the gzip form")
	}
	if w := do("HEAD"); w.Code != 200 || w.Body.Len() != 0 || w.Header().Get("Content-Length") == "" {
		t.Fatalf("HEAD: %d, %d bytes", w.Code, w.Body.Len())
	}
}
