package xlsx

import (
	"archive/zip"
	"bytes"
	"io"
	"strings"
	"testing"
)

func TestWorkbookOpensAsZipWithTheSheet(t *testing.T) {
	var buf bytes.Buffer
	x, err := New(&buf, "Queue <1>", true)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range [][]string{{"code", "state"}, {"ABC-123", "در حال بررسی & <x>"}} {
		if err := x.Row(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := x.Close(); err != nil {
		t.Fatal(err)
	}
	z, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{}
	for _, f := range z.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(rc)
		rc.Close()
		files[f.Name] = string(b)
	}
	sheet := files["xl/worksheets/sheet1.xml"]
	for _, want := range []string{`<row r="2">`, `<c r="B2" t="inlineStr">`, "در حال بررسی &amp; &lt;x&gt;", `rightToLeft="1"`} {
		if !strings.Contains(sheet, want) {
			t.Errorf("sheet lacks %q", want)
		}
	}
	if !strings.Contains(files["xl/workbook.xml"], `name="Queue &lt;1&gt;"`) {
		t.Errorf("workbook: %s", files["xl/workbook.xml"])
	}
}

func TestColumnNames(t *testing.T) {
	for i, want := range map[int]string{0: "A", 25: "Z", 26: "AA", 701: "ZZ", 702: "AAA"} {
		if got := colName(i); got != want {
			t.Errorf("colName(%d) = %q, want %q", i, got, want)
		}
	}
}
