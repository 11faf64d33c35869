-- 0007 seeded sqlite_stat1, but SQLite loads planner statistics when a connection opens or on
-- `ANALYZE sqlite_schema`: the connection that ran the migrations kept planning without them
-- (scanning every dossier of a status for one unit's inbox). Reload them on that connection.
ANALYZE sqlite_schema;
