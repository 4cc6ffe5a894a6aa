package constituent

import (
	"context"
	"fmt"
	"net/mail"
	"strconv"
	"strings"

	"github.com/itoir/miz/internal/audit"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/persian"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
)

// Contact roles, in the order a warning escalates through them.
const (
	RoleTechnical  = "technical"
	RoleSupervisor = "supervisor"
	RoleHead       = "head"
)

// ContactRoles lists the roles in escalation order.
func ContactRoles() []string { return []string{RoleTechnical, RoleSupervisor, RoleHead} }

// Contact is a person told about an organisation's asset set.
type Contact struct {
	ID    int64
	OrgID int64
	Set   string
	Role  string
	Name  string
	Email string
}

// AddContact adds a contact for an asset set ("" for every set).
func (s *Service) AddContact(ctx context.Context, p *identity.Principal, c Contact) (int64, error) {
	orgID, err := orgOf(p, c.OrgID)
	if err != nil {
		return 0, err
	}
	c.Name = persian.Normalize(c.Name)
	c.Set = persian.Normalize(c.Set)
	c.Email = strings.TrimSpace(c.Email)
	if c.Name == "" {
		return 0, problem.Field("name", "error.required")
	}
	if a, err := mail.ParseAddress(c.Email); err != nil || a.Address != c.Email {
		return 0, problem.Field("email", "constituent.email.invalid")
	}
	switch c.Role {
	case RoleTechnical, RoleSupervisor, RoleHead:
	default:
		return 0, problem.Field("role", "constituent.role.invalid")
	}
	var id int64
	err = s.update(ctx, func(tx *store.Tx) error {
		id, err = tx.InsertID(ctx, `INSERT INTO cert_contacts (org_id, asset_set, role, name, email, created_at, created_by)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, orgID, c.Set, c.Role, c.Name, c.Email, store.Millis(tx.Now), p.ID)
		if err != nil {
			return fmt.Errorf("constituent: add contact: %w", err)
		}
		return audit.Record(ctx, tx, audit.AccountActor(p.ID), "cert.contact.add", "cert_contact", strconv.FormatInt(id, 10),
			map[string]any{"org": orgID, "role": c.Role, "set": c.Set})
	})
	return id, err
}

// RemoveContact deletes a contact of the caller's organisation.
func (s *Service) RemoveContact(ctx context.Context, p *identity.Principal, contactID int64) error {
	return s.update(ctx, func(tx *store.Tx) error {
		var orgID int64
		err := tx.QueryRow(ctx, `SELECT org_id FROM cert_contacts WHERE id = ?`, contactID).Scan(&orgID)
		if err != nil || !CanActFor(p, orgID) {
			return problem.New(problem.NotFound, "constituent.contact.not_found")
		}
		if _, err := tx.Exec(ctx, `DELETE FROM cert_contacts WHERE id = ?`, contactID); err != nil {
			return fmt.Errorf("constituent: remove contact %d: %w", contactID, err)
		}
		return audit.Record(ctx, tx, audit.AccountActor(p.ID), "cert.contact.remove", "cert_contact",
			strconv.FormatInt(contactID, 10), map[string]any{"org": orgID})
	})
}

// Contacts lists an organisation's contacts (0: the caller's own).
func (s *Service) Contacts(ctx context.Context, p *identity.Principal, orgID int64) ([]Contact, error) {
	orgID, err := orgOf(p, orgID)
	if err != nil {
		return nil, err
	}
	var out []Contact
	err = s.DB.View(ctx, func(tx *store.Tx) (err error) {
		out, err = ContactsTx(ctx, tx, orgID, "")
		return err
	})
	return out, err
}

// ContactsTx reads an organisation's contacts in tx, of one role or ("") all, for
// the warning package's notices.
func ContactsTx(ctx context.Context, tx *store.Tx, orgID int64, role string) ([]Contact, error) {
	rows, err := tx.Query(ctx, `SELECT id, org_id, asset_set, role, name, email FROM cert_contacts
		WHERE org_id = ? AND (? = '' OR role = ?) ORDER BY id`, orgID, role, role)
	if err != nil {
		return nil, fmt.Errorf("constituent: contacts of %d: %w", orgID, err)
	}
	defer rows.Close()
	var out []Contact
	for rows.Next() {
		var c Contact
		if err := rows.Scan(&c.ID, &c.OrgID, &c.Set, &c.Role, &c.Name, &c.Email); err != nil {
			return nil, fmt.Errorf("constituent: contacts of %d: %w", orgID, err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
