// Package xlsx writes minimal one-sheet Office Open XML workbooks (ECMA-376) as a
// stream, for Miz's exports: the certificate registry, the staff queue and the
// service KPIs (SLA C-4.4 accountability). Cells are inline strings, so nothing
// but the current row is held in memory.
package xlsx

import (
	"archive/zip"
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Writer streams a one-sheet workbook with inline strings, so no shared-string
// table has to be held in memory. Call Row for each row, then Close.
type Writer struct {
	z    *zip.Writer
	w    io.Writer
	rows int
}

const xlsxContentTypes = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`

const xlsxRootRels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`

const xlsxWorkbookRels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`

const xlsxWorkbook = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="%s" sheetId="1" r:id="rId1"/></sheets></workbook>`

// ContentType is the media type of an XLSX workbook.
const ContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// New starts a workbook on w with one sheet named sheet; rtl shows the sheet right
// to left, as Persian readers expect.
func New(w io.Writer, sheet string, rtl bool) (*Writer, error) {
	z := zip.NewWriter(w)
	var name strings.Builder
	if err := xml.EscapeText(&name, []byte(sheet)); err != nil {
		return nil, err
	}
	parts := []struct{ path, body string }{
		{"[Content_Types].xml", xlsxContentTypes},
		{"_rels/.rels", xlsxRootRels},
		{"xl/_rels/workbook.xml.rels", xlsxWorkbookRels},
		{"xl/workbook.xml", fmt.Sprintf(xlsxWorkbook, name.String())},
	}
	for _, p := range parts {
		f, err := z.Create(p.path)
		if err != nil {
			return nil, err
		}
		if _, err := io.WriteString(f, p.body); err != nil {
			return nil, err
		}
	}
	f, err := z.Create("xl/worksheets/sheet1.xml")
	if err != nil {
		return nil, err
	}
	view := ""
	if rtl {
		view = `<sheetViews><sheetView rightToLeft="1" workbookViewId="0"/></sheetViews>`
	}
	_, err = io.WriteString(f, `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`+view+`<sheetData>`)
	return &Writer{z: z, w: f}, err
}

// colName is the spreadsheet column letter(s) of a 0-based index.
func colName(i int) string {
	s := ""
	for i++; i > 0; i = (i - 1) / 26 {
		s = string(rune('A'+(i-1)%26)) + s
	}
	return s
}

// Row appends one row of text cells.
func (x *Writer) Row(cells []string) error {
	x.rows++
	n := strconv.Itoa(x.rows)
	if _, err := io.WriteString(x.w, `<row r="`+n+`">`); err != nil {
		return err
	}
	for i, c := range cells {
		if _, err := io.WriteString(x.w, `<c r="`+colName(i)+n+`" t="inlineStr"><is><t xml:space="preserve">`); err != nil {
			return err
		}
		if err := xml.EscapeText(x.w, []byte(c)); err != nil {
			return err
		}
		if _, err := io.WriteString(x.w, `</t></is></c>`); err != nil {
			return err
		}
	}
	_, err := io.WriteString(x.w, `</row>`)
	return err
}

// Close ends the sheet and the zip archive; it does not close the underlying writer.
func (x *Writer) Close() error {
	if _, err := io.WriteString(x.w, `</sheetData></worksheet>`); err != nil {
		return err
	}
	return x.z.Close()
}
