package catalog

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// decodeBothWays decodes data as Parse now does (one YAML parse when knownFieldsOnly
// allows) and as it did before (a second parse with KnownFields), and fails the test
// if the services or the errors differ. It reports whether the one-parse way was taken.
func decodeBothWays(t *testing.T, name string, data []byte) (fast bool) {
	t.Helper()
	c := newChecker(name)
	root, ok := readNode(c, data)
	if !ok {
		return false // Parse stops before decoding
	}
	var now, before Service
	errNow := decodeService(root, data, &now)
	errBefore := decodeStrict(data, &before)
	if fmt.Sprint(errNow) != fmt.Sprint(errBefore) {
		t.Errorf("%s: error %v, before %v", name, errNow, errBefore)
	}
	if !reflect.DeepEqual(now, before) {
		t.Errorf("%s: decoded service differs from the two-parse decoding", name)
	}
	return knownFieldsOnly(root, serviceType, 0)
}

// TestOneParseDecodesAsTwoParsesDid_Issue18: for the shipped services, the fuzz
// corpus and variants of the shipped files with one key renamed (an unknown field at
// every depth), a value turned into a list or a mapping, or an alias, decoding from
// the node already parsed gives the very service and errors of decoding the text
// again with KnownFields; the shipped files take the one-parse way.
func TestOneParseDecodesAsTwoParsesDid_Issue18(t *testing.T) {
	for _, name := range []string{"services/certify.yaml", "services/cert.yaml"} {
		data, err := defaultFiles.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if !decodeBothWays(t, name, data) {
			t.Errorf("%s does not take the one-parse way", name)
		}
		variants := 0
		lines := bytes.Split(data, []byte("\n"))
		for i, line := range lines {
			s := string(line)
			key, _, ok := strings.Cut(strings.TrimLeft(s, " -"), ":")
			if i%10 != 0 || !ok || key == "" || strings.HasPrefix(strings.TrimSpace(s), "#") || strings.ContainsAny(key, " \"'") {
				continue
			}
			indent := s[:strings.Index(s, key)]
			for j, edit := range []string{
				indent + "zz_" + key + s[len(indent)+len(key):], // unknown field
				indent + key + ": [1, 2]",                       // a list where a value was
				indent + key + ": {zz: 1}",                      // a mapping where a value was
				indent + key + ": *nowhere",                     // an alias to nothing
			} {
				out := append([][]byte(nil), lines...)
				out[i] = []byte(edit)
				decodeBothWays(t, name+":"+strconv.Itoa(i+1)+"/"+strconv.Itoa(j), bytes.Join(out, []byte("\n")))
				variants++
			}
		}
		if variants < 80 {
			t.Errorf("%s: only %d variants", name, variants)
		}
	}
	corpus, _ := filepath.Glob("testdata/fuzz/FuzzParse/*")
	for _, p := range corpus {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		// a corpus file is `go test fuzz v1` and one []byte("…") line
		_, lit, ok := strings.Cut(string(b), "[]byte(")
		if !ok {
			continue
		}
		data, err := strconv.Unquote(strings.TrimSuffix(strings.TrimSpace(lit), ")"))
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		decodeBothWays(t, p, []byte(data))
	}
	if fast := decodeBothWays(t, "anchors", []byte("id: &a x\nname: *a\n")); fast {
		t.Error("a file with an alias took the one-parse way")
	}
}

// FuzzOneParseDecodesAsTwoParsesDid: the same comparison on any input.
func FuzzOneParseDecodesAsTwoParsesDid(f *testing.F) {
	min, err := os.ReadFile("testdata/minimal.yaml")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(min)
	f.Add([]byte("id: x\nzz: 1\n"))
	f.Add([]byte("case_kinds: [{id: a, process: {states: [{id: s, zz: 1}]}}]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > maxFileSize {
			return
		}
		decodeBothWays(t, "fuzz.yaml", data)
	})
}
