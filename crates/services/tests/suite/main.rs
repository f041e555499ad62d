//! The use cases on real databases (SQLite and, when reachable, PostgreSQL). One test binary, so
//! the generic code the files share is compiled once.

mod archives;
mod commerce;
mod coupons;
mod review;
mod stripe;
mod studio;
mod units_of_work;
