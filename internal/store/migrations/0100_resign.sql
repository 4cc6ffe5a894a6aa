-- Issue 19, runbook "signing key compromised": live certificates are signed again
-- with the active key (`miz keys resign`). A re-signed certificate has a new JWS and
-- so a new digest, logged in a "resigned" record; every earlier record keeps the
-- digest it logged. So each event now carries its own digest, and `miz log audit`
-- rebuilds each record from it. Additive: an instance of the previous release
-- writes '' here, which means "the certificate's digest" (what that release logs).
ALTER TABLE certificate_events ADD COLUMN jws_sha256 TEXT NOT NULL DEFAULT '';
UPDATE certificate_events SET jws_sha256 = (SELECT c.jws_sha256 FROM certificates c WHERE c.id = certificate_events.certificate_id);

-- The log records of certificates of attendance: the issuance, then one per
-- re-signing. course_certificates keeps the current JWS and the index of the record
-- that carries it (what a proof proves). A certificate issued by the previous
-- release has no row here; its issuance is rebuilt from course_certificates.
CREATE TABLE course_certificate_records (
    tlog_index BIGINT PRIMARY KEY,
    certificate_id BIGINT NOT NULL REFERENCES course_certificates(id),
    kind TEXT NOT NULL CHECK (kind IN ('issue', 'resigned')),
    at BIGINT NOT NULL,
    jws_sha256 TEXT NOT NULL
);
INSERT INTO course_certificate_records (tlog_index, certificate_id, kind, at, jws_sha256)
    SELECT tlog_index, id, 'issue', issued_at, jws_sha256 FROM course_certificates;
CREATE INDEX course_certificate_records_cert ON course_certificate_records (certificate_id, tlog_index);
