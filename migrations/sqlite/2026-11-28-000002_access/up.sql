-- Single-use links sent by e-mail: invitations, password resets, self-registration claims.
-- Only a hash of the token is stored.
CREATE TABLE email_links (
    id INTEGER PRIMARY KEY,
    purpose TEXT NOT NULL CHECK (purpose IN ('invitation', 'password_reset', 'registration')),
    token_hash TEXT NOT NULL UNIQUE,
    account_id BIGINT REFERENCES accounts (id) ON DELETE CASCADE,
    person_id BIGINT REFERENCES people (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP,
    CHECK (account_id IS NOT NULL OR person_id IS NOT NULL)
);
CREATE INDEX email_links_account_id_idx ON email_links (account_id);
CREATE INDEX email_links_person_id_idx ON email_links (person_id);

-- Requests to join from people HR has not listed yet; HR accepts (creating the person) or refuses.
CREATE TABLE registration_requests (
    id INTEGER PRIMARY KEY,
    organization_id BIGINT NOT NULL REFERENCES organizations (id),
    full_name TEXT NOT NULL,
    email TEXT NOT NULL,
    job_title TEXT,
    language TEXT NOT NULL CHECK (language IN ('fr', 'nl', 'en')),
    status TEXT NOT NULL CHECK (status IN ('pending', 'accepted', 'refused')),
    decision_note TEXT,
    decided_by BIGINT REFERENCES accounts (id),
    decided_at TIMESTAMP,
    person_id BIGINT REFERENCES people (id),
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX registration_requests_organization_id_idx ON registration_requests (organization_id);
CREATE INDEX registration_requests_status_idx ON registration_requests (status);
CREATE INDEX registration_requests_decided_by_idx ON registration_requests (decided_by);
CREATE INDEX registration_requests_person_id_idx ON registration_requests (person_id);
CREATE INDEX registration_requests_email_idx ON registration_requests (email);

-- The audit browser filters on the action.
CREATE INDEX audit_events_action_idx ON audit_events (action);
