-- SQLite: nothing to guard in this migration (an index only).
SELECT 1;
