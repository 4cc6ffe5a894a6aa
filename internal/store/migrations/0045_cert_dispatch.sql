-- The CERT reactive line's second half (issue 15): on-site dispatch (SLA M-4.4),
-- access consent (A-4.7), technical reports (D-3) and coordinated disclosure of
-- vulnerabilities. Instants are Unix milliseconds (UTC); 0 means "not yet".

-- A team asked for on a case (an incident or a dispatch request) and what its
-- lead recorded: the dispatch clock runs from requested_at to arrived_at, 24x7.
CREATE TABLE cert_dispatches (
    id {{ID}},
    case_id BIGINT NOT NULL REFERENCES cases(id),
    requested_at BIGINT NOT NULL,
    requested_by BIGINT NOT NULL,
    request_note TEXT NOT NULL DEFAULT '',
    lead_id BIGINT NOT NULL DEFAULT 0,
    members TEXT NOT NULL DEFAULT '',          -- one name a line
    planned_departure BIGINT NOT NULL DEFAULT 0,
    eta BIGINT NOT NULL DEFAULT 0,
    team_recorded_at BIGINT NOT NULL DEFAULT 0,
    arrived_at BIGINT NOT NULL DEFAULT 0,
    left_at BIGINT NOT NULL DEFAULT 0,
    field_notes TEXT NOT NULL DEFAULT ''
);
CREATE INDEX cert_dispatches_case ON cert_dispatches (case_id);

-- Access granted by the organisation for the technical assessment (A-4.7).
CREATE TABLE cert_consents (
    id {{ID}},
    case_id BIGINT NOT NULL REFERENCES cases(id),
    org_id BIGINT NOT NULL,
    granted_by BIGINT NOT NULL,
    granted_at BIGINT NOT NULL,
    access TEXT NOT NULL CHECK (access IN ('remote', 'on_site', 'read_only', 'forensic_imaging')),
    systems TEXT NOT NULL,                     -- one a line
    purpose TEXT NOT NULL,
    valid_from BIGINT NOT NULL,
    valid_until BIGINT NOT NULL,
    revoked_at BIGINT NOT NULL DEFAULT 0,
    revoked_by BIGINT NOT NULL DEFAULT 0,
    revoke_reason TEXT NOT NULL DEFAULT ''
);
CREATE INDEX cert_consents_case ON cert_consents (case_id);

-- Each access a responder made, under the consent that allowed it.
CREATE TABLE cert_access_actions (
    id {{ID}},
    case_id BIGINT NOT NULL REFERENCES cases(id),
    consent_id BIGINT NOT NULL REFERENCES cert_consents(id),
    actor BIGINT NOT NULL,
    at BIGINT NOT NULL,
    system TEXT NOT NULL,
    action TEXT NOT NULL
);
CREATE INDEX cert_access_actions_case ON cert_access_actions (case_id);

-- Technical reports (D-3): private to the applicant; redacted_body is the
-- public-warning draft, which is not published from here.
CREATE TABLE cert_reports (
    id {{ID}},
    case_id BIGINT NOT NULL REFERENCES cases(id),
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('draft', 'in_review', 'approved', 'delivered')),
    author_id BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    submitted_at BIGINT NOT NULL DEFAULT 0,
    reviewer_id BIGINT NOT NULL DEFAULT 0,
    reviewed_at BIGINT NOT NULL DEFAULT 0,
    delivered_by BIGINT NOT NULL DEFAULT 0,
    delivered_at BIGINT NOT NULL DEFAULT 0,
    signed_json TEXT NOT NULL DEFAULT '',
    pdf {{BLOB}},
    redacted_title TEXT NOT NULL DEFAULT '',
    redacted_body TEXT NOT NULL DEFAULT '',
    redacted_by BIGINT NOT NULL DEFAULT 0,
    redacted_at BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX cert_reports_case ON cert_reports (case_id);

CREATE TABLE cert_report_files (
    id {{ID}},
    report_id BIGINT NOT NULL REFERENCES cert_reports(id),
    name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    body {{BLOB}} NOT NULL,
    added_by BIGINT NOT NULL,
    added_at BIGINT NOT NULL
);

-- Vulnerability reports from anyone (coordinated disclosure).
CREATE TABLE cert_vuln_reports (
    id {{ID}},
    ref TEXT NOT NULL UNIQUE,
    received_at BIGINT NOT NULL,
    client_key TEXT NOT NULL,                  -- hashed address, for the rate limit
    reporter_account BIGINT NOT NULL DEFAULT 0,
    reporter_name TEXT NOT NULL DEFAULT '',
    reporter_email TEXT NOT NULL DEFAULT '',
    credit_wanted {{BOOL}} NOT NULL DEFAULT FALSE,
    system TEXT NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    cvss_vector TEXT NOT NULL DEFAULT '',
    cvss_version TEXT NOT NULL DEFAULT '',
    cvss_score TEXT NOT NULL DEFAULT '',
    cvss_severity TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL CHECK (status IN ('received', 'verified', 'rejected', 'owner_informed', 'disclosed')),
    analyst_id BIGINT NOT NULL DEFAULT 0,
    verified_at BIGINT NOT NULL DEFAULT 0,
    owner_org_id BIGINT NOT NULL DEFAULT 0,
    notified_at BIGINT NOT NULL DEFAULT 0,
    notified_by BIGINT NOT NULL DEFAULT 0,
    notice_accounts INTEGER NOT NULL DEFAULT 0,
    embargo_until BIGINT NOT NULL DEFAULT 0,
    disclosed_at BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX cert_vuln_reports_client ON cert_vuln_reports (client_key, received_at);
