package application

import (
	"context"
	"errors"

	"github.com/itoir/miz/internal/certify"
	"github.com/itoir/miz/internal/store"
)

// CaseReviews reads an application's reviews, newest first, for pages that have
// already read the case through the engine (which checked that the reader may see
// it). It reads the database the module's Registry shares with the engine.
func (m *Module) CaseReviews(ctx context.Context, caseID int64) ([]Review, error) {
	return LoadReviews(ctx, m.Registry.DB, caseID)
}

// CertificateNumber is the number of the certificate issued on the application with
// tracking code caseCode, or "" while none is.
func (m *Module) CertificateNumber(ctx context.Context, caseCode string) (string, error) {
	var n string
	err := m.Registry.DB.View(ctx, func(tx *store.Tx) error {
		var err error
		n, err = certify.NumberForCase(ctx, tx, caseCode)
		return err
	})
	if errors.Is(err, store.ErrNotFound) {
		return "", nil
	}
	return n, err
}
