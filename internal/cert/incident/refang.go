package incident

import (
	"strings"

	"github.com/itoir/miz/internal/persian"
)

// refanger undoes the usual ways analysts defang indicators so that nobody clicks
// them by mistake: 1.2.3[.]4, evil(dot)ir, user[@]x.ir, hxxp[://]…
var refanger = strings.NewReplacer(
	"[.]", ".", "(.)", ".", "{.}", ".", "[dot]", ".", "(dot)", ".", "[DOT]", ".", "(DOT)", ".", "\\.", ".",
	"[@]", "@", "(@)", "@", "{@}", "@", "[at]", "@", "(at)", "@", "[AT]", "@", "(AT)", "@",
	"[://]", "://", "[:]", ":", "[/]", "/",
)

// clean reads one entry as typed by a person: bidi marks removed, Persian and
// Arabic-Indic digits turned into ASCII, surrounding spaces and quotes dropped, and
// defanged forms restored.
func clean(s string) string {
	s = persian.ASCIIDigits(persian.StripBidi(s))
	s = strings.Trim(strings.TrimSpace(s), "\"'<>")
	s = refanger.Replace(s)
	low := strings.ToLower(s)
	for _, p := range []struct{ from, to string }{{"hxxps", "https"}, {"hxxp", "http"}, {"hxxxp", "http"}, {"fxp", "ftp"}, {"meows", "https"}} {
		if strings.HasPrefix(low, p.from+"://") {
			s = p.to + s[len(p.from):]
			break
		}
	}
	return s
}
