-- Nothing to undo: the rows keep their canonical form.
SELECT 1;
