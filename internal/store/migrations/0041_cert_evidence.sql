-- Issue 15, second step of the CERT module (internal/cert/reactive, internal/cert/evidence).

-- Who reported an incident for its organisation: 0 when the organisation itself did;
-- otherwise the CERT staff member who opened it on its behalf (a report by phone at
-- night), and how the report came in.
ALTER TABLE cert_incidents ADD COLUMN reported_by_staff BIGINT NOT NULL DEFAULT 0;
ALTER TABLE cert_incidents ADD COLUMN report_channel TEXT NOT NULL DEFAULT '';
-- The reporter's sector (the case's applicant type: government, org, person), kept
-- with the incident for statistics without content (D-2).
ALTER TABLE cert_incidents ADD COLUMN sector TEXT NOT NULL DEFAULT '';

-- Incident evidence (logs, pcaps, memory dumps, password-protected samples): never
-- checked like an ordinary upload, stored encrypted. Each file has its own data key
-- (AES-256-GCM), kept wrapped by the evidence key named by key_id.
CREATE TABLE cert_evidence (
    id {{ID}},
    case_id BIGINT NOT NULL REFERENCES cases(id),
    filename TEXT NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,         -- of the plaintext, shown to the reader
    tlp TEXT NOT NULL CHECK (tlp IN ('CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED')),
    description TEXT NOT NULL DEFAULT '',
    key_id TEXT NOT NULL,         -- which evidence key wrapped the data key
    wrapped_key {{BLOB}} NOT NULL,
    uploaded_by BIGINT NOT NULL,
    uploaded_at BIGINT NOT NULL
);
CREATE INDEX cert_evidence_case ON cert_evidence (case_id, id);

-- The ciphertext, apart from the listing so that listing reads no content: chunks of
-- at most 1 MiB, each sealed with the file's data key and its (evidence, seq) as
-- associated data, so no chunk can be moved or reordered unnoticed.
CREATE TABLE cert_evidence_chunks (
    evidence_id BIGINT NOT NULL REFERENCES cert_evidence(id),
    seq INTEGER NOT NULL,
    data {{BLOB}} NOT NULL,
    PRIMARY KEY (evidence_id, seq)
);
