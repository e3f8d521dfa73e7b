-- data_version (DESIGN §4 rule 8): a number that moves up with every committed change to what
-- the reports read, whichever code (or person at a psql prompt) makes it. Each instance caches
-- a report under the version it read before computing it (db::cache): a write that commits later
-- moves the version, so no instance serves a report older than what it can see. The version is
-- the sum of its shards: PostgreSQL transactions bump the shard of their transaction id, once,
-- at commit (a deferred trigger), so that concurrent writers rarely wait on one row and never
-- hold it while waiting for another lock.
CREATE TABLE data_version (
    shard INTEGER NOT NULL PRIMARY KEY,
    version BIGINT NOT NULL
);
INSERT INTO data_version (shard, version) SELECT g, 0 FROM generate_series(0, 15) AS g;

CREATE FUNCTION bump_data_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('formation.data_version_bumped', true) IS DISTINCT FROM '1' THEN
        PERFORM set_config('formation.data_version_bumped', '1', true);
        UPDATE data_version SET version = version + 1 WHERE shard = txid_current() % 16;
    END IF;
    RETURN NULL;
END
$$;

CREATE CONSTRAINT TRIGGER domains_data_version AFTER INSERT OR UPDATE OR DELETE ON domains
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_data_version();
CREATE CONSTRAINT TRIGGER organizations_data_version AFTER INSERT OR UPDATE OR DELETE ON organizations
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_data_version();
CREATE CONSTRAINT TRIGGER modules_data_version AFTER INSERT OR UPDATE OR DELETE ON modules
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_data_version();
CREATE CONSTRAINT TRIGGER people_data_version AFTER INSERT OR UPDATE OR DELETE ON people
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_data_version();
CREATE CONSTRAINT TRIGGER memberships_data_version AFTER INSERT OR UPDATE OR DELETE ON memberships
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_data_version();
CREATE CONSTRAINT TRIGGER key_users_data_version AFTER INSERT OR UPDATE OR DELETE ON key_users
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_data_version();
CREATE CONSTRAINT TRIGGER training_sessions_data_version AFTER INSERT OR UPDATE OR DELETE ON training_sessions
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_data_version();
CREATE CONSTRAINT TRIGGER enrollments_data_version AFTER INSERT OR UPDATE OR DELETE ON enrollments
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_data_version();
CREATE CONSTRAINT TRIGGER individual_plans_data_version AFTER INSERT OR UPDATE OR DELETE ON individual_plans
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_data_version();
CREATE CONSTRAINT TRIGGER individual_plan_items_data_version AFTER INSERT OR UPDATE OR DELETE ON individual_plan_items
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_data_version();
CREATE CONSTRAINT TRIGGER collective_plans_data_version AFTER INSERT OR UPDATE OR DELETE ON collective_plans
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_data_version();
CREATE CONSTRAINT TRIGGER collective_plan_targets_data_version AFTER INSERT OR UPDATE OR DELETE ON collective_plan_targets
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_data_version();
