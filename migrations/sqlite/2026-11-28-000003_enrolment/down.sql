DROP INDEX accounts_calendar_token_hash_idx;
ALTER TABLE accounts DROP COLUMN calendar_token_hash;
ALTER TABLE enrollments DROP COLUMN reminded_at;
ALTER TABLE enrollments DROP COLUMN ics_sequence;
DROP TABLE interests;
