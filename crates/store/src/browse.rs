//! The catalog page's query: filters and a sort from [`CatalogQuery`], keyset-paged.
//!
//! The statement is assembled from the filters that are set (sqlx's `QueryBuilder`, every value
//! bound, no value ever in the SQL text), so each filter costs nothing when unused and the database
//! sees a plain predicate it can plan for. Pages continue after the last card's `(sort key, id)`,
//! so publishing or rating a course while someone pages never repeats or skips a card.
//!
//! Speed: a page is two steps in one statement. The inner query picks the page's ids and keys
//! from the indexes of migration 0011 (which hold every filter column and key); only those rows
//! are then joined to their author and category and have their lessons counted. Counting lessons
//! for every match before sorting was what made the page slow (`bench/catalog.sh`).

use crate::db::on;
use crate::{Store, StoreError};
use domain::CourseCard;
use domain::browse::{CatalogQuery, Cursor, PriceKind, Sort};
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

/// The card query for one page: filters, cursor, order, limit.
fn page_sql<DB>(query: &CatalogQuery, limit: i64) -> QueryBuilder<DB>
where
    DB: Database,
    <DB as Database>::Arguments: Default,
    for<'t> i64: Encode<'t, DB> + Type<DB>,
    for<'t> String: Encode<'t, DB> + Type<DB>,
{
    let key = key_sql(query.sort);
    let mut sql = QueryBuilder::new(format!(
        "SELECT {}, p.sort_key FROM (SELECT c.id, {key} AS sort_key \
         FROM courses c WHERE c.status = 'published'",
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
    sql.push(format!(" ORDER BY sort_key {order}, c.id {order} LIMIT "))
        .push_bind(limit)
        .push(format!(
            ") p JOIN courses c ON c.id = p.id JOIN users u ON u.id = c.author_id \
             JOIN categories k ON k.id = c.category_id \
             ORDER BY p.sort_key {order}, p.id {order}"
        ));
    sql
}

/// How many published courses match the filters.
fn count_sql<DB>(query: &CatalogQuery) -> QueryBuilder<DB>
where
    DB: Database,
    <DB as Database>::Arguments: Default,
    for<'t> i64: Encode<'t, DB> + Type<DB>,
    for<'t> String: Encode<'t, DB> + Type<DB>,
{
    let mut sql = QueryBuilder::new("SELECT COUNT(*) FROM courses c WHERE c.status = 'published'");
    push_filters(&mut sql, query);
    sql
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
}

impl Store {
    /// Up to `limit` published courses matching `query`, after its cursor, with the total.
    pub async fn browse(&self, query: &CatalogQuery, limit: i64) -> Result<BrowsePage, StoreError> {
        let limit = limit.max(1);
        let (rows, total): (Vec<Row>, i64) = on!(Pool, &self.pool, |pool| {
            let mut page = page_sql(query, limit + 1);
            let rows = page.build_query_as::<Row>().fetch_all(pool).await?;
            let mut count = count_sql(query);
            let (total,): (i64,) = count.build_query_as().fetch_one(pool).await?;
            (rows, total)
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
        })
    }
}
