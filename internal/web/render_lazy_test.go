package web

import (
	"strings"
	"sync"
	"testing"
)

// TestEveryTemplateParses (issue 18): pages are parsed on first use, so a broken
// template no longer stops the start; this test is where it fails instead.
func TestEveryTemplateParses(t *testing.T) {
	a, err := loadAssets()
	if err != nil {
		t.Fatal(err)
	}
	r, err := newRenderer(a)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.known) < 50 {
		t.Fatalf("only %d page templates found", len(r.known))
	}
	if err := r.parseAll(); err != nil {
		t.Fatal(err)
	}
	for name, tpl := range r.pages {
		if tpl.Lookup("layout.html") == nil {
			t.Errorf("page %s lost the layout", name)
		}
	}
	if _, err := r.page("no-such-page"); err == nil || !strings.Contains(err.Error(), "no template") {
		t.Fatalf("unknown page: %v", err)
	}
}

// TestFirstUseOfAPageIsParsedOnce: requests that arrive together for a page not yet
// parsed all get the same template.
func TestFirstUseOfAPageIsParsedOnce(t *testing.T) {
	a, err := loadAssets()
	if err != nil {
		t.Fatal(err)
	}
	r, err := newRenderer(a)
	if err != nil {
		t.Fatal(err)
	}
	var name string
	for name = range r.known {
		break
	}
	got := make(chan any, 8)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			tpl, err := r.page(name)
			if err != nil {
				t.Error(err)
			}
			got <- tpl
		})
	}
	wg.Wait()
	close(got)
	first := <-got
	for tpl := range got {
		if tpl != first {
			t.Fatalf("page %s parsed more than once", name)
		}
	}
}
