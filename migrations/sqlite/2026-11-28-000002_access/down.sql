DROP INDEX audit_events_action_idx;
DROP TABLE registration_requests;
DROP TABLE email_links;
