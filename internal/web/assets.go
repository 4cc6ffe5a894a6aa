package web

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"net/http"
	"path"
	"strings"
)

//go:embed assets
var assetFS embed.FS

// assets maps logical asset paths ("css/miz.css") to content-hashed URLs, so that
// browsers may cache them forever and a new release is fetched at once.
type assets struct {
	urls   map[string]string // logical → /assets/<hash>/<logical>
	hashes map[string]string // logical → hash
}

func loadAssets() (*assets, error) {
	a := &assets{urls: map[string]string{}, hashes: map[string]string{}}
	err := fs.WalkDir(assetFS, "assets", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(assetFS, p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		h := hex.EncodeToString(sum[:6])
		logical := strings.TrimPrefix(p, "assets/")
		a.hashes[logical] = h
		a.urls[logical] = "/assets/" + h + "/" + logical
		return nil
	})
	return a, err
}

// URL returns the hashed URL of a logical asset path.
func (a *assets) URL(logical string) string {
	if u, ok := a.urls[logical]; ok {
		return u
	}
	return "/assets/missing/" + logical
}

// ServeHTTP serves /assets/<hash>/<path>; a stale hash still gets the current file
// but without the immutable cache header.
func (a *assets) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rest := strings.TrimPrefix(r.URL.Path, "/assets/")
	hash, logical, ok := strings.Cut(rest, "/")
	if !ok || strings.Contains(logical, "..") {
		http.NotFound(w, r)
		return
	}
	b, err := fs.ReadFile(assetFS, path.Join("assets", logical))
	if err != nil {
		http.NotFound(w, r)
		return
	}
	if a.hashes[logical] == hash {
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		w.Header().Set("Cache-Control", "no-cache")
	}
	switch path.Ext(logical) {
	case ".css":
		w.Header().Set("Content-Type", "text/css; charset=utf-8")
	case ".js":
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
	case ".woff2":
		w.Header().Set("Content-Type", "font/woff2")
	case ".txt":
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	case ".svg":
		w.Header().Set("Content-Type", "image/svg+xml")
	}
	_, _ = w.Write(b)
}
