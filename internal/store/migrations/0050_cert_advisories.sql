-- CERT advisories and warnings (SLA M-4.1, issue 16): an editor drafts, a second
-- editor reviews and publishes (four eyes), later revisions keep their history, and
-- each published advisory is also a signed CSAF 2.0 document.

-- One row per advisory: the published version's summary (revision, release dates,
-- search text) and at most one pending draft (a new advisory or its next revision).
CREATE TABLE cert_advisories (
    id {{ID}},
    tracking_id TEXT UNIQUE,            -- given at first publication: MIZ-2026-0001
    tlp TEXT NOT NULL,                  -- of the published version: CLEAR, GREEN or AMBER
    state TEXT NOT NULL,                -- draft | review | published (no pending draft)
    created_by BIGINT NOT NULL REFERENCES accounts(id),
    created_at BIGINT NOT NULL,
    draft TEXT NOT NULL DEFAULT '',     -- JSON of the pending content
    draft_author BIGINT REFERENCES accounts(id),
    draft_note TEXT NOT NULL DEFAULT '',
    draft_updated_at BIGINT NOT NULL,
    submitted_by BIGINT REFERENCES accounts(id),
    revision INTEGER NOT NULL DEFAULT 0,
    initial_release BIGINT,
    current_release BIGINT,
    search TEXT NOT NULL DEFAULT ''     -- persian.SearchKey of the published text
);
CREATE INDEX cert_advisories_release ON cert_advisories (current_release);

-- Every published revision, never changed afterwards.
CREATE TABLE cert_advisory_revisions (
    advisory_id BIGINT NOT NULL REFERENCES cert_advisories(id),
    number INTEGER NOT NULL,
    content TEXT NOT NULL,
    change_note TEXT NOT NULL,
    author_id BIGINT NOT NULL REFERENCES accounts(id),
    reviewer_id BIGINT NOT NULL REFERENCES accounts(id),
    published_at BIGINT NOT NULL,
    PRIMARY KEY (advisory_id, number)
);

-- Hardening-guide packages attached to an advisory; the content is in the blob store.
CREATE TABLE cert_advisory_files (
    id {{ID}},
    advisory_id BIGINT NOT NULL REFERENCES cert_advisories(id),
    name TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    size BIGINT NOT NULL,
    mime TEXT NOT NULL,
    added_by BIGINT NOT NULL REFERENCES accounts(id),
    added_at BIGINT NOT NULL
);
CREATE INDEX cert_advisory_files_advisory ON cert_advisory_files (advisory_id);

-- The CSAF 2.0 document of each advisory's current revision, as served, with its
-- hashes and detached OpenPGP signature (made once, at publication).
CREATE TABLE cert_csaf_documents (
    advisory_id BIGINT PRIMARY KEY REFERENCES cert_advisories(id),
    label TEXT NOT NULL,                -- CSAF 2.0 TLP label: WHITE, GREEN or AMBER
    path TEXT NOT NULL UNIQUE,          -- white/2026/miz-2026-0001.json
    body {{BLOB}} NOT NULL,
    sha256 TEXT NOT NULL,
    sha512 TEXT NOT NULL,
    signature TEXT NOT NULL,
    title TEXT NOT NULL,
    initial_release BIGINT NOT NULL,
    current_release BIGINT NOT NULL
);
