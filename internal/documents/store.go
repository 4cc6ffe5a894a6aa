package documents

import (
	"context"
	"io"
	"path"
)

// Store keeps uploaded documents by the SHA-256 of their content.
type Store interface {
	// Put streams r into the store after checking it against limits. It
	// returns a *RejectError when the content is refused, and stores
	// identical content only once.
	Put(ctx context.Context, r io.Reader, limits Limits) (Blob, error)
	// Open returns the content of the blob with the given hex SHA-256.
	Open(ctx context.Context, sha256 string) (io.ReadCloser, error)
	// Stat describes the blob with the given hex SHA-256.
	Stat(ctx context.Context, sha256 string) (Blob, error)
	// Delete removes a blob; only garbage collection of blobs that no case
	// refers to may call it.
	Delete(ctx context.Context, sha256 string) error
	// Walk calls fn for every blob, for backups; it stops at fn's first error.
	Walk(ctx context.Context, fn func(sha256 string, size int64) error) error
}

// Blob describes stored content.
type Blob struct {
	// SHA256 is the lowercase hex SHA-256 of the content, and its address.
	SHA256 string
	// Size is the length of the content in bytes.
	Size int64
	// Type is the type identifier detected from the content.
	Type string
	// MIME is the media type to serve the content with.
	MIME string
}

// Error is an error of this package that is not a rejection.
type Error string

// Error returns the message.
func (e Error) Error() string { return string(e) }

// ErrNotFound means no blob has the requested SHA-256; an address that is
// not a lowercase hex SHA-256 is reported the same way.
const ErrNotFound Error = "documents: blob not found"

// validSHA256 reports whether s is a lowercase hex SHA-256, so that an
// address can never name a path outside the store.
func validSHA256(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// blobKey returns the slash-separated location of a blob below the store's
// root: sha256/ab/cd/<hex>. Disk and S3 use the same layout.
func blobKey(sha string) string {
	return path.Join("sha256", sha[0:2], sha[2:4], sha)
}
