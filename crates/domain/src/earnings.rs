//! What authors earn: their share of each sale, held while the sale can still be refunded, and
//! the admin's payout statement per author and period.
//!
//! An author's share of an order is the sum of the order's `author` ledger entries: the sale's
//! share, less what refunds took back. It is *pending* until the order's refund window has
//! closed ([`crate::order::share_available`]), so money paid out can never be clawed back by a
//! refund; then it is *available*.

use crate::order::share_available;
use crate::{Currency, Money, UserId};
use serde::{Deserialize, Serialize};

/// One day in milliseconds.
const DAY_MS: i64 = 86_400_000;

/// An author's share of one order, as the ledger has it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OrderShare {
    /// When the order was paid.
    pub paid_at: i64,
    /// Its refund window, in days.
    pub refund_days: i64,
    /// The currency.
    pub currency: Currency,
    /// The share of the sale (minor units, positive).
    pub sales_minor: i64,
    /// What refunds took back of it (minor units, zero or negative).
    pub refunds_minor: i64,
}

impl OrderShare {
    /// Whether the share can be paid out at `now`.
    pub fn available(&self, now: i64) -> bool {
        share_available(self.paid_at, self.refund_days.saturating_mul(DAY_MS), now)
    }
}

/// An author's totals in one currency.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Balance {
    /// The currency.
    pub currency: Currency,
    /// Shares of sales still inside their refund window.
    pub pending: Money,
    /// Shares that can be paid out.
    pub available: Money,
    /// Every share of every sale, before refunds.
    pub sales: Money,
    /// What refunds took back (zero or negative).
    pub refunds: Money,
}

/// Totals per currency of `shares` at `now`, in currency order.
pub fn balances(shares: &[OrderShare], now: i64) -> Vec<Balance> {
    let mut out: Vec<Balance> = Vec::new();
    for share in shares {
        let index = match out.iter().position(|b| b.currency == share.currency) {
            Some(index) => index,
            None => {
                let zero = Money::zero(share.currency);
                out.push(Balance {
                    currency: share.currency,
                    pending: zero,
                    available: zero,
                    sales: zero,
                    refunds: zero,
                });
                out.len() - 1
            }
        };
        let balance = &mut out[index];
        let net = share.sales_minor + share.refunds_minor;
        let add = |money: Money, minor: i64| {
            Money::amount(money.minor().saturating_add(minor), money.currency()).unwrap_or(money)
        };
        if share.available(now) {
            balance.available = add(balance.available, net);
        } else {
            balance.pending = add(balance.pending, net);
        }
        balance.sales = add(balance.sales, share.sales_minor);
        balance.refunds = add(balance.refunds, share.refunds_minor);
    }
    out.sort_by_key(|b| b.currency.code());
    out
}

/// An author's net share booked on one day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Day {
    /// Days since 1970-01-01 (UTC).
    pub day: i64,
    /// Net share booked that day: sales less refunds.
    pub net: Money,
}

/// The days the earnings chart shows: the last 90, ending today.
pub const CHART_DAYS: i64 = 90;

/// The chart of one currency: every one of the last [`CHART_DAYS`] days before `now`, those
/// without bookings at zero, from `booked` (day, net minor units) in that currency.
pub fn chart(currency: Currency, booked: &[(i64, i64)], now: i64) -> Vec<Day> {
    let today = now.div_euclid(DAY_MS);
    (today - CHART_DAYS + 1..=today)
        .map(|day| {
            let minor: i64 = booked
                .iter()
                .filter(|(d, _)| *d == day)
                .map(|(_, m)| m)
                .sum();
            Day {
                day,
                net: Money::amount(minor, currency).unwrap_or(Money::zero(currency)),
            }
        })
        .collect()
}

/// An author's earnings page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Earnings {
    /// Totals per currency.
    pub balances: Vec<Balance>,
    /// One chart per currency the author sold in: the last 90 days.
    pub charts: Vec<(Currency, Vec<Day>)>,
}

/// One author's line of a payout statement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PayoutLine {
    /// The author.
    pub author: UserId,
    /// Their display name.
    pub name: String,
    /// Their email address.
    pub email: String,
    /// The totals of the shares booked in the period.
    pub balance: Balance,
}

/// Payout lines from per-order shares booked in a period (author, name, email, share), at `now`:
/// one line per author and currency, in author then currency order.
pub fn payout_lines(rows: &[(UserId, String, String, OrderShare)], now: i64) -> Vec<PayoutLine> {
    let mut authors: Vec<UserId> = rows.iter().map(|(author, ..)| *author).collect();
    authors.sort();
    authors.dedup();
    authors
        .into_iter()
        .flat_map(|author| {
            let theirs: Vec<&(UserId, String, String, OrderShare)> =
                rows.iter().filter(|row| row.0 == author).collect();
            let shares: Vec<OrderShare> = theirs.iter().map(|row| row.3).collect();
            let (name, email) = (theirs[0].1.clone(), theirs[0].2.clone());
            balances(&shares, now)
                .into_iter()
                .map(move |balance| PayoutLine {
                    author,
                    name: name.clone(),
                    email: email.clone(),
                    balance,
                })
        })
        .collect()
}

/// A money amount as a plain decimal (`-12.50`), for spreadsheets.
fn decimal(money: Money) -> String {
    let per = money.currency().minor_per_major().max(1);
    let sign = if money.minor() < 0 { "-" } else { "" };
    let abs = money.minor().unsigned_abs();
    let per = per.unsigned_abs();
    format!("{sign}{}.{:02}", abs / per, abs % per)
}

/// A CSV field, quoted when it must be; a leading `=`, `+`, `-` or `@` is defused so that a
/// spreadsheet does not run a display name as a formula.
fn field(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@']) {
        format!("'{text}")
    } else {
        text.to_owned()
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

/// The payout statement as CSV (RFC 4180, CRLF line ends), with a header row.
pub fn payouts_csv(lines: &[PayoutLine]) -> String {
    let mut out =
        String::from("author_id,name,email,currency,sales,refunds,net,pending,available\r\n");
    for line in lines {
        let b = line.balance;
        let net = Money::amount(b.sales.minor() + b.refunds.minor(), b.currency)
            .unwrap_or(Money::zero(b.currency));
        out.push_str(&format!(
            "{},{},{},{},{},{},{},{},{}\r\n",
            line.author,
            field(&line.name),
            field(&line.email),
            b.currency.code(),
            decimal(b.sales),
            decimal(b.refunds),
            decimal(net),
            decimal(b.pending),
            decimal(b.available),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn share(paid_at: i64, sales: i64, refunds: i64) -> OrderShare {
        OrderShare {
            paid_at,
            refund_days: 7,
            currency: Currency::Cny,
            sales_minor: sales,
            refunds_minor: refunds,
        }
    }

    #[test]
    fn shares_are_pending_until_the_refund_window_closes() {
        let now = 30 * DAY_MS;
        let shares = [
            share(now - DAY_MS, 8_000, 0),
            share(now - 7 * DAY_MS, 8_000, -8_000),
            share(now - 10 * DAY_MS, 8_000, -2_000),
        ];
        let [balance] = balances(&shares, now).try_into().unwrap();
        assert_eq!(balance.pending.minor(), 8_000);
        assert_eq!(balance.available.minor(), 6_000);
        assert_eq!(balance.sales.minor(), 24_000);
        assert_eq!(balance.refunds.minor(), -10_000);
    }

    #[test]
    fn the_chart_has_every_one_of_ninety_days() {
        let now = 100 * DAY_MS + 5;
        let days = chart(
            Currency::Usd,
            &[(100, 300), (100, -100), (11, 50), (50, 7)],
            now,
        );
        assert_eq!(days.len(), 90);
        assert_eq!(days[0].day, 11);
        assert_eq!(days[0].net.minor(), 50);
        assert_eq!(days[89].net.minor(), 200);
        assert_eq!(days.iter().map(|d| d.net.minor()).sum::<i64>(), 257);
    }

    #[test]
    fn payout_csv_quotes_and_defuses_fields() {
        let rows = [
            (
                UserId::new(2),
                "=HYPERLINK(\"x\")".to_owned(),
                "b@x.test".to_owned(),
                share(0, 100, 0),
            ),
            (
                UserId::new(1),
                "Ada, Lovelace".to_owned(),
                "a@x.test".to_owned(),
                share(0, 8_000, -1_000),
            ),
        ];
        let csv = payouts_csv(&payout_lines(&rows, 30 * DAY_MS));
        let lines: Vec<&str> = csv.split("\r\n").collect();
        assert_eq!(
            lines[1],
            "1,\"Ada, Lovelace\",a@x.test,CNY,80.00,-10.00,70.00,0.00,70.00"
        );
        assert_eq!(
            lines[2],
            "2,\"'=HYPERLINK(\"\"x\"\")\",b@x.test,CNY,1.00,0.00,1.00,0.00,1.00"
        );
    }
}
