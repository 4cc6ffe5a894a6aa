package api

import "net/http"

// The CERT handlers (consent, dispatch, disclosure, reports) share two shapes:
// read the {id} of the path and a JSON body, and answer with a file a use case
// produced. Each is written once here.

// idAndBody reads the {id} path value and, when body is not nil, the strict JSON
// body into it (decode). On failure it answers with the problem and returns false.
func (a *API) idAndBody(w http.ResponseWriter, r *http.Request, body any) (int64, bool) {
	id, err := pathID(r, "id")
	if err == nil && body != nil {
		err = decode(r, body)
	}
	if err != nil {
		a.fail(w, r, err)
		return 0, false
	}
	return id, true
}

// sendPrivate answers with b, a document only its requester may keep (no shared
// cache stores it), or with err. A non-empty attachment names the download.
func (a *API) sendPrivate(w http.ResponseWriter, r *http.Request, b []byte, err error, contentType, attachment string) {
	if err != nil {
		a.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Cache-Control", "private, no-store")
	if attachment != "" {
		w.Header().Set("Content-Disposition", `attachment; filename="`+attachment+`"`)
	}
	_, _ = w.Write(b)
}
