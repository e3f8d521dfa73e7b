DROP TABLE module_progress;
