-- SQLite needs its planner statistics reloaded after 0007 (see the SQLite migration of the same
-- number); PostgreSQL keeps its own statistics up to date. Kept so both backends share numbering.
SELECT 1;
