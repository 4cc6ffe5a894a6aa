package web

import (
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"strconv"

	"github.com/itoir/miz/internal/cert/feed"
	"github.com/itoir/miz/internal/httpauth"
	"github.com/itoir/miz/internal/persian"
	"github.com/itoir/miz/internal/problem"
)

// maxFeedUpload bounds one uploaded feed file; it is streamed to disk, never held
// in memory.
const maxFeedUpload = 4 << 30

func (s *Server) feedRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /cert/feeds", s.signedIn(s.feedList))
	mux.HandleFunc("POST /cert/feeds", s.signedIn(s.feedUpload))
	mux.HandleFunc("GET /cert/feeds/{id}", s.signedIn(s.feedImport))
}

func (s *Server) renderFeeds(w http.ResponseWriter, r *http.Request, status int, p *Page) {
	if p == nil {
		p = s.page(r, "feed.title")
	}
	clearFlash(w, r)
	list, err := s.Proactive.Feeds.List(r.Context(), caller(r), 50)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	p.Data = list
	s.render(w, r, status, "feed_list", p)
}

func (s *Server) feedList(w http.ResponseWriter, r *http.Request) {
	s.renderFeeds(w, r, http.StatusOK, nil)
}

// feedUpload streams the upload to the incoming directory: the form's CSRF token
// and name come before the file, so the body is read once, front to back.
func (s *Server) feedUpload(w http.ResponseWriter, r *http.Request) {
	p := s.page(r, "feed.title")
	r.Body = http.MaxBytesReader(w, r.Body, maxFeedUpload)
	mr, err := r.MultipartReader()
	if err != nil {
		p.Errors["file"] = p.T("feed.file.required")
		s.renderFeeds(w, r, http.StatusBadRequest, p)
		return
	}
	fields := map[string]string{}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			p.Errors["file"] = p.T("feed.file.required")
			s.renderFeeds(w, r, http.StatusBadRequest, p)
			return
		}
		if part.FormName() != "file" {
			b, _ := io.ReadAll(io.LimitReader(part, 4<<10))
			fields[part.FormName()] = string(b)
			continue
		}
		s.feedUploadFile(w, r, p, fields, part)
		return
	}
	p.Errors["file"] = p.T("feed.file.required")
	s.renderFeeds(w, r, http.StatusBadRequest, p)
}

func (s *Server) feedUploadFile(w http.ResponseWriter, r *http.Request, p *Page, fields map[string]string, part *multipart.Part) {
	c := httpauth.FromContext(r.Context())
	if !c.Bearer && (c.CSRF == "" || fields["csrf"] != c.CSRF) {
		s.Fail(w, r, problem.New(problem.Forbidden, "error.csrf"))
		return
	}
	name := persian.Normalize(fields["name"])
	p.Form["name"] = name
	if part.FileName() == "" {
		p.Errors["file"] = p.T("feed.file.required")
		s.renderFeeds(w, r, http.StatusBadRequest, p)
		return
	}
	id, err := s.Proactive.Feeds.Upload(r.Context(), caller(r), part, part.FileName(), name)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			err = problem.Field("file", "feed.file.too_large")
		}
		s.fieldFail(w, r, p, err, "", s.renderFeeds)
		return
	}
	http.Redirect(w, r, "/cert/feeds/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
}

// feedImport is an import's progress page; while the import runs it reloads itself.
func (s *Server) feedImport(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	var imp feed.Import
	if err == nil {
		imp, err = s.Proactive.Feeds.Get(r.Context(), caller(r), id)
	}
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	p := s.page(r, "feed.import.title")
	p.Data = imp
	if !imp.Finished() {
		w.Header().Set("Refresh", "1")
	}
	s.render(w, r, http.StatusOK, "feed_import", p)
}
