package identity

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/itoir/miz/internal/persian"
	"github.com/itoir/miz/internal/store"
)

// OrganizationByNationalID loads an organisation by its national ID (شناسه ملی), in
// Persian or ASCII digits; store.ErrNotFound when there is none.
func OrganizationByNationalID(ctx context.Context, tx *store.Tx, nationalID string) (Organization, error) {
	var o Organization
	id := persian.ASCIIDigits(nationalID)
	err := tx.QueryRow(ctx, `SELECT id, national_id, kind, name_fa, name_en, email, province FROM organizations WHERE national_id = ?`, id).
		Scan(&o.ID, &o.NationalID, &o.Kind, &o.NameFa, &o.NameEn, &o.Email, &o.Province)
	if errors.Is(err, sql.ErrNoRows) {
		err = store.ErrNotFound
	}
	if err != nil {
		return o, fmt.Errorf("identity: organization %q: %w", id, err)
	}
	return o, nil
}

// AccountIDByUsername finds an enabled account by its user name (or, for an
// organisation's or a person's account, the national ID it signs in with);
// store.ErrNotFound when there is none.
func AccountIDByUsername(ctx context.Context, tx *store.Tx, username string) (int64, error) {
	var id int64
	err := tx.QueryRow(ctx, `SELECT id FROM accounts WHERE username = ? AND disabled = FALSE`, persian.ASCIIDigits(username)).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		err = store.ErrNotFound
	}
	if err != nil {
		return 0, fmt.Errorf("identity: account %q: %w", username, err)
	}
	return id, nil
}
