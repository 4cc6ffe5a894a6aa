package evidence

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/itoir/miz/internal/catalog"
)

// TestEvidenceKeyWrapsAPerFileDataKeyAndChunksCannotMove: every file gets its own
// data key; a chunk opened at another place, with another file's key or under
// another evidence key fails, so a stored file cannot be spliced or swapped.
func TestEvidenceKeyWrapsAPerFileDataKeyAndChunksCannotMove(t *testing.T) {
	k, err := LoadOrCreateKey(filepath.Join(t.TempDir(), "keys", "evidence.key"))
	if err != nil {
		t.Fatal(err)
	}
	a, wrappedA, err := k.newDataKey()
	if err != nil {
		t.Fatal(err)
	}
	_, wrappedB, _ := k.newDataKey()
	if bytes.Equal(wrappedA, wrappedB) {
		t.Fatal("two files share a wrapped data key")
	}
	plain := []byte("pcap of a C2 beacon")
	c0, _ := seal(a, plain, chunkAD(0))
	if bytes.Contains(c0, plain) {
		t.Fatal("chunk holds its plaintext")
	}
	again, err := k.dataKey(k.ID(), wrappedA)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := open(again, c0, chunkAD(0)); err != nil || !bytes.Equal(got, plain) {
		t.Fatalf("round trip: %v", err)
	}
	if _, err := open(again, c0, chunkAD(1)); err == nil {
		t.Fatal("a chunk opened at another place")
	}
	b, _ := k.dataKey(k.ID(), wrappedB)
	if _, err := open(b, c0, chunkAD(0)); err == nil {
		t.Fatal("a chunk opened with another file's key")
	}
	other, _ := NewKey(bytes.Repeat([]byte{7}, 32))
	if _, err := other.dataKey(k.ID(), wrappedA); err == nil {
		t.Fatal("another evidence key unwrapped the data key")
	}
}

// TestEvidenceKeyFileIsCreatedOnceAndPrivate: the key file is made on first use
// (mode 0600) and read back the same afterwards.
func TestEvidenceKeyFileIsCreatedOnceAndPrivate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "evidence.key")
	k1, err := LoadOrCreateKey(path)
	if err != nil {
		t.Fatal(err)
	}
	st, _ := os.Stat(path)
	if st.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode %v", st.Mode().Perm())
	}
	k2, err := LoadOrCreateKey(path)
	if err != nil || k2.ID() != k1.ID() {
		t.Fatalf("key read back differs: %v", err)
	}
	if _, err := NewKey([]byte("short")); err == nil {
		t.Fatal("a short key was accepted")
	}
}

// TestEvidenceLimitsComeFromTheCatalog: per-file and per-incident limits are read
// from the CERT service's settings; an unreadable or inconsistent one is an error.
func TestEvidenceLimitsComeFromTheCatalog(t *testing.T) {
	svcs, err := catalog.Defaults()
	if err != nil {
		t.Fatal(err)
	}
	for _, svc := range svcs {
		if svc.Module != "cert" {
			continue
		}
		l, err := LimitsOf(svc)
		if err != nil || l.File != 50<<20 || l.Case != 500<<20 {
			t.Fatalf("cert.yaml limits: %+v %v", l, err)
		}
	}
	bad := &catalog.Service{ID: "x", ModuleConfig: catalog.ModuleConfig{Settings: map[string]string{"evidence_file_size": "2GB", "evidence_case_size": "1GB"}}}
	if _, err := LimitsOf(bad); err == nil || !strings.Contains(err.Error(), "above") {
		t.Fatalf("file limit above case limit: %v", err)
	}
	bad.ModuleConfig.Settings = map[string]string{"evidence_file_size": "lots"}
	if _, err := LimitsOf(bad); err == nil {
		t.Fatal("an unreadable size was accepted")
	}
}

// BenchmarkEvidenceSpool is the cost of taking a file in: SHA-256 and AES-GCM of
// 1 MiB chunks into the spool file (the database insert is not included).
func BenchmarkEvidenceSpool(b *testing.B) {
	k, _ := NewKey(bytes.Repeat([]byte{1}, 32))
	s := &Service{Key: k}
	for _, size := range []int{1 << 20, 16 << 20} {
		data := bytes.Repeat([]byte{0xAB}, size)
		b.Run(SizeText(int64(size)), func(b *testing.B) {
			b.SetBytes(int64(size))
			for range b.N {
				sp, err := s.spool(bytes.NewReader(data), int64(size))
				if err != nil {
					b.Fatal(err)
				}
				sp.discard()
			}
		})
	}
}
