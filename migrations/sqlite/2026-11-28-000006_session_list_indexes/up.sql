-- The session list filters on module, status, language, organiser and author, and pages by
-- start time: both indexes answer it without reading the table, by module (count, module or
-- domain filter) or in start order (the unfiltered list). They replace one-column indexes.
DROP INDEX training_sessions_module_id_idx;
DROP INDEX training_sessions_starts_at_idx;
CREATE INDEX training_sessions_module_list_idx
    ON training_sessions (module_id, starts_at, status, language, organizer_id, created_by);
CREATE INDEX training_sessions_start_list_idx
    ON training_sessions (starts_at, module_id, status, language, organizer_id, created_by);
