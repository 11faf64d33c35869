-- Attached files (citizens' documents, scans, electronic results), content-addressed by the
-- hex SHA-256 of their bytes and kept in the database, so every app server sees them and one
-- backup holds everything. The same content is stored once. Instants are epoch milliseconds.

CREATE TABLE blobs (
    sha256     TEXT PRIMARY KEY,
    media_type TEXT NOT NULL,
    size       INTEGER NOT NULL,
    content    BLOB NOT NULL,
    created_at INTEGER NOT NULL
);
