// Package backup writes Miz's whole state — every database table, every document blob,
// the signing keys — to one archive while the server keeps serving, and restores such an
// archive into an empty data directory and an empty database of either dialect.
//
// An archive is a tar stream (gzip-compressed unless written as plain .tar) holding, in
// this order: db/<table>.jsonl for every table (one JSON object per row, keys sorted,
// values typed: numbers, strings, booleans, base64 for blobs, null), the document blobs
// under documents/sha256/ab/cd/<hex>, the key ring under keys/, and manifest.json last,
// because only then are the counts and hashes it records known.
//
// Tables are discovered from the database catalog, not from a list kept here, so that a
// table added by any migration is backed up without touching this package.
package backup

import (
	"encoding/json"
	"fmt"
	"time"
)

// FormatVersion is the archive layout this package writes and the newest it reads.
const FormatVersion = 1

// ManifestName is the archive entry that describes the rest.
const ManifestName = "manifest.json"

// Manifest describes an archive: where it came from and what a restore must reproduce.
type Manifest struct {
	Format        int        `json:"format"`
	MizVersion    string     `json:"miz_version"`
	SchemaVersion int        `json:"schema_version"`
	Dialect       string     `json:"dialect"`
	CreatedAt     time.Time  `json:"created_at"`
	Tables        []TableSum `json:"tables"`
	Documents     DocSum     `json:"documents"`
	Keys          []FileSum  `json:"keys"`
	// AuditEntries and AuditHead are the length and head hash of the audit chain in the
	// snapshot; a restored database must verify to the same head.
	AuditEntries int64  `json:"audit_entries"`
	AuditHead    string `json:"audit_head"`
}

// TableSum records one table stream: its columns, row count and the SHA-256 of the
// db/<table>.jsonl bytes, which a restore recomputes from the rows it inserted.
type TableSum struct {
	Name    string   `json:"name"`
	Columns []Column `json:"columns"`
	Rows    int64    `json:"rows"`
	SHA256  string   `json:"sha256"`
}

// DocSum counts the document blobs in an archive.
type DocSum struct {
	Count int64 `json:"count"`
	Bytes int64 `json:"bytes"`
}

// FileSum records one file of the key ring.
type FileSum struct {
	Name   string `json:"name"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// table returns the summary of the named table, or nil.
func (m *Manifest) table(name string) *TableSum {
	for i := range m.Tables {
		if m.Tables[i].Name == name {
			return &m.Tables[i]
		}
	}
	return nil
}

func decodeManifest(b []byte) (*Manifest, error) {
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("backup: manifest: %w", err)
	}
	if m.Format < 1 || m.Format > FormatVersion {
		return nil, fmt.Errorf("backup: archive format %d is not one this binary reads (newest %d): upgrade miz", m.Format, FormatVersion)
	}
	return &m, nil
}
