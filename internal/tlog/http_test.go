package tlog_test

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	xtlog "golang.org/x/mod/sumdb/tlog"

	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
	"github.com/itoir/miz/internal/tlog"
)

// httpTiles fetches tiles from a served log, as a monitor would.
type httpTiles struct {
	t    *testing.T
	base string
}

func (h httpTiles) Height() int { return tlog.TileHeight }

func (h httpTiles) ReadTiles(tiles []xtlog.Tile) ([][]byte, error) {
	var out [][]byte
	for _, tile := range tiles {
		body, _ := h.get("/log/" + tlog.TilePath(tile, false))
		out = append(out, body)
	}
	return out, nil
}

func (h httpTiles) SaveTiles([]xtlog.Tile, [][]byte) {}

func (h httpTiles) get(path string) ([]byte, *http.Response) {
	h.t.Helper()
	resp, err := http.Get(h.base + path)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		h.t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		h.t.Fatalf("GET %s: %s", path, resp.Status)
	}
	return body, resp
}

func TestServedTilesRebuildTheCheckpointedRoot(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		l, key := newLog(t, db)
		growInBatches(t, db, l, 600) // two full level-0 tiles and a partial one
		srv := httptest.NewServer(tlog.Handler(l))
		defer srv.Close()
		h := httpTiles{t, srv.URL}

		cp, resp := h.get("/log/checkpoint")
		if ct := resp.Header.Get("Content-Type"); ct != "text/plain; charset=utf-8" {
			t.Fatalf("checkpoint content type %q", ct)
		}
		head, err := tlog.OpenCheckpoint(cp, key.verifier)
		if err != nil {
			t.Fatal(err)
		}
		// TileHashReader checks every tile it reads against the tree hash.
		tree := xtlog.Tree{N: head.Size, Hash: head.Root}
		r := xtlog.TileHashReader(tree, h)
		root, err := xtlog.TreeHash(head.Size, r)
		if err != nil || root != head.Root {
			t.Fatalf("root from tiles %x (err %v), checkpoint says %x", root, err, head.Root)
		}
		p, err := xtlog.ProveRecord(head.Size, 300, r)
		if err != nil || xtlog.CheckRecord(p, head.Size, head.Root, 300, xtlog.RecordHash(record(300))) != nil {
			t.Fatalf("inclusion proof from tiles: %v", err)
		}

		_, full := h.get("/log/tile/0/001")
		if cc := full.Header.Get("Cache-Control"); cc != "public, max-age=31536000, immutable" {
			t.Fatalf("full tile cache control %q", cc)
		}
		level0, _ := h.get("/log/tile/0/002.p/88")
		bundle, _ := h.get("/log/tile/entries/002.p/88")
		var i int
		for rest := bundle; len(rest) > 0; i++ {
			n := binary.BigEndian.Uint16(rest)
			entry := rest[2 : 2+n]
			rest = rest[2+n:]
			if want := record(512 + i); !bytes.Equal(entry, want) {
				t.Fatalf("entry %d is %q, want %q", 512+i, entry, want)
			}
			if lh := xtlog.RecordHash(entry); !bytes.Equal(lh[:], level0[32*i:32*i+32]) {
				t.Fatalf("entry %d does not hash to its level-0 tile hash", 512+i)
			}
		}
		if i != 88 {
			t.Fatalf("partial entry bundle holds %d entries, want 88", i)
		}
	})
}

func TestTileRequestsOutsideTheTreeAreNotFound(t *testing.T) {
	db := storetest.OpenSQLite(t)
	l, _ := newLog(t, db)
	growInBatches(t, db, l, 300)
	srv := httptest.NewServer(tlog.Handler(l))
	defer srv.Close()
	for path, want := range map[string]int{
		"/log/tile/0/000":            200,
		"/log/tile/0/001.p/44":       200,
		"/log/tile/0/001.p/45":       404, // one past the end
		"/log/tile/0/001":            404, // not full yet
		"/log/tile/1/000.p/1":        200,
		"/log/tile/1/000":            404,
		"/log/tile/2/000.p/1":        404,
		"/log/tile/entries/001.p/44": 200,
		"/log/tile/entries/001.p/45": 404,
		"/log/tile/0/1":              404, // not three digits
		"/log/tile/00/000":           404, // leading zero
		"/log/tile/0/x000":           404,
		"/log/tile/0/000.p/0":        404,
		"/log/tile/0/000.p/256":      404,
		"/log/tile/63/x999/x999/999": 404,
		"/log/elsewhere":             404,
	} {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("GET %s: %d, want %d", path, resp.StatusCode, want)
		}
	}
}

func TestEntryBundlesAreGzippedOnRequest(t *testing.T) {
	db := storetest.OpenSQLite(t)
	l, _ := newLog(t, db)
	growInBatches(t, db, l, 256)
	srv := httptest.NewServer(tlog.Handler(l))
	defer srv.Close()
	req, _ := http.NewRequest("GET", srv.URL+"/log/tile/entries/000", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("content encoding %q", resp.Header.Get("Content-Encoding"))
	}
	zr, err := gzip.NewReader(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(zr)
	if err != nil || binary.BigEndian.Uint16(body) != uint16(len(record(0))) {
		t.Fatalf("bundle %q err %v", body[:10], err)
	}
}

func TestTilePathsRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		tile    xtlog.Tile
		entries bool
		path    string
	}{
		{xtlog.Tile{H: 8, L: 0, N: 1234067, W: 256}, false, "tile/0/x001/x234/067"},
		{xtlog.Tile{H: 8, L: 2, N: 0, W: 1}, false, "tile/2/000.p/1"},
		{xtlog.Tile{H: 8, L: 0, N: 1000, W: 17}, true, "tile/entries/x001/000.p/17"},
	} {
		if got := tlog.TilePath(tc.tile, tc.entries); got != tc.path {
			t.Errorf("TilePath(%+v) = %s, want %s", tc.tile, got, tc.path)
		}
		back, entries, err := tlog.ParseTilePath(tc.path)
		if err != nil || back != tc.tile || entries != tc.entries {
			t.Errorf("ParseTilePath(%s) = %+v %v %v", tc.path, back, entries, err)
		}
	}
}

func ExampleTilePath() {
	fmt.Println(tlog.TilePath(xtlog.Tile{H: 8, L: 1, N: 1234067, W: 12}, false))
	// Output: tile/1/x001/x234/067.p/12
}
