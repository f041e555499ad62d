//! The catalog's filters and sort orders, as they travel in a URL.
//!
//! `/courses?category=programming&level=beginner&sort=rating` is something people share and
//! bookmark, so the URL is the only state: the server renders from it, the page's controls write
//! it, and the back button restores it. A value that does not parse is dropped rather than refused:
//! an old or hand-edited link still shows a catalog, just less filtered. Pages follow a keyset
//! cursor (the last card's sort key and id), so a page never repeats or skips a course when others
//! are published in between.

use crate::authoring::Level;
use crate::{Currency, Lang, Slug};
use serde::{Deserialize, Serialize};

/// Free, paid, or either.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum PriceKind {
    /// Either.
    #[default]
    Any,
    /// Costs nothing.
    Free,
    /// Costs something.
    Paid,
}

/// The order of the catalog.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Sort {
    /// Latest published first.
    #[default]
    Newest,
    /// Most learners first (every enrollment so far; the home page's "popular" strip counts the
    /// last 30 days).
    Popular,
    /// Best rated first (by mean, then by number of ratings).
    Rating,
    /// Cheapest first.
    PriceLow,
    /// Dearest first.
    PriceHigh,
}

impl Sort {
    /// Every order, as a sort menu lists them.
    pub const ALL: [Sort; 5] = [
        Sort::Newest,
        Sort::Popular,
        Sort::Rating,
        Sort::PriceLow,
        Sort::PriceHigh,
    ];

    /// The URL value.
    pub const fn as_str(self) -> &'static str {
        match self {
            Sort::Newest => "newest",
            Sort::Popular => "popular",
            Sort::Rating => "rating",
            Sort::PriceLow => "price",
            Sort::PriceHigh => "-price",
        }
    }

    /// Reads a URL value.
    pub fn parse(raw: &str) -> Option<Sort> {
        Sort::ALL.into_iter().find(|sort| sort.as_str() == raw)
    }
}

/// Where the previous page ended: the last card's sort key and id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Cursor {
    /// The last card's value of the sort key (publication time, enrollments, rating in hundredths of
    /// a star, or price in minor units).
    pub key: i64,
    /// The last card's course id, which breaks ties.
    pub id: i64,
}

impl Cursor {
    /// The URL value: `key.id`.
    pub fn encode(self) -> String {
        format!("{}.{}", self.key, self.id)
    }

    /// Reads a URL value.
    pub fn parse(raw: &str) -> Option<Cursor> {
        let (key, id) = raw.split_once('.')?;
        Some(Cursor {
            key: key.parse().ok()?,
            id: id.parse().ok()?,
        })
    }
}

/// How many cards a catalog page shows.
pub const PAGE_SIZE: i64 = 20;

/// What a visitor asked the catalog for.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogQuery {
    /// Only this category.
    pub category: Option<Slug>,
    /// Only courses taught in this language.
    pub language: Option<Lang>,
    /// Free, paid or either.
    pub price: PriceKind,
    /// The currency `min_major`/`max_major` are in; courses priced in another currency are left
    /// out when a range is set (Lore does not convert currencies).
    pub currency: Option<Currency>,
    /// Lowest price, in whole units of `currency`.
    pub min_major: Option<i64>,
    /// Highest price, in whole units of `currency`.
    pub max_major: Option<i64>,
    /// Only this level.
    pub level: Option<Level>,
    /// Only courses rated at least this many stars on average.
    pub min_rating: Option<u8>,
    /// The order.
    pub sort: Sort,
    /// Where to continue from.
    pub after: Option<Cursor>,
}

impl CatalogQuery {
    /// Reads the query from URL parameters, dropping what does not parse.
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> CatalogQuery {
        let mut query = CatalogQuery::default();
        for (name, value) in pairs {
            let value = value.trim();
            match name {
                "category" => query.category = Slug::parse(value).ok(),
                "lang" => query.language = Lang::from_tag(value),
                "price" => {
                    query.price = match value {
                        "free" => PriceKind::Free,
                        "paid" => PriceKind::Paid,
                        _ => PriceKind::Any,
                    }
                }
                "currency" => query.currency = Currency::from_code(value).ok(),
                "min" => query.min_major = value.parse().ok().filter(|v| *v >= 0),
                "max" => query.max_major = value.parse().ok().filter(|v| *v >= 0),
                "level" => query.level = Level::parse(value),
                "rating" => query.min_rating = value.parse().ok().filter(|r| (1..=5).contains(r)),
                "sort" => query.sort = Sort::parse(value).unwrap_or_default(),
                "after" => query.after = Cursor::parse(value),
                _ => {}
            }
        }
        if let (Some(min), Some(max)) = (query.min_major, query.max_major)
            && min > max
        {
            query.min_major = Some(max);
            query.max_major = Some(min);
        }
        query
    }

    /// The price range in minor units, when one applies: `(currency, min, max)`.
    pub fn price_range(&self) -> Option<(Currency, i64, i64)> {
        if self.min_major.is_none() && self.max_major.is_none() || self.price == PriceKind::Free {
            return None;
        }
        let currency = self.currency?;
        let minor = |major: i64| major.saturating_mul(currency.minor_per_major());
        Some((
            currency,
            self.min_major.map_or(0, minor),
            self.max_major.map_or(i64::MAX, minor),
        ))
    }

    /// Whether any filter is set (the page offers "clear filters" then).
    pub fn is_filtered(&self) -> bool {
        let plain = CatalogQuery {
            sort: self.sort,
            after: self.after,
            ..CatalogQuery::default()
        };
        *self != plain
    }

    /// The canonical URL parameters, in a fixed order, without the cursor: the link for the first
    /// page of these filters.
    pub fn first_page_pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs = Vec::new();
        if let Some(category) = &self.category {
            pairs.push(("category", category.as_str().to_owned()));
        }
        if let Some(language) = self.language {
            pairs.push(("lang", language.tag().to_owned()));
        }
        match self.price {
            PriceKind::Any => {}
            PriceKind::Free => pairs.push(("price", "free".to_owned())),
            PriceKind::Paid => pairs.push(("price", "paid".to_owned())),
        }
        if self.min_major.is_some() || self.max_major.is_some() {
            if let Some(currency) = self.currency {
                pairs.push(("currency", currency.code().to_owned()));
            }
            if let Some(min) = self.min_major {
                pairs.push(("min", min.to_string()));
            }
            if let Some(max) = self.max_major {
                pairs.push(("max", max.to_string()));
            }
        }
        if let Some(level) = self.level {
            pairs.push(("level", level.as_str().to_owned()));
        }
        if let Some(rating) = self.min_rating {
            pairs.push(("rating", rating.to_string()));
        }
        if self.sort != Sort::default() {
            pairs.push(("sort", self.sort.as_str().to_owned()));
        }
        pairs
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn parse(url: &str) -> CatalogQuery {
        CatalogQuery::from_pairs(url.split('&').filter_map(|pair| pair.split_once('=')))
    }

    #[test]
    fn reads_every_filter() {
        let query = parse(
            "category=programming&lang=zh-CN&price=paid&currency=CNY&min=10&max=200&level=beginner&rating=4&sort=rating&after=430.17",
        );
        assert_eq!(
            query.category.as_ref().map(Slug::as_str),
            Some("programming")
        );
        assert_eq!(query.language, Some(Lang::ZhCn));
        assert_eq!(query.price, PriceKind::Paid);
        assert_eq!(query.price_range(), Some((Currency::Cny, 1_000, 20_000)));
        assert_eq!(query.level, Some(Level::Beginner));
        assert_eq!(query.min_rating, Some(4));
        assert_eq!(query.sort, Sort::Rating);
        assert_eq!(query.after, Some(Cursor { key: 430, id: 17 }));
        assert!(query.is_filtered());
    }

    #[test]
    fn drops_what_does_not_parse() {
        let query = parse(
            "category=..%2F&lang=fr&price=cheap&min=-5&rating=9&sort=random&after=x.1&level=guru",
        );
        assert_eq!(query, CatalogQuery::default());
        assert!(!query.is_filtered());
    }

    #[test]
    fn a_range_needs_a_currency_and_is_ordered() {
        assert_eq!(parse("min=10").price_range(), None);
        assert_eq!(
            parse("currency=USD&min=50&max=10").price_range(),
            Some((Currency::Usd, 1_000, 5_000))
        );
        assert_eq!(parse("currency=USD&min=5&price=free").price_range(), None);
    }

    #[test]
    fn sort_alone_is_not_a_filter() {
        assert!(!parse("sort=popular&after=5.5").is_filtered());
    }

    proptest! {
        /// A query written back to the URL reads as the same query (without the cursor).
        #[test]
        fn pairs_round_trip(
            category in proptest::option::of("[a-z]{1,12}"),
            language in proptest::option::of(prop_oneof![Just(Lang::En), Just(Lang::ZhCn)]),
            price in prop_oneof![Just(PriceKind::Any), Just(PriceKind::Free), Just(PriceKind::Paid)],
            range in proptest::option::of((0i64..1_000, 0i64..1_000)),
            level in proptest::option::of(proptest::sample::select(Level::ALL.to_vec())),
            min_rating in proptest::option::of(1u8..=5),
            sort in proptest::sample::select(Sort::ALL.to_vec()),
        ) {
            let (min_major, max_major) = match range {
                Some((a, b)) => (Some(a.min(b)), Some(a.max(b))),
                None => (None, None),
            };
            let query = CatalogQuery {
                category: category.and_then(|c| Slug::parse(&c).ok()),
                language,
                price,
                currency: range.map(|_| Currency::Cny),
                min_major,
                max_major,
                level,
                min_rating,
                sort,
                after: None,
            };
            let pairs = query.first_page_pairs();
            let read = CatalogQuery::from_pairs(pairs.iter().map(|(k, v)| (*k, v.as_str())));
            prop_assert_eq!(read, query);
        }
    }
}
