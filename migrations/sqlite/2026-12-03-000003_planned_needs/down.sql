DROP INDEX people_active_idx;
DROP TABLE planned_needs;
