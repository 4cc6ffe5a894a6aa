package documents

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// Disk is a Store on the local file system, normally under <data>/documents.
// Blobs live in <root>/sha256/ab/cd/<hex>; uploads in progress in <root>/tmp,
// on the same file system so that moving them into place is atomic.
type Disk struct {
	root    string
	scanner Scanner
}

// Options are the settings shared by every Store.
type Options struct {
	// Scanner, when not nil, checks every upload for malware after the
	// built-in checks; when it fails, the upload fails.
	Scanner Scanner
}

var _ Store = (*Disk)(nil)

// NewDisk opens, creating it when needed, a store rooted at root.
func NewDisk(root string, opts Options) (*Disk, error) {
	for _, dir := range []string{root, filepath.Join(root, "sha256"), filepath.Join(root, "tmp")} {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("documents: open disk: %w", err)
		}
	}
	return &Disk{root: root, scanner: opts.Scanner}, nil
}

// Put checks the upload and stores it under its SHA-256.
func (d *Disk) Put(ctx context.Context, r io.Reader, limits Limits) (Blob, error) {
	s, err := spool(ctx, filepath.Join(d.root, "tmp"), r, limits, d.scanner)
	if err != nil {
		return Blob{}, err
	}
	defer s.discard()
	final := d.path(s.blob.SHA256)
	if err := mkdirSynced(filepath.Dir(final)); err != nil {
		return Blob{}, fmt.Errorf("documents: put: %w", err)
	}
	// A hard link never replaces an existing blob, so concurrent puts of the
	// same content are safe; the temporary name is removed by discard.
	err = os.Link(s.file.Name(), final)
	switch {
	case errors.Is(err, fs.ErrExist):
		return s.blob, nil
	case err != nil:
		// File systems without hard links: rename, which replaces an
		// identical blob at worst.
		if err := os.Rename(s.file.Name(), final); err != nil {
			return Blob{}, fmt.Errorf("documents: put: %w", err)
		}
	}
	if err := syncDir(filepath.Dir(final)); err != nil {
		return Blob{}, fmt.Errorf("documents: put: %w", err)
	}
	return s.blob, nil
}

// Open returns the content of a blob.
func (d *Disk) Open(ctx context.Context, sha string) (io.ReadCloser, error) {
	if !validSHA256(sha) {
		return nil, fmt.Errorf("documents: open %q: %w", sha, ErrNotFound)
	}
	f, err := os.Open(d.path(sha))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("documents: open %s: %w", sha, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("documents: open %s: %w", sha, err)
	}
	return f, nil
}

// Stat describes a blob, detecting its type again from its content.
func (d *Disk) Stat(ctx context.Context, sha string) (Blob, error) {
	rc, err := d.Open(ctx, sha)
	if err != nil {
		return Blob{}, err
	}
	f := rc.(*os.File)
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return Blob{}, fmt.Errorf("documents: stat %s: %w", sha, err)
	}
	t, err := detectStored(ctx, f, fi.Size())
	if err != nil {
		return Blob{}, fmt.Errorf("documents: stat %s: %w", sha, err)
	}
	return Blob{SHA256: sha, Size: fi.Size(), Type: t.ID, MIME: t.MIME}, nil
}

// Delete removes a blob.
func (d *Disk) Delete(ctx context.Context, sha string) error {
	if !validSHA256(sha) {
		return fmt.Errorf("documents: delete %q: %w", sha, ErrNotFound)
	}
	err := os.Remove(d.path(sha))
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("documents: delete %s: %w", sha, ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("documents: delete %s: %w", sha, err)
	}
	return syncDir(filepath.Dir(d.path(sha)))
}

// Walk calls fn for every blob in lexical order of address.
func (d *Disk) Walk(ctx context.Context, fn func(sha string, size int64) error) error {
	err := filepath.WalkDir(filepath.Join(d.root, "sha256"), func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if e.IsDir() || !validSHA256(e.Name()) {
			return nil
		}
		fi, err := e.Info()
		if err != nil {
			return err
		}
		return fn(e.Name(), fi.Size())
	})
	if err != nil {
		return fmt.Errorf("documents: walk: %w", err)
	}
	return nil
}

// path returns the file name of a blob.
func (d *Disk) path(sha string) string {
	return filepath.Join(d.root, filepath.FromSlash(blobKey(sha)))
}

// mkdirSynced creates dir and any missing parents, syncing each parent that
// gained an entry so that the new directories survive a crash.
func mkdirSynced(dir string) error {
	if _, err := os.Stat(dir); err == nil {
		return nil
	}
	parent := filepath.Dir(dir)
	if err := mkdirSynced(parent); err != nil {
		return err
	}
	if err := os.Mkdir(dir, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
		return err
	}
	return syncDir(parent)
}

// syncDir flushes a directory's entries to stable storage.
func syncDir(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}
