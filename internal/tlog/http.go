package tlog

import (
	"compress/gzip"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/itoir/miz/internal/store"
)

// Cache policies: the checkpoint changes with every append; a tile or entry bundle at
// a given path, partial ones included, never changes.
const (
	cacheCheckpoint = "no-cache"
	cacheImmutable  = "public, max-age=31536000, immutable"
)

// Handler serves the log as a C2SP tiled log (c2sp.org/tlog-tiles) under /log/:
// /log/checkpoint, /log/tile/<L>/<N>[.p/<W>] and /log/tile/entries/<N>[.p/<W>].
// Mount it with mux.Handle("GET /log/", tlog.Handler(l)).
func Handler(l *Log) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /log/checkpoint", l.serveCheckpoint)
	mux.HandleFunc("GET /log/tile/", l.serveTile)
	return mux
}

func (l *Log) serveCheckpoint(w http.ResponseWriter, r *http.Request) {
	cp, err := l.Checkpoint(r.Context())
	if err != nil {
		serverError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", cacheCheckpoint)
	w.Write(cp) //nolint:errcheck // the client went away
}

func (l *Log) serveTile(w http.ResponseWriter, r *http.Request) {
	t, entries, err := ParseTilePath(strings.TrimPrefix(r.URL.Path, "/log/"))
	if err != nil {
		http.NotFound(w, r)
		return
	}
	var body []byte
	if entries {
		body, err = l.entryBundle(r.Context(), t)
	} else {
		body, err = l.tileData(r.Context(), t)
	}
	if errors.Is(err, store.ErrNotFound) {
		http.NotFound(w, r)
		return
	}
	if err != nil {
		serverError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Cache-Control", cacheImmutable)
	if entries {
		w.Header().Set("Vary", "Accept-Encoding")
		if strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
			w.Header().Set("Content-Encoding", "gzip")
			zw := gzip.NewWriter(w)
			zw.Write(body) //nolint:errcheck // the client went away
			zw.Close()     //nolint:errcheck
			return
		}
	}
	w.Write(body) //nolint:errcheck // the client went away
}

func serverError(w http.ResponseWriter, r *http.Request, err error) {
	slog.ErrorContext(r.Context(), "tlog: serve", "path", r.URL.Path, "err", err)
	if errors.Is(err, store.ErrUnavailable) {
		w.Header().Set("Retry-After", "5")
		http.Error(w, "log temporarily unavailable", http.StatusServiceUnavailable)
		return
	}
	http.Error(w, "internal error", http.StatusInternalServerError)
}

// tileEnd returns the number of records a tile covers up to and including its last
// hash, or -1 when that is beyond any possible log.
func tileEnd(t tlog.Tile) int64 {
	if t.L*TileHeight >= 62 {
		return -1
	}
	span := int64(1) << (t.L * TileHeight)
	hashes := t.N<<TileHeight + int64(t.W)
	if hashes > (1<<62)/span {
		return -1
	}
	return hashes * span
}

func (l *Log) tileData(ctx context.Context, t tlog.Tile) ([]byte, error) {
	var data []byte
	err := l.db.View(ctx, func(tx *store.Tx) error {
		end := tileEnd(t)
		if end < 0 {
			return store.ErrNotFound
		}
		if err := checkSize(ctx, tx, end); err != nil {
			return err
		}
		var err error
		data, err = tlog.ReadTileData(t, hashReader(ctx, tx))
		return err
	})
	return data, err
}

func (l *Log) entryBundle(ctx context.Context, t tlog.Tile) ([]byte, error) {
	var out []byte
	err := l.db.View(ctx, func(tx *store.Tx) error {
		start := t.N << TileHeight
		rows, err := tx.Query(ctx, "SELECT idx, data FROM tlog_leaves WHERE idx >= ? AND idx < ? ORDER BY idx",
			start, start+int64(t.W))
		if err != nil {
			return err
		}
		defer rows.Close()
		next := start
		for rows.Next() {
			var idx int64
			var data []byte
			if err := rows.Scan(&idx, &data); err != nil {
				return err
			}
			if idx != next {
				return fmt.Errorf("entry bundle: leaf %d missing", next)
			}
			next++
			out = binary.BigEndian.AppendUint16(out, uint16(len(data)))
			out = append(out, data...)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		if next != start+int64(t.W) {
			return store.ErrNotFound
		}
		return nil
	})
	return out, err
}

// ParseTilePath parses a tile path relative to the log's prefix: tile/<L>/<N>[.p/<W>]
// or, with entries true, tile/entries/<N>[.p/<W>]. The tile's height is TileHeight; for
// an entry bundle L is 0.
func ParseTilePath(path string) (t tlog.Tile, entries bool, err error) {
	bad := fmt.Errorf("tlog: tile path %q: %w", path, ErrMalformed)
	rest, ok := strings.CutPrefix(path, "tile/")
	if !ok {
		return t, false, bad
	}
	parts := strings.Split(rest, "/")
	if len(parts) < 2 {
		return t, false, bad
	}
	t.H, t.W = TileHeight, 1<<TileHeight
	if parts[0] == "entries" {
		entries = true
	} else if t.L, ok = decimal(parts[0], 63); !ok {
		return t, false, bad
	}
	parts = parts[1:]
	if n := len(parts); n >= 2 && strings.HasSuffix(parts[n-2], ".p") {
		w, ok := decimal(parts[n-1], 1<<TileHeight-1)
		if !ok || w == 0 {
			return t, false, bad
		}
		t.W = w
		parts[n-2] = strings.TrimSuffix(parts[n-2], ".p")
		parts = parts[:n-1]
	}
	if len(parts) > 7 { // 7 groups of three digits already exceed 2^63
		return t, false, bad
	}
	for i, p := range parts {
		if i < len(parts)-1 {
			if p, ok = strings.CutPrefix(p, "x"); !ok {
				return t, false, bad
			}
		}
		if len(p) != 3 || strings.Trim(p, "0123456789") != "" {
			return t, false, bad
		}
		v, _ := strconv.Atoi(p)
		if t.N > (1<<62)/1000 {
			return t, false, bad
		}
		t.N = t.N*1000 + int64(v)
	}
	return t, entries, nil
}

// TilePath returns the path of a tile (or, with entries true, of the entry bundle
// with the same index and width) relative to the log's prefix.
func TilePath(t tlog.Tile, entries bool) string {
	var b strings.Builder
	b.WriteString("tile/")
	if entries {
		b.WriteString("entries")
	} else {
		b.WriteString(strconv.Itoa(t.L))
	}
	groups := []string{fmt.Sprintf("%03d", t.N%1000)}
	for n := t.N / 1000; n > 0; n /= 1000 {
		groups = append(groups, fmt.Sprintf("x%03d", n%1000))
	}
	for i := len(groups) - 1; i >= 0; i-- {
		b.WriteString("/" + groups[i])
	}
	if t.W < 1<<TileHeight {
		fmt.Fprintf(&b, ".p/%d", t.W)
	}
	return b.String()
}

// decimal parses a decimal without leading zeroes, no larger than max.
func decimal(s string, max int) (int, bool) {
	if s == "" || len(s) > 3 || (len(s) > 1 && s[0] == '0') || strings.Trim(s, "0123456789") != "" {
		return 0, false
	}
	v, _ := strconv.Atoi(s)
	return v, v <= max
}
