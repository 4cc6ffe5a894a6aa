package notify

import (
	_ "embed"
	"html/template"
	"strings"
	"sync"
)

//go:embed email.html
var emailHTMLSource string

// emailHTML is parsed once, on first use rather than at package init (issue 18); it
// is never modified afterwards.
var emailHTML = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("email.html").Parse(emailHTMLSource))
})

// Bilingual is an e-mail written in Persian and English. Bodies are plain text:
// paragraphs separated by blank lines; single line breaks are kept.
type Bilingual struct {
	SubjectFa, SubjectEn string
	BodyFa, BodyEn       string
	Link                 string // an absolute https:// link to the page it is about
}

// Email renders b as a message to one address: the subject is Persian then English,
// the HTML part is right-to-left Persian followed by a left-to-right English section,
// and the plain-text part carries the same text in the same order.
func (b Bilingual) Email(to string) Message {
	return Message{Channel: ChannelEmail, To: to, Subject: b.subject(), Text: b.text(), HTML: b.html()}
}

func (b Bilingual) subject() string {
	fa, en := oneLine(b.SubjectFa), oneLine(b.SubjectEn)
	switch {
	case fa == "":
		return en
	case en == "":
		return fa
	}
	return fa + " | " + en
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func (b Bilingual) text() string {
	var w strings.Builder
	section := func(subject, body, linkLabel string) {
		if subject != "" {
			w.WriteString(subject + "\n\n")
		}
		if body = strings.TrimSpace(body); body != "" {
			w.WriteString(body + "\n\n")
		}
		if b.Link != "" {
			w.WriteString(linkLabel + ": " + b.Link + "\n\n")
		}
	}
	section(oneLine(b.SubjectFa), b.BodyFa, "مشاهده در میز خدمت")
	if b.SubjectEn != "" || b.BodyEn != "" {
		w.WriteString("----\n\n")
		section(oneLine(b.SubjectEn), b.BodyEn, "View on the service desk")
	}
	w.WriteString("--\nسازمان فناوری اطلاعات ایران\nInformation Technology Organization of Iran\n")
	return w.String()
}

// paragraphs splits a plain body into paragraphs of lines.
func paragraphs(body string) [][]string {
	var out [][]string
	for _, p := range strings.Split(strings.ReplaceAll(body, "\r\n", "\n"), "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, strings.Split(p, "\n"))
		}
	}
	return out
}

func (b Bilingual) html() string {
	var w strings.Builder
	err := emailHTML().Execute(&w, struct {
		SubjectFa, SubjectEn string
		BodyFa, BodyEn       [][]string
		Link                 string
	}{oneLine(b.SubjectFa), oneLine(b.SubjectEn), paragraphs(b.BodyFa), paragraphs(b.BodyEn), b.Link})
	if err != nil {
		// Cannot happen with this fixed template and string data; the text part suffices.
		return ""
	}
	return w.String()
}
