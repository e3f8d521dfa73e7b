DROP INDEX training_sessions_start_list_idx;
DROP INDEX training_sessions_module_list_idx;
CREATE INDEX training_sessions_starts_at_idx ON training_sessions (starts_at);
CREATE INDEX training_sessions_module_id_idx ON training_sessions (module_id);
