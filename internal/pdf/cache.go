package pdf

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sync"

	"github.com/itoir/miz/internal/certify"
	"github.com/itoir/miz/internal/i18n"
)

// key names one printing of one version of a certificate.
type key struct {
	number string // canonical, checked to be a safe file name
	sum    string // hash of the record and the layout
	lang   i18n.Lang
}

// safeNumber is what a certificate number may look like in a file name.
var safeNumber = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9-]{0,63}$`) })

// keyOf hashes every field of the record (status, its reason and time,
// successor, credential…): whatever changes the certificate changes the key, so
// a revoked or superseded certificate never gets its old PDF.
func keyOf(c certify.Certificate, lang i18n.Lang, layout string) (key, error) {
	if !safeNumber().MatchString(c.Number) {
		return key{}, fmt.Errorf("pdf: certificate number %q is not a file name", c.Number)
	}
	rec, err := json.Marshal(c)
	if err != nil {
		return key{}, fmt.Errorf("pdf: key of %s: %w", c.Number, err)
	}
	h := sha256.New()
	h.Write([]byte(layout))
	h.Write([]byte{0})
	h.Write(rec)
	return key{number: c.Number, sum: hex.EncodeToString(h.Sum(nil)[:12]), lang: lang}, nil
}

// file is the key's file name: <number>-<hash>-<lang>.pdf.
func (k key) file() string { return k.number + "-" + k.sum + "-" + string(k.lang) + ".pdf" }

// diskCache keeps PDFs as files in one directory, readable by this user only.
type diskCache struct{ dir string }

func openCache(dir string) (diskCache, error) {
	if dir == "" {
		return diskCache{}, errors.New("pdf: no cache directory")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return diskCache{}, fmt.Errorf("pdf: cache: %w", err)
	}
	return diskCache{dir: dir}, nil
}

// read returns the cached PDF of k, if there is one.
func (d diskCache) read(k key) ([]byte, bool) {
	b, err := os.ReadFile(filepath.Join(d.dir, k.file()))
	return b, err == nil && len(b) > 0
}

// write stores b under k atomically (a temporary file renamed into place, so a
// reader never sees half a PDF) and removes the PDFs of the certificate's
// earlier versions in the same language.
func (d diskCache) write(k key, b []byte) error {
	f, err := os.CreateTemp(d.dir, ".tmp-*")
	if err != nil {
		return fmt.Errorf("pdf: cache %s: %w", k.file(), err)
	}
	tmp := f.Name()
	_, err = f.Write(b)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, filepath.Join(d.dir, k.file())) // CreateTemp made it 0600
	}
	if err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("pdf: cache %s: %w", k.file(), err)
	}
	old, _ := filepath.Glob(filepath.Join(d.dir, k.number+"-*-"+string(k.lang)+".pdf"))
	for _, o := range old {
		if filepath.Base(o) != k.file() {
			_ = os.Remove(o)
		}
	}
	return nil
}
