-- Password reset by e-mail link (security issue #11).
--
-- A link carries a random token; only its SHA-256 is kept, so a copy of the database
-- cannot be used to reset anyone's password. A token lives 30 minutes, is used once,
-- and a newer one retires the older ones of the same account.
CREATE TABLE password_resets (
    token_hash TEXT PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts(id),
    expires_at BIGINT NOT NULL,
    used_at BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);
CREATE INDEX password_resets_account ON password_resets (account_id);
