package billing

import (
	"net/url"
	"strconv"
	"testing"
)

func parseURL(s string) (*url.URL, error) { return url.Parse(s) }

func mustInt(t *testing.T, s string) int64 {
	t.Helper()
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return n
}
