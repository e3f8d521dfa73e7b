-- Interest in a module for which no suitable session exists yet (language, dates).
CREATE TABLE interests (
    id INTEGER PRIMARY KEY,
    person_id BIGINT NOT NULL REFERENCES people (id),
    module_id BIGINT NOT NULL REFERENCES modules (id),
    language TEXT NOT NULL CHECK (language IN ('fr', 'nl', 'en')),
    note TEXT,
    created_by BIGINT REFERENCES accounts (id),
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE (person_id, module_id)
);
CREATE INDEX interests_module_id_idx ON interests (module_id, language);
CREATE INDEX interests_created_by_idx ON interests (created_by);

-- The SEQUENCE of the calendar invitation last sent for an enrolment (one UID per session and
-- person), and when its reminder went out.
ALTER TABLE enrollments ADD COLUMN ics_sequence INTEGER NOT NULL DEFAULT 0;
ALTER TABLE enrollments ADD COLUMN reminded_at TIMESTAMP;

-- A personal calendar feed at a secret URL: only the token's hash is kept.
ALTER TABLE accounts ADD COLUMN calendar_token_hash TEXT;
CREATE UNIQUE INDEX accounts_calendar_token_hash_idx ON accounts (calendar_token_hash);
