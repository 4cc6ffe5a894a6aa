-- The certificate transparency log (internal/tlog): an append-only RFC 6962 Merkle
-- tree. Rows are only ever inserted; `miz log audit` recomputes everything from
-- tlog_leaves and reports any row that disagrees. Instants are Unix milliseconds (UTC).
CREATE TABLE tlog_leaves (
    idx BIGINT PRIMARY KEY,          -- zero-based position in the log
    data {{BLOB}} NOT NULL,          -- the record exactly as appended
    leaf_hash {{BLOB}} NOT NULL,     -- SHA-256(0x00 || data)
    created_at BIGINT NOT NULL
);

-- Every hash of the tree that is complete, keyed by x/mod/sumdb/tlog's stored hash
-- index (tlog.StoredHashIndex(level, n)); leaves are level 0.
CREATE TABLE tlog_hashes (
    idx BIGINT PRIMARY KEY,
    hash {{BLOB}} NOT NULL
);

-- The latest signed checkpoint (c2sp.org/tlog-checkpoint) for each tree size served.
CREATE TABLE tlog_checkpoints (
    size BIGINT PRIMARY KEY,
    root {{BLOB}} NOT NULL,
    note TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
