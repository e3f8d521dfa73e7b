-- planned_needs (DESIGN §4 rule 8): the individual plan items that still need a seat, the
-- capacity view's first source of demand: the person is active and neither trained nor seated in
-- the item's module (`module_progress`). Each row carries the plan's year, the item's date and
-- the person's organisation, profile ('' for none) and language, so that demand and the
-- collective plans' "planned" count from this table alone. No foreign key on item_id: a plan's
-- save replaces its items, then refreshes these rows.
CREATE TABLE planned_needs (
    item_id BIGINT NOT NULL PRIMARY KEY,
    person_id BIGINT NOT NULL REFERENCES people (id),
    module_id BIGINT NOT NULL REFERENCES modules (id),
    year INTEGER NOT NULL,
    target_on DATE,
    organization_id BIGINT NOT NULL REFERENCES organizations (id),
    profile TEXT NOT NULL,
    language TEXT NOT NULL
);
CREATE INDEX planned_needs_person_id_idx ON planned_needs (person_id, module_id);
CREATE INDEX planned_needs_module_id_idx ON planned_needs (module_id);
CREATE INDEX planned_needs_organization_id_idx
    ON planned_needs (organization_id, module_id, year, profile, person_id);
CREATE INDEX planned_needs_target_on_idx
    ON planned_needs (target_on, module_id, organization_id, profile, language);

-- Active staff by organisation, profile and language (how needs without a person divide),
-- read from the index alone.
CREATE INDEX people_active_idx ON people (active, organization_id, profile, language);
