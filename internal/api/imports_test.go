package api

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestAdaptersDoNotImportStoreOrAudit holds the seam (issue 12, docs/ARCHITECTURE.md
// "The seam"): the HTTP adapters translate HTTP to calls of domain services, which own
// their transactions and audit entries, so no file of web or api imports store or
// audit. (Their tests still may, to build a database for the domain.)
func TestAdaptersDoNotImportStoreOrAudit(t *testing.T) {
	forbidden := map[string]bool{
		"github.com/itoir/miz/internal/store": true,
		"github.com/itoir/miz/internal/audit": true,
	}
	checked := 0
	for _, dir := range []string{".", "../web"} {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			parsed, err := parser.ParseFile(token.NewFileSet(), f, src, parser.ImportsOnly)
			if err != nil {
				t.Fatal(err)
			}
			checked++
			for _, imp := range parsed.Imports {
				path, _ := strconv.Unquote(imp.Path.Value)
				if forbidden[path] {
					t.Errorf("%s imports %s: call a domain service instead", f, path)
				}
			}
		}
	}
	if checked < 40 { // both packages' files were found, not an empty glob
		t.Fatalf("checked only %d files", checked)
	}
}
