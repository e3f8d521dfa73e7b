-- The read model's first facts (DESIGN §4 rule 8), kept by domain::read_model in the
-- transaction of every write that changes them; `formation rebuild-read-model` recomputes them
-- from the enrolments.
--
-- trained_facts: who was trained, per domain, tier and report year (the Brussels year, years
-- before 2000 counting in 2000), with the person's organisation and profile ('' for none). A row
-- exists while at least one enrolment makes the person trained there; `trainings` counts them.
CREATE TABLE trained_facts (
    person_id BIGINT NOT NULL REFERENCES people (id),
    domain_id BIGINT NOT NULL REFERENCES domains (id),
    tier TEXT NOT NULL CHECK (tier IN ('trainer', 'end_user')),
    year INTEGER NOT NULL,
    organization_id BIGINT NOT NULL REFERENCES organizations (id),
    profile TEXT NOT NULL,
    trainings INTEGER NOT NULL CHECK (trainings > 0),
    PRIMARY KEY (person_id, domain_id, tier, year)
);
CREATE INDEX trained_facts_person_id_idx ON trained_facts (person_id);
CREATE INDEX trained_facts_domain_id_idx ON trained_facts (domain_id);
CREATE INDEX trained_facts_organization_id_idx ON trained_facts (organization_id);
CREATE INDEX trained_facts_group_idx
    ON trained_facts (year, organization_id, profile, domain_id, tier);

-- trained_counts: how many distinct people trained_facts holds per report year, organisation
-- and profile, at three grains: per domain and tier, per domain (tier ''), and in all
-- (domain_id 0, tier ''). The trained report reads these few thousand rows.
CREATE TABLE trained_counts (
    year INTEGER NOT NULL,
    domain_id BIGINT NOT NULL,
    tier TEXT NOT NULL,
    organization_id BIGINT NOT NULL,
    profile TEXT NOT NULL,
    people INTEGER NOT NULL CHECK (people > 0),
    PRIMARY KEY (year, domain_id, tier, organization_id, profile)
);
