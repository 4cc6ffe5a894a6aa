package api

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
)

// exportRoutes declares the whole-registry exports (D-2: the registry is public).
func (a *API) exportRoutes() {
	for _, e := range []struct{ ext, ct, summary string }{
		{"csv", "text/csv; charset=utf-8", "The whole registry as CSV (UTF-8 with BOM)"},
		{"json", "application/json", "The whole registry as JSON"},
		{"xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "The whole registry as an Excel workbook"},
	} {
		a.route("GET", "/api/v1/registry/export."+e.ext, a.export(e.ext, e.ct), Op{ID: "exportRegistry" + e.ext,
			Tag: "registry", Summary: e.summary, Produces: e.ct})
	}
}

func (a *API) export(ext, ct string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var write func(context.Context, io.Writer) error
		switch ext {
		case "csv":
			write = a.Registry.WriteCSV
		case "json":
			write = a.Registry.WriteJSON
		default:
			write = a.Registry.WriteXLSX
		}
		var buf bytes.Buffer
		if err := write(r.Context(), &buf); err != nil {
			a.fail(w, r, err)
			return
		}
		w.Header().Set("Content-Disposition", `attachment; filename="miz-certificates.`+ext+`"`)
		writeCached(w, r, ct, buf.Bytes())
	}
}

// writeCachedJSON is writeCached for a JSON value.
func (a *API) writeCachedJSON(w http.ResponseWriter, r *http.Request, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeCached(w, r, "application/json; charset=utf-8", append(b, '\n'))
}
