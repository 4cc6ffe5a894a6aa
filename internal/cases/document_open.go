package cases

import (
	"context"
	"errors"
	"io"

	"github.com/itoir/miz/internal/documents"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/problem"
)

// blobOpener is the part of the document store a download needs; documents.Store
// has it, while uploads only ever write.
type blobOpener interface {
	Open(ctx context.Context, sha256 string) (io.ReadCloser, error)
}

// OpenDocument finds document id of case code through the caller's authorised listing
// (D-1) and opens its content. It is the one rule both adapters answer a download
// by: a document the caller may not see, or whose content the blob store no longer
// holds, is NotFound (404); a blob store that cannot be reached (or none that reads)
// is Unavailable (503, Retry-After). The caller closes the body.
func (e *Engine) OpenDocument(ctx context.Context, p *identity.Principal, code string, id int64) (*Document, io.ReadCloser, error) {
	if id <= 0 {
		return nil, nil, problem.New(problem.NotFound, "error.not_found")
	}
	docs, err := e.Documents(ctx, p, code)
	if err != nil {
		return nil, nil, err
	}
	for i := range docs {
		if docs[i].ID != id {
			continue
		}
		opener, ok := e.Docs.(blobOpener)
		if !ok {
			return nil, nil, problem.Wrap(problem.Unavailable, "error.unavailable", problem.ErrUnavailable)
		}
		body, err := opener.Open(ctx, docs[i].SHA256)
		switch {
		case errors.Is(err, documents.ErrNotFound):
			return nil, nil, problem.Wrap(problem.NotFound, "error.not_found", err)
		case err != nil:
			return nil, nil, problem.Wrap(problem.Unavailable, "error.unavailable", errors.Join(problem.ErrUnavailable, err))
		}
		return &docs[i], body, nil
	}
	return nil, nil, problem.New(problem.NotFound, "error.not_found")
}
