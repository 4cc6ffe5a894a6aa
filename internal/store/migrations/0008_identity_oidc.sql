-- Single sign-on logins in flight and the issue time of one-time codes.
--
-- oidc_logins holds the state (hashed), nonce and PKCE verifier of each OIDC login
-- between the redirect to the provider and its callback, so that the callback may
-- reach any instance behind the load balancer. Rows live ten minutes and are deleted
-- when used.
CREATE TABLE oidc_logins (
    state_hash TEXT PRIMARY KEY,
    nonce TEXT NOT NULL,
    verifier TEXT NOT NULL,
    redirect_url TEXT NOT NULL,
    next_path TEXT NOT NULL DEFAULT '/',
    expires_at BIGINT NOT NULL
);
CREATE INDEX oidc_logins_expiry ON oidc_logins (expires_at);

-- created_at throttles resending a code (one per minute per person and purpose).
ALTER TABLE otp_codes ADD COLUMN created_at BIGINT NOT NULL DEFAULT 0;
CREATE INDEX otp_codes_person ON otp_codes (person_id, purpose, id);
