package main

import (
	"github.com/itoir/miz/internal/cert/advisory"
	"github.com/itoir/miz/internal/cert/csaf"
	"github.com/itoir/miz/internal/documents"
	"github.com/itoir/miz/internal/store"
)

// newAdvisories builds the CERT's advisories (SLA M-4.1) with the OpenPGP key that
// signs their CSAF documents, kept in the key directory beside the Ed25519 ring
// (made on first start).
func newAdvisories(m *Main, db *store.DB, docs documents.Store) (*advisory.Service, error) {
	signer, err := csaf.LoadOrCreateSigner(keysDir(m.Config), db.Now)
	if err != nil {
		return nil, err
	}
	return &advisory.Service{DB: db, Docs: docs, Signer: signer, BaseURL: m.publicBase, Version: version, Now: db.Now}, nil
}
