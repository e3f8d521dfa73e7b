DROP INDEX trained_facts_domain_id_idx;
CREATE INDEX trained_facts_domain_id_idx ON trained_facts (domain_id);
