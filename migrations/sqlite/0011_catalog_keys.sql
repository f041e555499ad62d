-- The catalog's orders and filters as indexes (issue 10's catalog bar: a filtered, sorted page of
-- 10,000 courses and its count in well under a millisecond each on SQLite).
--
-- The sort keys are generated columns, so no writer can forget them: the mean rating in
-- hundredths of a star (unrated courses 0) and the publication time (0 when unknown). Each order
-- the catalog offers has an index over published courses on (key, id): an unfiltered page is
-- read in order off it and the scan stops after the page. `courses_facets` holds every filter
-- column and every key, so a filtered page and its count read the index alone;
-- `courses_in_category` does the same for a category, newest first (the home page's rows).
-- `courses_published` and `courses_category` are dropped: the planner, having no statistics,
-- preferred their `status = ?` equality over these, and then sorted every published course.
ALTER TABLE courses ADD COLUMN rating_key INTEGER GENERATED ALWAYS AS
    (CASE WHEN rating_count = 0 THEN 0 ELSE rating_stars * 100 / rating_count END) VIRTUAL;
ALTER TABLE courses ADD COLUMN newest_key INTEGER GENERATED ALWAYS AS
    (COALESCE(published_at, 0)) VIRTUAL;

DROP INDEX courses_published;
DROP INDEX courses_category;
CREATE INDEX courses_by_newest ON courses (newest_key DESC, id DESC) WHERE status = 'published';
CREATE INDEX courses_by_rating ON courses (rating_key DESC, id DESC) WHERE status = 'published';
CREATE INDEX courses_by_popular ON courses (enrollments DESC, id DESC) WHERE status = 'published';
CREATE INDEX courses_by_price ON courses (price_minor, id) WHERE status = 'published';
CREATE INDEX courses_in_category ON courses
    (category_id, newest_key, enrollments, rating_key, price_minor) WHERE status = 'published';
CREATE INDEX courses_facets ON courses
    (language, level, price_minor, currency, category_id, rating_key, enrollments, newest_key)
    WHERE status = 'published';
