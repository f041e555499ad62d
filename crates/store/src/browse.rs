//! The catalog page's query: filters and a sort from [`CatalogQuery`], keyset-paged.
//!
//! The statement is assembled from the filters that are set (sqlx's `QueryBuilder`, every value
//! bound, no value ever in the SQL text), so each filter costs nothing when unused and the database
//! sees a plain predicate it can plan for. Pages continue after the last card's `(sort key, id)`,
//! so publishing or rating a course while someone pages never repeats or skips a card.
//!
//! Speed (`bench/catalog.sh`): a page is two steps in one statement. The inner query picks the
//! page's ids and keys from the indexes of migrations 0011 and 0012, which hold every filter
//! column and key; only those rows are then joined to their author and category and have their
//! lessons counted. The count runs first, and its figure chooses how SQLite finds the page
//! ([`walk_the_order`]). The page size is written into the SQL, not bound: SQLite's planner reads
//! a bound `LIMIT`, so the statement was compiled again on every run.

use crate::catalog::CategoryRow;
use crate::db::{Pool, on};
use crate::{Store, StoreError};
use domain::browse::{CatalogQuery, Cursor, PriceKind, Sort};
use domain::{Category, CourseCard};
use sqlx::{Database, Encode, QueryBuilder, Type};

/// The column each order sorts by. Each has an index on `(key, id)` over published courses
/// (migration 0011), so a page is read in order off the index and the scan stops after it.
fn key_sql(sort: Sort) -> &'static str {
    match sort {
        Sort::Newest => "c.newest_key",
        Sort::Popular => "c.enrollments",
        // The mean in hundredths of a star; unrated courses sort last.
        Sort::Rating => "c.rating_key",
        Sort::PriceLow | Sort::PriceHigh => "c.price_minor",
    }
}

/// The SQLite index that holds `sort`'s order followed by every filter column (migration 0012).
fn order_index(sort: Sort) -> &'static str {
    match sort {
        Sort::Newest => "courses_by_newest",
        Sort::Popular => "courses_by_popular",
        Sort::Rating => "courses_by_rating",
        Sort::PriceLow | Sort::PriceHigh => "courses_by_price",
    }
}

/// Whether SQLite should find a page by walking the order's index, testing the filters on each
/// entry, rather than by finding every match and sorting them: true when the filters match so
/// many of the `courses` courses that a page turns up early in the walk.
///
/// A walk reads about `page × courses / matches` entries; finding and sorting reads `matches`
/// and sorts them, about twice the work per match. SQLite's planner has no statistics to weigh
/// the two (and its estimates ignore the `LIMIT`), so it always found and sorted: 150 µs for a
/// page of 1,000 matches among 10,000 courses, against 25 µs walking. Either way the page is the
/// same; only the time differs.
fn walk_the_order(matches: i64, courses: i64, page: i64) -> bool {
    matches > 0 && matches.saturating_mul(matches) >= page.saturating_mul(courses) / 2
}

/// Whether the order runs from the highest key down.
fn descending(sort: Sort) -> bool {
    !matches!(sort, Sort::PriceLow)
}

/// Adds the query's filters (not the cursor) to `sql`, which ends in a `WHERE` clause.
fn push_filters<DB>(sql: &mut QueryBuilder<DB>, query: &CatalogQuery)
where
    DB: Database,
    for<'t> i64: Encode<'t, DB> + Type<DB>,
    for<'t> String: Encode<'t, DB> + Type<DB>,
{
    if let Some(category) = &query.category {
        sql.push(" AND c.category_id = (SELECT id FROM categories WHERE slug = ")
            .push_bind(category.as_str().to_owned())
            .push(")");
    }
    if let Some(language) = query.language {
        sql.push(" AND c.language = ")
            .push_bind(language.tag().to_owned());
    }
    match query.price {
        PriceKind::Any => {}
        PriceKind::Free => {
            sql.push(" AND c.price_minor = 0");
        }
        PriceKind::Paid => {
            sql.push(" AND c.price_minor > 0");
        }
    }
    if let Some((currency, min, max)) = query.price_range() {
        sql.push(" AND c.currency = ")
            .push_bind(currency.code().to_owned())
            .push(" AND c.price_minor >= ")
            .push_bind(min)
            .push(" AND c.price_minor <= ")
            .push_bind(max);
    }
    if let Some(level) = query.level {
        sql.push(" AND c.level = ")
            .push_bind(level.as_str().to_owned());
    }
    if let Some(stars) = query.min_rating {
        sql.push(" AND c.rating_key >= ")
            .push_bind(i64::from(stars) * 100);
    }
}

/// The card query for one page: filters, cursor, order, limit; on `index`, when given.
fn page_sql<DB>(query: &CatalogQuery, limit: i64, index: Option<&str>) -> QueryBuilder<DB>
where
    DB: Database,
    <DB as Database>::Arguments: Default,
    for<'t> i64: Encode<'t, DB> + Type<DB>,
    for<'t> String: Encode<'t, DB> + Type<DB>,
{
    let key = key_sql(query.sort);
    let indexed_by = index
        .map(|name| format!(" INDEXED BY {name}"))
        .unwrap_or_default();
    let mut sql = QueryBuilder::new(format!(
        "SELECT {}, p.sort_key FROM (SELECT c.id, {key} AS sort_key \
         FROM courses c{indexed_by} WHERE c.status = 'published'",
        crate::catalog::CARD_COLUMNS
    ));
    push_filters(&mut sql, query);
    let (compare, order) = if descending(query.sort) {
        ("<", "DESC")
    } else {
        (">", "ASC")
    };
    if let Some(after) = query.after {
        sql.push(format!(" AND ({key}, c.id) {compare} ("))
            .push_bind(after.key)
            .push(", ")
            .push_bind(after.id)
            .push(")");
    }
    sql.push(format!(
        " ORDER BY sort_key {order}, c.id {order} LIMIT {limit}) p \
         JOIN courses c ON c.id = p.id JOIN users u ON u.id = c.author_id \
         JOIN categories k ON k.id = c.category_id \
         ORDER BY p.sort_key {order}, p.id {order}"
    ));
    sql
}

/// How many published courses match the filters, the size of the whole table when on SQLite
/// (free there: it counts the table's b-tree pages; a full scan on PostgreSQL, which gets 0), and
/// every category for the filter menu as a JSON array of `[id, slug, name_en, name_zh]` in menu
/// order. One statement, because each statement is a round trip to the SQLite connection's
/// thread, and each row crossing back a wake-up of the request's.
fn count_sql<DB>(query: &CatalogQuery, sqlite: bool) -> QueryBuilder<DB>
where
    DB: Database,
    <DB as Database>::Arguments: Default,
    for<'t> i64: Encode<'t, DB> + Type<DB>,
    for<'t> String: Encode<'t, DB> + Type<DB>,
{
    let (size, categories) = if sqlite {
        (
            "(SELECT COUNT(*) FROM courses)",
            "(SELECT json_group_array(json_array(id, slug, name_en, name_zh) \
             ORDER BY position, id) FROM categories)",
        )
    } else {
        (
            "CAST(0 AS BIGINT)",
            "(SELECT CAST(COALESCE(json_agg(json_build_array(id, slug, name_en, name_zh) \
             ORDER BY position, id), '[]') AS TEXT) FROM categories)",
        )
    };
    let mut sql = QueryBuilder::new(format!(
        "SELECT COUNT(*), {size}, {categories} FROM courses c WHERE c.status = 'published'"
    ));
    push_filters(&mut sql, query);
    sql
}

/// The categories of [`count_sql`]'s JSON array.
fn categories(json: &str) -> Result<Vec<Category>, StoreError> {
    let rows: Vec<(i64, String, String, String)> =
        serde_json::from_str(json).map_err(|e| StoreError::corrupt("categories", e))?;
    rows.into_iter()
        .map(|(id, slug, name_en, name_zh)| {
            Category::try_from(CategoryRow {
                id,
                slug,
                name_en,
                name_zh,
            })
        })
        .collect()
}

#[derive(sqlx::FromRow)]
struct Row {
    #[sqlx(flatten)]
    card: crate::catalog::CardRow,
    sort_key: i64,
}

/// One page of the catalog as the store reads it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BrowsePage {
    /// The cards, in order.
    pub courses: Vec<CourseCard>,
    /// Where the next page starts, if there is one.
    pub next: Option<Cursor>,
    /// How many courses match the filters in all.
    pub total: i64,
    /// Every category, in menu order (read with the count, in the same statement).
    pub categories: Vec<Category>,
}

impl Store {
    /// Up to `limit` published courses matching `query`, after its cursor, with the total and
    /// the categories.
    pub async fn browse(&self, query: &CatalogQuery, limit: i64) -> Result<BrowsePage, StoreError> {
        let limit = limit.max(1);
        let sqlite = matches!(self.pool, Pool::Sqlite(_));
        let (rows, total, menu): (Vec<Row>, i64, String) = on!(Pool, &self.pool, |pool| {
            let mut count = count_sql(query, sqlite);
            let (total, courses, menu): (i64, i64, String) =
                count.build_query_as().fetch_one(pool).await?;
            let rows = if total == 0 {
                Vec::new()
            } else {
                let index = (sqlite && walk_the_order(total, courses, limit))
                    .then(|| order_index(query.sort));
                let mut page = page_sql(query, limit + 1, index);
                page.build_query_as::<Row>().fetch_all(pool).await?
            };
            (rows, total, menu)
        });
        let more = rows.len() as i64 > limit;
        let mut courses = Vec::with_capacity(rows.len());
        let mut next = None;
        for row in rows
            .into_iter()
            .take(usize::try_from(limit).unwrap_or(usize::MAX))
        {
            next = Some(Cursor {
                key: row.sort_key,
                id: row.card.id,
            });
            courses.push(CourseCard::try_from(row.card)?);
        }
        Ok(BrowsePage {
            courses,
            next: next.filter(|_| more),
            total,
            categories: categories(&menu)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::walk_the_order;

    #[test]
    fn many_matches_walk_the_order_and_few_are_found_and_sorted() {
        // 10,000 courses, pages of 20: a walk pays off from about 317 matches.
        assert!(walk_the_order(10_000, 10_000, 20));
        assert!(walk_the_order(1_000, 10_000, 20));
        assert!(walk_the_order(317, 10_000, 20));
        assert!(!walk_the_order(316, 10_000, 20));
        assert!(!walk_the_order(40, 10_000, 20));
        assert!(!walk_the_order(0, 10_000, 20));
        // A small catalog walks as soon as anything matches a few times over.
        assert!(walk_the_order(3, 10, 1));
    }
}
