-- PostgreSQL: nothing more to guard in this migration.
SELECT 1;
