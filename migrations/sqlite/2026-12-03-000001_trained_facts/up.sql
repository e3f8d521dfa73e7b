-- The read model's first facts (DESIGN §4 rule 8): who was trained, per domain, tier and
-- Brussels year. A row exists while at least one enrolment makes the person trained there
-- (`trainings` counts them). Kept by domain::read_model in the transaction of every write that
-- changes it; `formation rebuild-read-model` recomputes it from the enrolments.
CREATE TABLE trained_facts (
    person_id BIGINT NOT NULL REFERENCES people (id),
    domain_id BIGINT NOT NULL REFERENCES domains (id),
    tier TEXT NOT NULL CHECK (tier IN ('trainer', 'end_user')),
    year INTEGER NOT NULL,
    trainings INTEGER NOT NULL CHECK (trainings > 0),
    PRIMARY KEY (person_id, domain_id, tier, year)
);
CREATE INDEX trained_facts_person_id_idx ON trained_facts (person_id);
CREATE INDEX trained_facts_domain_id_idx ON trained_facts (domain_id);
CREATE INDEX trained_facts_year_idx ON trained_facts (year);
