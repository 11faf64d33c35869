-- The back-office inbox and register ask for one unit's dossiers in one status, newest first:
-- (receiving_unit = $1 OR handling_unit = $1) AND status = $2 ORDER BY id DESC. With a million
-- dossiers the single-column indexes made that a scan of every dossier of the unit (or of the
-- status); these make each side of the OR a short range.
CREATE INDEX dossiers_receiving_status ON dossiers (receiving_unit, status, id);
CREATE INDEX dossiers_handling_status ON dossiers (handling_unit, status, id);

-- SQLite plans without statistics unless ANALYZE has run, and then prefers `dossiers_status`
-- (it filters and orders at once), scanning every dossier of that status in the province.
-- Seed sqlite_stat1 with the shape of a real register (about ten statuses, a commune holding
-- under 1% of the dossiers) so that a unit's query takes the two short ranges above. A later
-- ANALYZE or `PRAGMA optimize` replaces these figures with measured ones.
ANALYZE sqlite_schema;
DELETE FROM sqlite_stat1 WHERE tbl = 'dossiers';
INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES
    ('dossiers', 'dossiers_status', '1000000 100000 1'),
    ('dossiers', 'dossiers_province', '1000000 100000 1'),
    ('dossiers', 'dossiers_receiving', '1000000 8000 1'),
    ('dossiers', 'dossiers_handling', '1000000 8000 1'),
    ('dossiers', 'dossiers_receiving_status', '1000000 8000 800 1'),
    ('dossiers', 'dossiers_handling_status', '1000000 8000 800 1'),
    ('dossiers', 'dossiers_due', '1000000 10');
