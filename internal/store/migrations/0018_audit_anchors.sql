-- Signed anchors of the audit chain (security #11). Every so often, at start and on
-- demand, the chain's head (how many entries, the last entry's hash) is signed as a
-- signed note with the desk's Ed25519 key ring and kept here, and also appended to
-- audit-anchors.log in the data directory, outside the database. `miz audit verify`
-- checks the chain against every anchor, so a cut tail or a rewritten and rehashed
-- chain no longer verifies. id is the anchor's number, the one inside its note.
CREATE TABLE audit_anchors (
    id BIGINT PRIMARY KEY,
    entries BIGINT NOT NULL,
    head TEXT NOT NULL,
    note TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
