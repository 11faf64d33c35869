-- The back-office inbox and register ask for one unit's dossiers in one status, newest first:
-- (receiving_unit = $1 OR handling_unit = $1) AND status = $2 ORDER BY id DESC. With a million
-- dossiers the single-column indexes made that a scan of every dossier of the unit (or of the
-- status); these make each side of the OR a short range.
CREATE INDEX dossiers_receiving_status ON dossiers (receiving_unit, status, id);
CREATE INDEX dossiers_handling_status ON dossiers (handling_unit, status, id);
