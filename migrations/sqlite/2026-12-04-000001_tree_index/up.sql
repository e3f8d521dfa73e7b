-- The cascade tree finds a domain's trained key users (tier 'trainer') from trained_facts: an
-- index on the domain alone made it visit every fact of the domain (220,000 at ten times
-- Brussels' size) to keep the tenth that are at the trainer tier.
DROP INDEX trained_facts_domain_id_idx;
CREATE INDEX trained_facts_domain_id_idx ON trained_facts (domain_id, tier, person_id);
