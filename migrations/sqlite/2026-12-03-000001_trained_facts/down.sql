DROP TABLE trained_facts;
