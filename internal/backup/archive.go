package backup

import (
	"archive/tar"
	"bufio"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// walkArchive calls fn for every regular entry of the archive at path, plain tar or
// gzip-compressed, in archive order.
func walkArchive(path string, fn func(name string, r io.Reader) error) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("backup: open archive: %w", err)
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, 1<<16)
	var r io.Reader = br
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return fmt.Errorf("backup: open archive: %w", err)
		}
		defer zr.Close()
		r = zr
	}
	tr := tar.NewReader(r)
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("backup: read archive: %w", err)
		}
		if hdr.Typeflag == tar.TypeDir {
			continue
		}
		if hdr.Typeflag != tar.TypeReg {
			return fmt.Errorf("backup: archive entry %q is not a regular file", hdr.Name)
		}
		if err := fn(hdr.Name, tr); err != nil {
			return err
		}
	}
}

// ReadManifest returns the manifest of the archive at path.
func ReadManifest(path string) (*Manifest, error) {
	var m *Manifest
	err := walkArchive(path, func(name string, r io.Reader) error {
		if name != ManifestName {
			_, err := io.Copy(io.Discard, r)
			return err
		}
		b, err := io.ReadAll(io.LimitReader(r, 64<<20))
		if err != nil {
			return fmt.Errorf("backup: read manifest: %w", err)
		}
		m, err = decodeManifest(b)
		return err
	})
	if err != nil {
		return nil, err
	}
	if m == nil {
		return nil, fmt.Errorf("backup: %s has no %s: not a miz backup, or one that did not finish", path, ManifestName)
	}
	return m, nil
}

// blobAddress returns the SHA-256 named by an entry documents/sha256/ab/cd/<hex>, or
// an error for any other shape, so that no entry can name a path outside the store.
func blobAddress(name string) (string, error) {
	parts := strings.Split(name, "/")
	if len(parts) != 5 || parts[0] != "documents" || parts[1] != "sha256" {
		return "", fmt.Errorf("backup: unexpected archive entry %q", name)
	}
	sha := parts[4]
	if len(sha) != 64 || strings.Trim(sha, "0123456789abcdef") != "" || parts[2] != sha[0:2] || parts[3] != sha[2:4] {
		return "", fmt.Errorf("backup: unexpected archive entry %q", name)
	}
	return sha, nil
}

// writeBlob stores one document under root in the disk store's layout, checking that
// its content hashes to its address; the file appears only once complete.
func writeBlob(root, sha string, r io.Reader) (int64, error) {
	dir := filepath.Join(root, "sha256", sha[0:2], sha[2:4])
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return 0, fmt.Errorf("backup: document %s: %w", sha, err)
	}
	n, sum, err := writeFileAtomic(filepath.Join(dir, sha), r)
	if err != nil {
		return 0, fmt.Errorf("backup: document %s: %w", sha, err)
	}
	if sum != sha {
		_ = os.Remove(filepath.Join(dir, sha))
		return 0, fmt.Errorf("backup: document %s: content hashes to %s: archive damaged or altered", sha, sum)
	}
	return n, nil
}

// writeKey stores one key ring file, checking it against the manifest.
func writeKey(dir, name string, r io.Reader, m *Manifest) error {
	base := strings.TrimPrefix(name, "keys/")
	if base == "" || strings.ContainsAny(base, `/\`) || base == "." || base == ".." {
		return fmt.Errorf("backup: unexpected archive entry %q", name)
	}
	var want *FileSum
	for i := range m.Keys {
		if m.Keys[i].Name == base {
			want = &m.Keys[i]
		}
	}
	if want == nil {
		return fmt.Errorf("backup: key file %s is not listed in the manifest: archive altered", base)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("backup: keys: %w", err)
	}
	p := filepath.Join(dir, base)
	n, sum, err := writeFileAtomic(p, r)
	if err != nil {
		return fmt.Errorf("backup: key %s: %w", base, err)
	}
	if n != want.Size || sum != want.SHA256 {
		_ = os.Remove(p)
		return fmt.Errorf("backup: key file %s does not match the manifest's hash: archive damaged or altered", base)
	}
	return nil
}

// writeFileAtomic writes r to a temporary file next to p, syncs it and renames it into
// place, returning the length and hex SHA-256 of what was written.
func writeFileAtomic(p string, r io.Reader) (int64, string, error) {
	tmp, err := os.CreateTemp(filepath.Dir(p), ".restore-*")
	if err != nil {
		return 0, "", err
	}
	defer os.Remove(tmp.Name())
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(tmp, h), r)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), p)
	}
	if err != nil {
		return 0, "", err
	}
	return n, hex.EncodeToString(h.Sum(nil)), nil
}
