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
INSERT INTO data_version (shard, version) VALUES (0, 0);

-- SQLite writes one transaction at a time: each changed row bumps the one shard.
CREATE TRIGGER domains_insert_data_version AFTER INSERT ON domains
BEGIN UPDATE data_version SET version = version + 1; END;
CREATE TRIGGER domains_update_data_version AFTER UPDATE ON domains
BEGIN UPDATE data_version SET version = version + 1; END;
CREATE TRIGGER domains_delete_data_version AFTER DELETE ON domains
BEGIN UPDATE data_version SET version = version + 1; END;
CREATE TRIGGER organizations_insert_data_version AFTER INSERT ON organizations
BEGIN UPDATE data_version SET version = version + 1; END;
CREATE TRIGGER organizations_update_data_version AFTER UPDATE ON organizations
BEGIN UPDATE data_version SET version = version + 1; END;
CREATE TRIGGER organizations_delete_data_version AFTER DELETE ON organizations
BEGIN UPDATE data_version SET version = version + 1; END;
CREATE TRIGGER modules_insert_data_version AFTER INSERT ON modules
BEGIN UPDATE data_version SET version = version + 1; END;
CREATE TRIGGER modules_update_data_version AFTER UPDATE ON modules
BEGIN UPDATE data_version SET version = version + 1; END;
CREATE TRIGGER modules_delete_data_version AFTER DELETE ON modules
BEGIN UPDATE data_version SET version = version + 1; END;
CREATE TRIGGER people_insert_data_version AFTER INSERT ON people
BEGIN UPDATE data_version SET version = version + 1; END;
CREATE TRIGGER people_update_data_version AFTER UPDATE ON people
BEGIN UPDATE data_version SET version = version + 1; END;
CREATE TRIGGER people_delete_data_version AFTER DELETE ON people
BEGIN UPDATE data_version SET version = version + 1; END;
CREATE TRIGGER memberships_insert_data_version AFTER INSERT ON memberships
BEGIN UPDATE data_version SET version = version + 1; END;
CREATE TRIGGER memberships_update_data_version AFTER UPDATE ON memberships
BEGIN UPDATE data_version SET version = version + 1; END;
CREATE TRIGGER memberships_delete_data_version AFTER DELETE ON memberships
BEGIN UPDATE data_version SET version = version + 1; END;
CREATE TRIGGER key_users_insert_data_version AFTER INSERT ON key_users
BEGIN UPDATE data_version SET version = version + 1; END;
CREATE TRIGGER key_users_update_data_version AFTER UPDATE ON key_users
BEGIN UPDATE data_version SET version = version + 1; END;
CREATE TRIGGER key_users_delete_data_version AFTER DELETE ON key_users
BEGIN UPDATE data_version SET version = version + 1; END;
CREATE TRIGGER training_sessions_insert_data_version AFTER INSERT ON training_sessions
BEGIN UPDATE data_version SET version = version + 1; END;
CREATE TRIGGER training_sessions_update_data_version AFTER UPDATE ON training_sessions
BEGIN UPDATE data_version SET version = version + 1; END;
CREATE TRIGGER training_sessions_delete_data_version AFTER DELETE ON training_sessions
BEGIN UPDATE data_version SET version = version + 1; END;
CREATE TRIGGER enrollments_insert_data_version AFTER INSERT ON enrollments
BEGIN UPDATE data_version SET version = version + 1; END;
CREATE TRIGGER enrollments_update_data_version AFTER UPDATE ON enrollments
BEGIN UPDATE data_version SET version = version + 1; END;
CREATE TRIGGER enrollments_delete_data_version AFTER DELETE ON enrollments
BEGIN UPDATE data_version SET version = version + 1; END;
CREATE TRIGGER individual_plans_insert_data_version AFTER INSERT ON individual_plans
BEGIN UPDATE data_version SET version = version + 1; END;
CREATE TRIGGER individual_plans_update_data_version AFTER UPDATE ON individual_plans
BEGIN UPDATE data_version SET version = version + 1; END;
CREATE TRIGGER individual_plans_delete_data_version AFTER DELETE ON individual_plans
BEGIN UPDATE data_version SET version = version + 1; END;
CREATE TRIGGER individual_plan_items_insert_data_version AFTER INSERT ON individual_plan_items
BEGIN UPDATE data_version SET version = version + 1; END;
CREATE TRIGGER individual_plan_items_update_data_version AFTER UPDATE ON individual_plan_items
BEGIN UPDATE data_version SET version = version + 1; END;
CREATE TRIGGER individual_plan_items_delete_data_version AFTER DELETE ON individual_plan_items
BEGIN UPDATE data_version SET version = version + 1; END;
CREATE TRIGGER collective_plans_insert_data_version AFTER INSERT ON collective_plans
BEGIN UPDATE data_version SET version = version + 1; END;
CREATE TRIGGER collective_plans_update_data_version AFTER UPDATE ON collective_plans
BEGIN UPDATE data_version SET version = version + 1; END;
CREATE TRIGGER collective_plans_delete_data_version AFTER DELETE ON collective_plans
BEGIN UPDATE data_version SET version = version + 1; END;
CREATE TRIGGER collective_plan_targets_insert_data_version AFTER INSERT ON collective_plan_targets
BEGIN UPDATE data_version SET version = version + 1; END;
CREATE TRIGGER collective_plan_targets_update_data_version AFTER UPDATE ON collective_plan_targets
BEGIN UPDATE data_version SET version = version + 1; END;
CREATE TRIGGER collective_plan_targets_delete_data_version AFTER DELETE ON collective_plan_targets
BEGIN UPDATE data_version SET version = version + 1; END;
