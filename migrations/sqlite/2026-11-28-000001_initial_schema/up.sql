-- Initial schema (SQLite). Keep in step with ../../postgres/2026-11-28-000001_initial_schema/up.sql:
-- the same tables, columns, constraints and index names.

CREATE TABLE organizations (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('commune', 'cpas', 'school', 'integrator', 'region')),
    nis_code TEXT,
    name_fr TEXT NOT NULL,
    name_nl TEXT NOT NULL,
    requires_enrollment_approval BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX organizations_kind_idx ON organizations (kind);

CREATE TABLE domains (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE CHECK (code IN ('finance', 'soft-hr', 'hard-hr', 'social', 'crm')),
    name_fr TEXT NOT NULL,
    name_nl TEXT NOT NULL,
    name_en TEXT NOT NULL,
    launched_on DATE,
    position INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE memberships (
    id INTEGER PRIMARY KEY,
    organization_id BIGINT NOT NULL REFERENCES organizations (id),
    domain_id BIGINT NOT NULL REFERENCES domains (id),
    status TEXT NOT NULL CHECK (status IN ('intended', 'joined', 'interested', 'declined', 'withdrawn')),
    status_since DATE NOT NULL,
    go_live_on DATE,
    required_key_users INTEGER NOT NULL DEFAULT 2 CHECK (required_key_users >= 0),
    updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE (organization_id, domain_id)
);
CREATE INDEX memberships_domain_id_idx ON memberships (domain_id);
CREATE INDEX memberships_status_idx ON memberships (status);
CREATE INDEX memberships_go_live_on_idx ON memberships (go_live_on);

CREATE TABLE people (
    id INTEGER PRIMARY KEY,
    organization_id BIGINT NOT NULL REFERENCES organizations (id),
    full_name TEXT NOT NULL,
    email TEXT UNIQUE,
    job_title TEXT,
    profile TEXT,
    language TEXT NOT NULL CHECK (language IN ('fr', 'nl', 'en')),
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX people_organization_id_idx ON people (organization_id);
CREATE INDEX people_profile_idx ON people (profile);
CREATE INDEX people_language_idx ON people (language);

CREATE TABLE accounts (
    id INTEGER PRIMARY KEY,
    person_id BIGINT UNIQUE REFERENCES people (id),
    organization_id BIGINT REFERENCES organizations (id),
    email TEXT NOT NULL UNIQUE,
    password_hash TEXT,
    role TEXT NOT NULL CHECK (role IN ('admin', 'planner', 'hr', 'member')),
    locale TEXT CHECK (locale IN ('fr', 'nl', 'en')),
    active BOOLEAN NOT NULL DEFAULT TRUE,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until TIMESTAMP,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    last_login_at TIMESTAMP,
    -- hr and member accounts act for exactly one organisation
    CHECK (role IN ('admin', 'planner') OR organization_id IS NOT NULL)
);
CREATE INDEX accounts_organization_id_idx ON accounts (organization_id);
CREATE INDEX accounts_role_idx ON accounts (role);

CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    label TEXT,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    expires_at TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP
);
CREATE INDEX api_tokens_account_id_idx ON api_tokens (account_id);

CREATE TABLE key_users (
    id INTEGER PRIMARY KEY,
    person_id BIGINT NOT NULL REFERENCES people (id),
    domain_id BIGINT NOT NULL REFERENCES domains (id),
    status TEXT NOT NULL CHECK (status IN ('nominated', 'in_training', 'certified', 'withdrawn')),
    designated_by BIGINT REFERENCES accounts (id),
    designated_on DATE NOT NULL,
    certified_on DATE,
    updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE (person_id, domain_id)
);
CREATE INDEX key_users_domain_id_idx ON key_users (domain_id);
CREATE INDEX key_users_status_idx ON key_users (status);
CREATE INDEX key_users_designated_by_idx ON key_users (designated_by);

CREATE TABLE venues (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    address TEXT NOT NULL,
    seats INTEGER NOT NULL CHECK (seats > 0),
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE modules (
    id INTEGER PRIMARY KEY,
    domain_id BIGINT NOT NULL REFERENCES domains (id),
    code TEXT NOT NULL UNIQUE,
    title_fr TEXT NOT NULL,
    title_nl TEXT NOT NULL,
    description_fr TEXT NOT NULL DEFAULT '',
    description_nl TEXT NOT NULL DEFAULT '',
    tier TEXT NOT NULL CHECK (tier IN ('trainer', 'end_user')),
    duration_minutes INTEGER NOT NULL CHECK (duration_minutes > 0),
    prerequisite_module_id BIGINT REFERENCES modules (id),
    certifies_trainer BOOLEAN NOT NULL DEFAULT FALSE,
    assessed BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX modules_domain_id_idx ON modules (domain_id);
CREATE INDEX modules_tier_idx ON modules (tier);
CREATE INDEX modules_prerequisite_module_id_idx ON modules (prerequisite_module_id);

CREATE TABLE training_sessions (
    id INTEGER PRIMARY KEY,
    module_id BIGINT NOT NULL REFERENCES modules (id),
    organizer_id BIGINT NOT NULL REFERENCES organizations (id),
    trainer_person_id BIGINT REFERENCES people (id),
    venue_id BIGINT REFERENCES venues (id),
    online_url TEXT,
    language TEXT NOT NULL CHECK (language IN ('fr', 'nl', 'bilingual', 'en')),
    starts_at TIMESTAMP NOT NULL,
    ends_at TIMESTAMP NOT NULL,
    registration_closes_at TIMESTAMP NOT NULL,
    capacity INTEGER NOT NULL CHECK (capacity >= 1),
    -- the last line of defence against overbooking: the seat counter can never pass capacity
    seats_taken INTEGER NOT NULL DEFAULT 0 CHECK (seats_taken >= 0 AND seats_taken <= capacity),
    status TEXT NOT NULL CHECK (status IN ('draft', 'published', 'cancelled', 'completed')),
    revision INTEGER NOT NULL DEFAULT 0,
    created_by BIGINT REFERENCES accounts (id),
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CHECK (ends_at > starts_at),
    CHECK (venue_id IS NOT NULL OR online_url IS NOT NULL)
);
CREATE INDEX training_sessions_module_id_idx ON training_sessions (module_id);
CREATE INDEX training_sessions_organizer_id_idx ON training_sessions (organizer_id);
CREATE INDEX training_sessions_trainer_person_id_idx ON training_sessions (trainer_person_id);
CREATE INDEX training_sessions_venue_id_idx ON training_sessions (venue_id);
CREATE INDEX training_sessions_created_by_idx ON training_sessions (created_by);
CREATE INDEX training_sessions_starts_at_idx ON training_sessions (starts_at);
CREATE INDEX training_sessions_status_idx ON training_sessions (status);
CREATE INDEX training_sessions_language_idx ON training_sessions (language);

CREATE TABLE enrollments (
    id INTEGER PRIMARY KEY,
    session_id BIGINT NOT NULL REFERENCES training_sessions (id),
    person_id BIGINT NOT NULL REFERENCES people (id),
    status TEXT NOT NULL CHECK (status IN ('pending_approval', 'confirmed', 'waitlisted', 'cancelled', 'attended', 'absent')),
    passed BOOLEAN,
    requested_by BIGINT REFERENCES accounts (id),
    decision_note TEXT,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    decided_at TIMESTAMP
);
-- at most one live enrolment per session and person
CREATE UNIQUE INDEX enrollments_live_session_person_idx ON enrollments (session_id, person_id) WHERE status <> 'cancelled';
CREATE INDEX enrollments_session_id_status_idx ON enrollments (session_id, status);
CREATE INDEX enrollments_person_id_idx ON enrollments (person_id);
CREATE INDEX enrollments_requested_by_idx ON enrollments (requested_by);

CREATE TABLE individual_plans (
    id INTEGER PRIMARY KEY,
    person_id BIGINT NOT NULL REFERENCES people (id),
    year INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    status TEXT NOT NULL CHECK (status IN ('draft', 'agreed')),
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE (person_id, year)
);

CREATE TABLE individual_plan_items (
    id INTEGER PRIMARY KEY,
    plan_id BIGINT NOT NULL REFERENCES individual_plans (id) ON DELETE CASCADE,
    module_id BIGINT NOT NULL REFERENCES modules (id),
    target_on DATE,
    priority INTEGER NOT NULL DEFAULT 2 CHECK (priority BETWEEN 1 AND 3),
    note TEXT,
    UNIQUE (plan_id, module_id)
);
CREATE INDEX individual_plan_items_module_id_idx ON individual_plan_items (module_id);
CREATE INDEX individual_plan_items_target_on_idx ON individual_plan_items (target_on);

CREATE TABLE collective_plans (
    id INTEGER PRIMARY KEY,
    organization_id BIGINT NOT NULL REFERENCES organizations (id),
    year INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    status TEXT NOT NULL CHECK (status IN ('draft', 'agreed')),
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE (organization_id, year)
);

CREATE TABLE collective_plan_targets (
    id INTEGER PRIMARY KEY,
    plan_id BIGINT NOT NULL REFERENCES collective_plans (id) ON DELETE CASCADE,
    module_id BIGINT NOT NULL REFERENCES modules (id),
    profile TEXT,
    headcount INTEGER NOT NULL CHECK (headcount >= 0),
    due_on DATE
);
CREATE INDEX collective_plan_targets_plan_id_idx ON collective_plan_targets (plan_id);
CREATE INDEX collective_plan_targets_module_id_idx ON collective_plan_targets (module_id);
CREATE INDEX collective_plan_targets_due_on_idx ON collective_plan_targets (due_on);

CREATE TABLE audit_events (
    id INTEGER PRIMARY KEY,
    at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    actor_account_id BIGINT REFERENCES accounts (id),
    organization_id BIGINT REFERENCES organizations (id),
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id BIGINT,
    detail TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_events_at_idx ON audit_events (at);
CREATE INDEX audit_events_actor_account_id_idx ON audit_events (actor_account_id);
CREATE INDEX audit_events_organization_id_idx ON audit_events (organization_id);
CREATE INDEX audit_events_entity_idx ON audit_events (entity, entity_id);

CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    body_text TEXT NOT NULL,
    body_html TEXT,
    ics TEXT,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    next_attempt_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    claimed_at TIMESTAMP,
    sent_at TIMESTAMP,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT
);
CREATE INDEX outbox_pending_idx ON outbox (sent_at, next_attempt_at);
