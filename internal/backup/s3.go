package backup

import (
	"context"
	"fmt"
	"net/url"
	"path"
	"sort"
	"strings"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// S3 keeps backup archives in an S3-compatible bucket under a prefix (issue 19:
// backups off the host). Archives are written locally first, complete and synced, and
// then uploaded whole, so a listed object is always a finished archive; names sort by
// age (miz-<UTC time>.tar.gz).
type S3 struct {
	client *minio.Client
	bucket string
	prefix string // "" or ending in "/"
}

// S3Location is an s3://bucket/prefix URL taken apart.
type S3Location struct{ Bucket, Prefix string }

// ParseS3URL reads s3://bucket[/prefix]; ok is false for anything else (a directory).
func ParseS3URL(s string) (loc S3Location, ok bool, err error) {
	if !strings.HasPrefix(s, "s3://") {
		return loc, false, nil
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return loc, true, fmt.Errorf("backup: %q: want s3://BUCKET[/PREFIX]", s)
	}
	loc.Bucket = u.Host
	if p := strings.Trim(u.Path, "/"); p != "" {
		loc.Prefix = p + "/"
	}
	return loc, true, nil
}

// OpenS3 connects to endpoint (host:port, or an http:// or https:// URL; https when no
// scheme is given) and checks that the bucket exists: Miz never creates it, so its
// policy and versioning stay the operator's.
func OpenS3(ctx context.Context, endpoint, accessKey, secretKey string, loc S3Location) (*S3, error) {
	secure := !strings.HasPrefix(endpoint, "http://")
	host := strings.TrimPrefix(strings.TrimPrefix(endpoint, "https://"), "http://")
	if host == "" {
		return nil, fmt.Errorf("backup: s3://%s: no S3 endpoint configured (MIZ_BACKUP_S3_ENDPOINT or MIZ_S3_ENDPOINT)", loc.Bucket)
	}
	client, err := minio.New(host, &minio.Options{Creds: credentials.NewStaticV4(accessKey, secretKey, ""), Secure: secure})
	if err != nil {
		return nil, fmt.Errorf("backup: s3: %w", err)
	}
	ok, err := client.BucketExists(ctx, loc.Bucket)
	if err != nil {
		return nil, fmt.Errorf("backup: s3: bucket %s: %w", loc.Bucket, err)
	}
	if !ok {
		return nil, fmt.Errorf("backup: s3: bucket %s does not exist", loc.Bucket)
	}
	return &S3{client: client, bucket: loc.Bucket, prefix: loc.Prefix}, nil
}

// String is the s3:// URL of the location.
func (s *S3) String() string { return "s3://" + s.bucket + "/" + s.prefix }

// Put uploads the finished archive at file as name.
func (s *S3) Put(ctx context.Context, file, name string) error {
	// Content-MD5 lets the server check the body; minio-go's chunked streaming
	// signature over plain HTTP is stored as content by some servers (s3rver).
	opts := minio.PutObjectOptions{ContentType: "application/octet-stream", SendContentMd5: true, DisableContentSha256: true}
	if _, err := s.client.FPutObject(ctx, s.bucket, s.prefix+name, file, opts); err != nil {
		return fmt.Errorf("backup: upload %s to %s: %w", name, s, err)
	}
	return nil
}

// List returns the archive names (miz-*.tar.gz, miz-*.tar) under the prefix, newest
// first.
func (s *S3) List(ctx context.Context) ([]string, error) {
	var out []string
	for obj := range s.client.ListObjects(ctx, s.bucket, minio.ListObjectsOptions{Prefix: s.prefix}) {
		if obj.Err != nil {
			return nil, fmt.Errorf("backup: list %s: %w", s, obj.Err)
		}
		n := path.Base(obj.Key)
		if obj.Key == s.prefix+n && strings.HasPrefix(n, "miz-") && (strings.HasSuffix(n, ".tar.gz") || strings.HasSuffix(n, ".tar")) {
			out = append(out, n)
		}
	}
	sort.Sort(sort.Reverse(sort.StringSlice(out)))
	return out, nil
}

// Get downloads archive name into the local file.
func (s *S3) Get(ctx context.Context, name, file string) error {
	if err := s.client.FGetObject(ctx, s.bucket, s.prefix+name, file, minio.GetObjectOptions{}); err != nil {
		return fmt.Errorf("backup: download %s from %s: %w", name, s, err)
	}
	return nil
}

// Prune removes all but the keep newest archives and returns the names removed.
func (s *S3) Prune(ctx context.Context, keep int) ([]string, error) {
	names, err := s.List(ctx)
	if err != nil || len(names) <= keep {
		return nil, err
	}
	var removed []string
	for _, n := range names[keep:] {
		if err := s.client.RemoveObject(ctx, s.bucket, s.prefix+n, minio.RemoveObjectOptions{}); err != nil {
			return removed, fmt.Errorf("backup: remove %s from %s: %w", n, s, err)
		}
		removed = append(removed, n)
	}
	return removed, nil
}
