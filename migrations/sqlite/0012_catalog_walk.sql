-- The catalog's order indexes carry the filter columns too (SQLite only; PostgreSQL plans from its
-- statistics and needs no such help). When a filtered catalog matches many courses, the store
-- walks the chosen order's index and tests the filters on each entry without touching the table,
-- stopping after one page (`crates/store/src/browse.rs`). Before, SQLite found every match through
-- `courses_facets` and sorted them all for a page of 20: 150 µs for 1,000 matches against 25 µs.
DROP INDEX courses_by_newest;
DROP INDEX courses_by_rating;
DROP INDEX courses_by_popular;
DROP INDEX courses_by_price;
CREATE INDEX courses_by_newest ON courses
    (newest_key DESC, id DESC, language, level, price_minor, currency, category_id, rating_key)
    WHERE status = 'published';
CREATE INDEX courses_by_rating ON courses
    (rating_key DESC, id DESC, language, level, price_minor, currency, category_id)
    WHERE status = 'published';
CREATE INDEX courses_by_popular ON courses
    (enrollments DESC, id DESC, language, level, price_minor, currency, category_id, rating_key)
    WHERE status = 'published';
CREATE INDEX courses_by_price ON courses
    (price_minor, id, language, level, currency, category_id, rating_key)
    WHERE status = 'published';
