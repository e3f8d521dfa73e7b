DROP INDEX people_active_organization_profile_idx;
DROP INDEX enrollments_session_status_person_idx;
CREATE INDEX enrollments_session_id_status_idx ON enrollments (session_id, status);
