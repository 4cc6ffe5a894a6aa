package web

import (
	"net/http"

	"github.com/itoir/miz/internal/persian"
	"github.com/itoir/miz/internal/problem"
)

// checkFormText refuses a form with a name or value that is not valid UTF-8 or
// holds a control character other than tab and line breaks (Security #11 item 11):
// 400 with a localized message, before any handler sees the text. Every form
// wrapper (form, draftForm, the upload) calls it; the form cannot say which field
// is multi-line, so tab and line breaks pass here and single-line fields normalise
// them away.
func checkFormText(r *http.Request) error {
	values := r.Form
	if r.MultipartForm != nil {
		values = r.MultipartForm.Value
	}
	for k, vs := range values {
		if persian.CheckText(k, false) != nil {
			return problem.New(problem.Invalid, "hardening.text.invalid")
		}
		for _, v := range vs {
			if persian.CheckText(v, true) != nil {
				return problem.Field(k, "hardening.text.invalid")
			}
		}
	}
	return nil
}
