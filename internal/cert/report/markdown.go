package report

import (
	"bytes"
	"strings"
	"sync"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// markdown renders reports: CommonMark with tables, never raw HTML (goldmark's
// default drops it), links only to http(s) and mailto, and no images (an image
// would make the reader's browser, or the PDF printer, fetch a URL the author
// chose). It is built on the first report rendered, not at package init (issue 18).
var markdown = sync.OnceValue(func() goldmark.Markdown {
	return goldmark.New(
		goldmark.WithExtensions(extension.Table, extension.Strikethrough),
		goldmark.WithParserOptions(parser.WithASTTransformers(util.Prioritized(safeLinks{}, 100))),
		goldmark.WithRendererOptions(html.WithHardWraps()),
	)
})

type safeLinks struct{}

func (safeLinks) Transform(doc *ast.Document, reader text.Reader, _ parser.Context) {
	var images []ast.Node
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch x := n.(type) {
		case *ast.Image:
			images = append(images, x)
			return ast.WalkSkipChildren, nil
		case *ast.Link:
			if !safeURL(string(x.Destination)) {
				x.Destination = []byte("#")
			}
		case *ast.AutoLink:
			if !safeURL(string(x.URL(reader.Source()))) {
				x.Parent().ReplaceChild(x.Parent(), x, ast.NewString(x.Label(reader.Source())))
			}
		}
		return ast.WalkContinue, nil
	})
	for _, img := range images {
		alt := ast.NewString([]byte("[" + string(img.Text(reader.Source())) + "]"))
		img.Parent().ReplaceChild(img.Parent(), img, alt)
	}
}

func safeURL(u string) bool {
	l := strings.ToLower(strings.TrimSpace(u))
	return strings.HasPrefix(l, "https://") || strings.HasPrefix(l, "http://") || strings.HasPrefix(l, "mailto:") ||
		strings.HasPrefix(l, "#")
}

// HTML renders a report's Markdown as safe HTML: headings, lists, tables, code,
// links; raw HTML, scripts, images and javascript: links never come through.
func HTML(md string) string {
	var buf bytes.Buffer
	if err := markdown().Convert([]byte(md), &buf); err != nil {
		return "<pre>" + escape(md) + "</pre>"
	}
	return buf.String()
}

func escape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;").Replace(s)
}
