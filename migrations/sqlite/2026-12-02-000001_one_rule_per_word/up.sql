-- A module that certifies trainers is always assessed: certification needs a pass.
UPDATE modules SET assessed = TRUE WHERE certifies_trainer = TRUE;
-- Module codes are matched in any case and stored in capitals.
UPDATE modules SET code = UPPER(code) WHERE code <> UPPER(code);
