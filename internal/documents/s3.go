package documents

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// S3Config locates an S3-compatible bucket.
type S3Config struct {
	// Endpoint is the server's host:port, without a scheme.
	Endpoint string
	// Bucket must exist already; the store never creates or configures it,
	// so its access policy stays the operator's (D-1 is never public).
	Bucket string
	// AccessKey and SecretKey are the credentials.
	AccessKey, SecretKey string
	// Secure selects HTTPS.
	Secure bool
	// Region is optional.
	Region string
	// TempDir holds uploads while they are checked (default os.TempDir()).
	TempDir string
}

// S3 is a Store in an S3-compatible bucket. Objects are keyed like the disk
// layout, sha256/ab/cd/<hex>; an upload is spooled to a local temporary file
// and checked before anything is sent.
type S3 struct {
	client  *minio.Client
	bucket  string
	tempDir string
	scanner Scanner
}

var _ Store = (*S3)(nil)

// typeMetaKey is the user metadata under which the detected type is kept.
const typeMetaKey = "Miz-Type"

// NewS3 connects to the bucket and checks that it exists.
func NewS3(ctx context.Context, cfg S3Config, opts Options) (*S3, error) {
	client, err := minio.New(cfg.Endpoint, &minio.Options{
		Creds:  credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, ""),
		Secure: cfg.Secure,
		Region: cfg.Region,
	})
	if err != nil {
		return nil, fmt.Errorf("documents: open s3: %w", err)
	}
	ok, err := client.BucketExists(ctx, cfg.Bucket)
	if err != nil {
		return nil, fmt.Errorf("documents: open s3: bucket %s: %w", cfg.Bucket, err)
	}
	if !ok {
		return nil, fmt.Errorf("documents: open s3: bucket %s does not exist", cfg.Bucket)
	}
	dir := cfg.TempDir
	if dir == "" {
		dir = os.TempDir()
	}
	return &S3{client: client, bucket: cfg.Bucket, tempDir: dir, scanner: opts.Scanner}, nil
}

// Put checks the upload locally and then stores it under its SHA-256,
// unless the bucket already holds it.
func (s *S3) Put(ctx context.Context, r io.Reader, limits Limits) (Blob, error) {
	sp, err := spool(ctx, s.tempDir, r, limits, s.scanner)
	if err != nil {
		return Blob{}, err
	}
	defer sp.discard()
	b := sp.blob
	if _, err := s.Stat(ctx, b.SHA256); err == nil {
		return b, nil
	}
	// Content-MD5 lets the server verify the body. The chunked streaming
	// signature that minio-go would otherwise use over plain HTTP is not
	// understood by every S3-compatible server (s3rver stores its framing as
	// content); over HTTPS the payload is unsigned anyway.
	_, err = s.client.PutObject(ctx, s.bucket, blobKey(b.SHA256), io.NewSectionReader(sp.file, 0, b.Size), b.Size,
		minio.PutObjectOptions{
			ContentType:          b.MIME,
			UserMetadata:         map[string]string{typeMetaKey: b.Type},
			SendContentMd5:       true,
			DisableContentSha256: true,
		})
	if err != nil {
		return Blob{}, fmt.Errorf("documents: put %s: %w", b.SHA256, err)
	}
	return b, nil
}

// Open returns the content of a blob.
func (s *S3) Open(ctx context.Context, sha string) (io.ReadCloser, error) {
	if _, err := s.Stat(ctx, sha); err != nil {
		return nil, err
	}
	obj, err := s.client.GetObject(ctx, s.bucket, blobKey(sha), minio.GetObjectOptions{})
	if err != nil {
		return nil, fmt.Errorf("documents: open %s: %w", sha, s.mapErr(err))
	}
	return obj, nil
}

// Stat describes a blob from the object's metadata.
func (s *S3) Stat(ctx context.Context, sha string) (Blob, error) {
	if !validSHA256(sha) {
		return Blob{}, fmt.Errorf("documents: stat %q: %w", sha, ErrNotFound)
	}
	info, err := s.client.StatObject(ctx, s.bucket, blobKey(sha), minio.StatObjectOptions{})
	if err != nil {
		return Blob{}, fmt.Errorf("documents: stat %s: %w", sha, s.mapErr(err))
	}
	b := Blob{SHA256: sha, Size: info.Size}
	for k, v := range info.UserMetadata {
		if strings.EqualFold(strings.TrimPrefix(strings.ToLower(k), "x-amz-meta-"), typeMetaKey) {
			b.Type = v
		}
	}
	if t, ok := LookupType(b.Type); ok {
		b.MIME = t.MIME
	}
	return b, nil
}

// Delete removes a blob.
func (s *S3) Delete(ctx context.Context, sha string) error {
	if _, err := s.Stat(ctx, sha); err != nil {
		return err
	}
	if err := s.client.RemoveObject(ctx, s.bucket, blobKey(sha), minio.RemoveObjectOptions{}); err != nil {
		return fmt.Errorf("documents: delete %s: %w", sha, s.mapErr(err))
	}
	return nil
}

// Walk calls fn for every blob in the bucket.
func (s *S3) Walk(ctx context.Context, fn func(sha string, size int64) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel() // stops the listing if fn fails
	for obj := range s.client.ListObjects(ctx, s.bucket, minio.ListObjectsOptions{Prefix: "sha256/", Recursive: true}) {
		if obj.Err != nil {
			return fmt.Errorf("documents: walk: %w", obj.Err)
		}
		sha := obj.Key[strings.LastIndexByte(obj.Key, '/')+1:]
		if !validSHA256(sha) || obj.Key != blobKey(sha) {
			continue
		}
		if err := fn(sha, obj.Size); err != nil {
			return fmt.Errorf("documents: walk: %w", err)
		}
	}
	return ctx.Err()
}

// mapErr turns the server's "no such key" into ErrNotFound.
func (s *S3) mapErr(err error) error {
	resp := minio.ToErrorResponse(err)
	if resp.Code == "NoSuchKey" || resp.StatusCode == http.StatusNotFound {
		return fmt.Errorf("%w (%v)", ErrNotFound, err)
	}
	return err
}
