DROP INDEX enrollments_person_status_session_idx;
CREATE INDEX enrollments_person_id_idx ON enrollments (person_id);
