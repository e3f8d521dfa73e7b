-- "Has this person attended, or a seat for, this module?" is asked per plan item and per
-- waiting person: answered from the index alone (it also serves the person_id foreign key).
DROP INDEX enrollments_person_id_idx;
CREATE INDEX enrollments_person_status_session_idx ON enrollments (person_id, status, session_id);
