-- Native drivers (issue 7): nothing to change here (PostgreSQL's flags were BOOLEAN from the
-- start); the SQLite twin of this migration rebuilds `lessons` with a BOOLEAN flag. Kept so both
-- dialects carry the same migration numbers.
SELECT 1;
