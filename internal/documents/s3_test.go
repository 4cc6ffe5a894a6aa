package documents

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// newTestS3 returns an S3 store in a fresh bucket. It uses the server at
// MIZ_TEST_S3_ENDPOINT (with MIZ_TEST_S3_ACCESS_KEY, MIZ_TEST_S3_SECRET_KEY
// and MIZ_TEST_S3_SECURE) when set; otherwise it starts s3rver, the npm
// package, when MIZ_TEST_S3RVER names its executable or it is on PATH; and
// otherwise it skips.
func newTestS3(t *testing.T) backend {
	t.Helper()
	endpoint := os.Getenv("MIZ_TEST_S3_ENDPOINT")
	access, secret := os.Getenv("MIZ_TEST_S3_ACCESS_KEY"), os.Getenv("MIZ_TEST_S3_SECRET_KEY")
	secure := os.Getenv("MIZ_TEST_S3_SECURE") == "true"
	if endpoint == "" {
		endpoint = startS3rver(t)
		access, secret, secure = "S3RVER", "S3RVER", false
	}
	ctx := context.Background()
	client, err := minio.New(endpoint, &minio.Options{Creds: credentials.NewStaticV4(access, secret, ""), Secure: secure})
	if err != nil {
		t.Fatal(err)
	}
	bucket := fmt.Sprintf("miz-test-%d", time.Now().UnixNano())
	if err := client.MakeBucket(ctx, bucket, minio.MakeBucketOptions{}); err != nil {
		t.Fatalf("make bucket: %v", err)
	}
	tmp := t.TempDir()
	s, err := NewS3(ctx, S3Config{Endpoint: endpoint, Bucket: bucket, AccessKey: access, SecretKey: secret, Secure: secure, TempDir: tmp}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		for obj := range client.ListObjects(ctx, bucket, minio.ListObjectsOptions{Recursive: true}) {
			_ = client.RemoveObject(ctx, bucket, obj.Key, minio.RemoveObjectOptions{})
		}
		_ = client.RemoveBucket(ctx, bucket)
	})
	return backend{name: "s3", store: s, leftovers: func(t testing.TB) []string {
		left := filesUnder(t, tmp)
		for obj := range client.ListObjects(ctx, bucket, minio.ListObjectsOptions{Recursive: true}) {
			if obj.Err != nil {
				t.Fatal(obj.Err)
			}
			left = append(left, "s3:"+obj.Key)
		}
		return left
	}}
}

// startS3rver starts s3rver on a free loopback port for the test, or skips.
func startS3rver(t *testing.T) string {
	t.Helper()
	bin := os.Getenv("MIZ_TEST_S3RVER")
	if bin == "" {
		var err error
		if bin, err = exec.LookPath("s3rver"); err != nil {
			t.Skip("no S3 server: set MIZ_TEST_S3_ENDPOINT, or install s3rver (npm) and put it on PATH or in MIZ_TEST_S3RVER")
		}
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	dir := filepath.Join(t.TempDir(), "s3rver")
	cmd := exec.Command(bin, "-d", dir, "-a", "127.0.0.1", "-p", fmt.Sprint(port), "--silent", "--no-vhost-buckets")
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatalf("start s3rver: %v", err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	for deadline := time.Now().Add(15 * time.Second); ; {
		c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err == nil {
			c.Close()
			return addr
		}
		if time.Now().After(deadline) {
			t.Fatalf("s3rver did not listen on %s: %s", addr, out.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}
