-- module_progress (DESIGN §4 rule 8): how far each person got in each module, over all their
-- enrolments in it (`rules::Progress`: 1 waiting, 2 seated, 3 trained; the furthest counts),
-- with the person's organisation and profile ('' for none). A row exists while at least one
-- enrolment gives the person a progress there. Capacity, collective progress and the plans
-- overview ask "trained or seated?" here instead of joining every enrolment.
CREATE TABLE module_progress (
    person_id BIGINT NOT NULL REFERENCES people (id),
    module_id BIGINT NOT NULL REFERENCES modules (id),
    organization_id BIGINT NOT NULL REFERENCES organizations (id),
    profile TEXT NOT NULL,
    progress INTEGER NOT NULL CHECK (progress BETWEEN 1 AND 3),
    PRIMARY KEY (person_id, module_id)
);
CREATE INDEX module_progress_module_id_idx
    ON module_progress (module_id, organization_id, profile, progress);
CREATE INDEX module_progress_organization_id_idx ON module_progress (organization_id);
