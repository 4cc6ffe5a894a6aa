package printlink

import "testing"

func TestLoopbackReachesTheListener(t *testing.T) {
	for in, want := range map[string]string{
		"http://[::]:8080":         "http://127.0.0.1:8080",
		"http://0.0.0.0:80":        "http://127.0.0.1:80",
		"http://:8080":             "http://127.0.0.1:8080",
		"https://127.0.0.1:8443":   "https://127.0.0.1:8443",
		"http://desk.ito.gov:8080": "http://desk.ito.gov:8080",
		"http://desk.ito.gov":      "http://desk.ito.gov",
	} {
		if got := Loopback(in); got != want {
			t.Errorf("Loopback(%q) = %q, want %q", in, got, want)
		}
	}
}
