DROP TABLE trained_counts;
DROP TABLE trained_facts;
