-- Reports read who attended which session without visiting the table: the person goes into the
-- session/status index (which it replaces), and active staff counts come from an index alone.
DROP INDEX enrollments_session_id_status_idx;
CREATE INDEX enrollments_session_status_person_idx ON enrollments (session_id, status, person_id);
CREATE INDEX people_active_organization_profile_idx ON people (active, organization_id, profile);
