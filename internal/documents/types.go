package documents

import (
	"path"
	"strings"
)

// FileType describes one kind of file the store can recognise by content.
type FileType struct {
	// ID is the short identifier used in Limits.Allowed and Blob.Type.
	ID string
	// MIME is the media type the file is served with.
	MIME string
	// Name is how the type is named to a person, in both languages.
	Name string
	// Extensions lists the file name extensions that may declare the type.
	Extensions []string
}

// Type identifiers recognised by content.
const (
	TypePDF  = "pdf"
	TypePNG  = "png"
	TypeJPEG = "jpeg"
	TypeZIP  = "zip"
	TypeDOCX = "docx"
	TypeXLSX = "xlsx"
	TypeODT  = "odt"
	TypeTXT  = "txt"
)

// fileTypes returns the recognised types; a function rather than a variable
// so that no caller can change the table.
func fileTypes() []FileType {
	return []FileType{
		{TypePDF, "application/pdf", "PDF", []string{".pdf"}},
		{TypePNG, "image/png", "PNG", []string{".png"}},
		{TypeJPEG, "image/jpeg", "JPEG", []string{".jpg", ".jpeg", ".jpe", ".jfif"}},
		{TypeZIP, "application/zip", "ZIP", []string{".zip"}},
		{TypeDOCX, "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word (DOCX)", []string{".docx"}},
		{TypeXLSX, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel (XLSX)", []string{".xlsx"}},
		{TypeODT, "application/vnd.oasis.opendocument.text", "OpenDocument (ODT)", []string{".odt"}},
		{TypeTXT, "text/plain; charset=utf-8", "TXT", []string{".txt", ".text"}},
	}
}

// LookupType returns the description of the type with the given identifier.
func LookupType(id string) (FileType, bool) {
	for _, t := range fileTypes() {
		if t.ID == id {
			return t, true
		}
	}
	return FileType{}, false
}

// typeName returns the display name of a type identifier, or the identifier
// itself when it is unknown.
func typeName(id string) string {
	if t, ok := LookupType(id); ok {
		return t.Name
	}
	return id
}

// mediaTypeIDs returns the type identifiers that a declared media type
// (a Content-Type) may mean. The second result is false when nothing was
// declared: an empty value, or application/octet-stream, which browsers send
// when they do not know.
func mediaTypeIDs(contentType string) ([]string, bool) {
	d := strings.ToLower(strings.TrimSpace(contentType))
	if i := strings.IndexByte(d, ';'); i >= 0 {
		d = strings.TrimSpace(d[:i])
	}
	switch d {
	case "", "application/octet-stream", "binary/octet-stream":
		return nil, false
	case "image/jpg", "image/pjpeg":
		return []string{TypeJPEG}, true
	case "application/x-zip-compressed", "application/x-zip":
		return []string{TypeZIP}, true
	case "application/x-pdf":
		return []string{TypePDF}, true
	}
	var ids []string
	for _, t := range fileTypes() {
		if d == strings.SplitN(t.MIME, ";", 2)[0] {
			ids = append(ids, t.ID)
		}
	}
	return ids, true
}

// extensionIDs returns the type identifiers that a file name's extension may
// mean. The second result is false when the name has no extension.
func extensionIDs(name string) ([]string, bool) {
	name = strings.ReplaceAll(strings.TrimSpace(name), `\`, "/")
	ext := strings.ToLower(path.Ext(path.Base(name)))
	if ext == "" || ext == "." {
		return nil, false
	}
	var ids []string
	for _, t := range fileTypes() {
		for _, e := range t.Extensions {
			if ext == e {
				ids = append(ids, t.ID)
			}
		}
	}
	return ids, true
}
