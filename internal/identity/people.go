package identity

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/itoir/miz/internal/store"
)

// CreatePerson stores a natural person. The national code must already be validated.
func CreatePerson(ctx context.Context, tx *store.Tx, p Person) (int64, error) {
	id, err := tx.InsertID(ctx, `INSERT INTO people (national_code, name_fa, name_en, mobile, mobile_verified, email, province, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, p.NationalCode, p.NameFa, p.NameEn, p.Mobile, p.MobileVerified, p.Email, p.Province, store.Millis(tx.Now))
	if err != nil {
		return 0, fmt.Errorf("identity: create person: %w", err)
	}
	return id, nil
}

// CreateOrganization stores a legal person or government agency.
func CreateOrganization(ctx context.Context, tx *store.Tx, o Organization) (int64, error) {
	if o.Kind == "" {
		o.Kind = "legal"
	}
	id, err := tx.InsertID(ctx, `INSERT INTO organizations (national_id, kind, name_fa, name_en, email, province, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, o.NationalID, o.Kind, o.NameFa, o.NameEn, o.Email, o.Province, store.Millis(tx.Now))
	if err != nil {
		return 0, fmt.Errorf("identity: create organization: %w", err)
	}
	return id, nil
}

// AddMembership lets a person act for an organisation.
func AddMembership(ctx context.Context, tx *store.Tx, personID, orgID int64, title string) error {
	_, err := tx.Exec(ctx, `INSERT INTO memberships (person_id, org_id, title, created_at) VALUES (?, ?, ?, ?)`,
		personID, orgID, title, store.Millis(tx.Now))
	if err != nil {
		return fmt.Errorf("identity: add membership: %w", err)
	}
	return nil
}

// NewAccount describes an account to create.
type NewAccount struct {
	Username    string
	Kind        AccountKind
	PersonID    int64
	OrgID       int64
	DisplayName string
	Email       string
	Password    string // hashed here; empty means no password login (OIDC only)
	// PasswordHash, when set, is stored as the argon2id hash instead of hashing
	// Password (demo seeding hashes its one shared password once per process).
	PasswordHash string
	TOTPSecret   string // enrolled when set
	Admin        bool
}

// CreateAccount stores an account, hashing its password with argon2id.
func CreateAccount(ctx context.Context, tx *store.Tx, a NewAccount) (int64, error) {
	hash := a.PasswordHash
	if hash == "" && a.Password != "" {
		var err error
		if hash, err = HashPassword(a.Password); err != nil {
			return 0, err
		}
	}
	id, err := tx.InsertID(ctx, `INSERT INTO accounts (username, kind, person_id, org_id, display_name, email, password_hash,
		totp_secret, totp_enabled, is_admin, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		strings.ToLower(a.Username), string(a.Kind), nullID(a.PersonID), nullID(a.OrgID), a.DisplayName, a.Email, hash,
		a.TOTPSecret, a.TOTPSecret != "", a.Admin, store.Millis(tx.Now))
	if err != nil {
		return 0, fmt.Errorf("identity: create account %s: %w", a.Username, err)
	}
	return id, nil
}

// Grant gives an account a staff role on a service.
func Grant(ctx context.Context, tx *store.Tx, accountID int64, service string, r Role) error {
	if !ValidRole(r) {
		return fmt.Errorf("identity: unknown role %q", r)
	}
	_, err := tx.Exec(ctx, `INSERT INTO role_grants (account_id, service, role, granted_at) VALUES (?, ?, ?, ?)`,
		accountID, service, string(r), store.Millis(tx.Now))
	if err != nil {
		return fmt.Errorf("identity: grant %s on %s: %w", r, service, err)
	}
	return nil
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

const accountColumns = `id, username, kind, COALESCE(person_id, 0), COALESCE(org_id, 0), display_name, email, totp_enabled, is_admin, lang`

func scanAccount(row interface{ Scan(...any) error }) (Account, error) {
	var a Account
	var kind string
	err := row.Scan(&a.ID, &a.Username, &kind, &a.PersonID, &a.OrgID, &a.DisplayName, &a.Email, &a.TOTPEnabled, &a.Admin, &a.Lang)
	a.Kind = AccountKind(kind)
	if errors.Is(err, sql.ErrNoRows) {
		return a, store.ErrNotFound
	}
	return a, err
}

// AccountByID loads an account.
func AccountByID(ctx context.Context, tx *store.Tx, id int64) (Account, error) {
	a, err := scanAccount(tx.QueryRow(ctx, `SELECT `+accountColumns+` FROM accounts WHERE id = ?`, id))
	if err != nil {
		return a, fmt.Errorf("identity: account %d: %w", id, err)
	}
	return a, nil
}

// LoadPrincipal builds the principal of an account: its grants and memberships.
// A disabled account has no principal (Security #2): the error is store.ErrNotFound.
func LoadPrincipal(ctx context.Context, tx *store.Tx, accountID, actingOrgID int64) (*Principal, error) {
	a, err := AccountByID(ctx, tx, accountID)
	if err != nil {
		return nil, err
	}
	var disabled bool
	if err := tx.QueryRow(ctx, `SELECT disabled FROM accounts WHERE id = ?`, accountID).Scan(&disabled); err != nil {
		return nil, fmt.Errorf("identity: account %d: %w", accountID, err)
	}
	if disabled {
		return nil, fmt.Errorf("identity: account %d is disabled: %w", accountID, store.ErrNotFound)
	}
	p := &Principal{Account: a, Grants: map[string][]Role{}}
	rows, err := tx.Query(ctx, `SELECT service, role FROM role_grants WHERE account_id = ? ORDER BY service, role`, accountID)
	if err != nil {
		return nil, fmt.Errorf("identity: grants: %w", err)
	}
	for rows.Next() {
		var svc, role string
		if err := rows.Scan(&svc, &role); err != nil {
			rows.Close()
			return nil, err
		}
		p.Grants[svc] = append(p.Grants[svc], Role(role))
	}
	rows.Close()
	if len(p.Grants) == 0 {
		p.Grants = nil
	}
	if a.PersonID != 0 {
		rows, err := tx.Query(ctx, `SELECT org_id FROM memberships WHERE person_id = ? ORDER BY org_id`, a.PersonID)
		if err != nil {
			return nil, fmt.Errorf("identity: memberships: %w", err)
		}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return nil, err
			}
			p.MemberOf = append(p.MemberOf, id)
		}
		rows.Close()
	}
	for _, id := range p.MemberOf {
		if id == actingOrgID {
			p.ActingOrgID = actingOrgID
		}
	}
	return p, nil
}

// PersonByID loads a person.
func PersonByID(ctx context.Context, tx *store.Tx, id int64) (Person, error) {
	var p Person
	err := tx.QueryRow(ctx, `SELECT id, national_code, name_fa, name_en, mobile, mobile_verified, email, province FROM people WHERE id = ?`, id).
		Scan(&p.ID, &p.NationalCode, &p.NameFa, &p.NameEn, &p.Mobile, &p.MobileVerified, &p.Email, &p.Province)
	if errors.Is(err, sql.ErrNoRows) {
		err = store.ErrNotFound
	}
	if err != nil {
		return p, fmt.Errorf("identity: person %d: %w", id, err)
	}
	return p, nil
}

// OrganizationByID loads an organisation.
func OrganizationByID(ctx context.Context, tx *store.Tx, id int64) (Organization, error) {
	var o Organization
	err := tx.QueryRow(ctx, `SELECT id, national_id, kind, name_fa, name_en, email, province FROM organizations WHERE id = ?`, id).
		Scan(&o.ID, &o.NationalID, &o.Kind, &o.NameFa, &o.NameEn, &o.Email, &o.Province)
	if errors.Is(err, sql.ErrNoRows) {
		err = store.ErrNotFound
	}
	if err != nil {
		return o, fmt.Errorf("identity: organization %d: %w", id, err)
	}
	return o, nil
}

// Memberships lists the organisations a person may act for.
func Memberships(ctx context.Context, tx *store.Tx, personID int64) ([]Organization, error) {
	rows, err := tx.Query(ctx, `SELECT o.id, o.national_id, o.kind, o.name_fa, o.name_en, o.email, o.province
		FROM memberships m JOIN organizations o ON o.id = m.org_id WHERE m.person_id = ? ORDER BY o.name_fa`, personID)
	if err != nil {
		return nil, fmt.Errorf("identity: memberships: %w", err)
	}
	defer rows.Close()
	var out []Organization
	for rows.Next() {
		var o Organization
		if err := rows.Scan(&o.ID, &o.NationalID, &o.Kind, &o.NameFa, &o.NameEn, &o.Email, &o.Province); err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// Member is a person who may act for an organisation.
type Member struct {
	Person
	Title string
}

// Members lists the people who may act for an organisation.
func Members(ctx context.Context, tx *store.Tx, orgID int64) ([]Member, error) {
	rows, err := tx.Query(ctx, `SELECT p.id, p.national_code, p.name_fa, p.name_en, m.title
		FROM memberships m JOIN people p ON p.id = m.person_id WHERE m.org_id = ? ORDER BY p.name_fa`, orgID)
	if err != nil {
		return nil, fmt.Errorf("identity: members: %w", err)
	}
	defer rows.Close()
	var out []Member
	for rows.Next() {
		var m Member
		if err := rows.Scan(&m.ID, &m.NationalCode, &m.NameFa, &m.NameEn, &m.Title); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// PersonByNationalCode finds a person by a validated national code.
func PersonByNationalCode(ctx context.Context, tx *store.Tx, code string) (Person, error) {
	var id int64
	err := tx.QueryRow(ctx, `SELECT id FROM people WHERE national_code = ?`, code).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return Person{}, fmt.Errorf("identity: person %s: %w", code, store.ErrNotFound)
	}
	if err != nil {
		return Person{}, err
	}
	return PersonByID(ctx, tx, id)
}

// RemoveMembership stops a person acting for an organisation and ends the sessions
// in which they were acting for it.
func RemoveMembership(ctx context.Context, tx *store.Tx, personID, orgID int64) error {
	res, err := tx.Exec(ctx, `DELETE FROM memberships WHERE person_id = ? AND org_id = ?`, personID, orgID)
	if err != nil {
		return fmt.Errorf("identity: remove membership: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return store.ErrNotFound
	}
	_, err = tx.Exec(ctx, `DELETE FROM sessions WHERE acting_org_id = ? AND account_id IN (SELECT id FROM accounts WHERE person_id = ?)`, orgID, personID)
	return err
}
