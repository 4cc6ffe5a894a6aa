package certify

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/itoir/miz/internal/store"
)

// GetTx returns the certificate with number as tx sees it, or an error wrapping
// store.ErrNotFound; the application module uses it to check a re-application's
// previous certificate in the transaction that submits it.
func GetTx(ctx context.Context, tx *store.Tx, number string) (Certificate, error) {
	return getTx(ctx, tx, CanonicalNumber(number))
}

// NumberForCase returns the number of the certificate issued on the application
// with tracking code caseCode, or an error wrapping store.ErrNotFound while none is.
func NumberForCase(ctx context.Context, tx *store.Tx, caseCode string) (string, error) {
	var n string
	err := tx.QueryRow(ctx, `SELECT number FROM certificates WHERE case_code = ? ORDER BY id DESC LIMIT 1`, caseCode).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("certify: certificate of case %s: %w", caseCode, store.ErrNotFound)
	}
	if err != nil {
		return "", fmt.Errorf("certify: certificate of case %s: %w", caseCode, err)
	}
	return n, nil
}
