package documents

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSafeFilename(t *testing.T) {
	tests := []struct{ in, want string }{
		{"report.pdf", "report.pdf"},
		{"گزارش نهایی.pdf", "گزارش نهایی.pdf"},
		{"گواهی\u200cنامه.pdf", "گواهی\u200cنامه.pdf"},
		{`C:\Users\ali\Desktop\scan.png`, "scan.png"},
		{"../../etc/passwd", "passwd"},
		{"evil\u202Efdp.exe", "evilfdp.exe"},
		{"a\u2066b\u2069\u200Fc.txt", "abc.txt"},
		{"line\r\nbreak\x00.pdf", "line break.pdf"},
		{"  lots   of\tspace .pdf ", "lots of space .pdf"},
		{`quote"semi;colon:star*.pdf`, "quote_semi_colon_star_.pdf"},
		{".hidden", "hidden"},
		{"...", "document"},
		{"", "document"},
		{"CON.txt", "_CON.txt"},
		{"bad\xffutf8.pdf", "badutf8.pdf"},
	}
	for _, tt := range tests {
		if got := SafeFilename(tt.in); got != tt.want {
			t.Errorf("SafeFilename(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestSafeFilenameBoundsLengthAndKeepsExtension(t *testing.T) {
	got := SafeFilename(strings.Repeat("پرونده", 100) + ".pdf")
	if len(got) > maxFilenameBytes || !strings.HasSuffix(got, ".pdf") || !utf8.ValidString(got) {
		t.Fatalf("got %q (%d bytes)", got, len(got))
	}
}

func TestContentDisposition(t *testing.T) {
	tests := []struct{ in, want string }{
		{"report.pdf", `attachment; filename="report.pdf"; filename*=UTF-8''report.pdf`},
		{"گزارش.pdf", `attachment; filename="document.pdf"; filename*=UTF-8''%DA%AF%D8%B2%D8%A7%D8%B1%D8%B4.pdf`},
		{"نامه ۲ - final.pdf", `attachment; filename="_ _ - final.pdf"; filename*=UTF-8''%D9%86%D8%A7%D9%85%D9%87%20%DB%B2%20-%20final.pdf`},
		{"a\"b\\c.txt", `attachment; filename="c.txt"; filename*=UTF-8''c.txt`},
	}
	for _, tt := range tests {
		if got := ContentDisposition(tt.in); got != tt.want {
			t.Errorf("ContentDisposition(%q)\n got %s\nwant %s", tt.in, got, tt.want)
		}
	}
}
