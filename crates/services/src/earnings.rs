//! Authors' earnings and the admin's payout statement.

use crate::{ServiceError, Services};
use domain::earnings::{self, CHART_DAYS, Earnings};
use domain::permissions::{can_manage_payments, can_open_studio};
use domain::{Actor, Currency};
use store::now_millis;

impl Services {
    /// The signed-in author's earnings: totals per currency (pending while refundable, then
    /// available) and the last 90 days, day by day.
    pub async fn earnings(&self, author: &Actor) -> Result<Earnings, ServiceError> {
        if !can_open_studio(Some(author)) {
            return Err(ServiceError::Forbidden);
        }
        let now = now_millis();
        let shares = self.store().author_shares(author.id).await?;
        let since = (now.div_euclid(86_400_000) - CHART_DAYS + 1) * 86_400_000;
        let days = self.store().author_days(author.id, since).await?;
        let balances = earnings::balances(&shares, now);
        let charts = balances
            .iter()
            .map(|balance| {
                let booked: Vec<(i64, i64)> = days
                    .iter()
                    .filter(|(_, currency, _)| *currency == balance.currency)
                    .map(|(day, _, net)| (*day, *net))
                    .collect();
                (
                    balance.currency,
                    earnings::chart(balance.currency, &booked, now),
                )
            })
            .collect::<Vec<(Currency, _)>>();
        Ok(Earnings { balances, charts })
    }

    /// The payout statement for shares booked from `from` to `to` (`YYYY-MM-DD`, both days
    /// included), as CSV: one line per author and currency (admins only).
    pub async fn payouts_csv(
        &self,
        admin: &Actor,
        from: &str,
        to: &str,
    ) -> Result<String, ServiceError> {
        if !can_manage_payments(Some(admin)) {
            return Err(ServiceError::Forbidden);
        }
        let from = domain::time::parse_date_utc(from).ok_or(ServiceError::Invalid("date"))?;
        let to = domain::time::parse_date_utc(to).ok_or(ServiceError::Invalid("date"))?;
        if to < from {
            return Err(ServiceError::Invalid("date"));
        }
        let rows = self.store().payout_shares(from, to + 86_400_000).await?;
        Ok(earnings::payouts_csv(&earnings::payout_lines(
            &rows,
            now_millis(),
        )))
    }
}
