//! `GET /admin/payouts.csv?from=YYYY-MM-DD&to=YYYY-MM-DD`: the payout statement for authors'
//! shares booked in the period, as a CSV download (admins only). A thin adapter around
//! `Services::payouts_csv`; a bad period sends the browser back to the form, which says why.

use axum::extract::{Query, Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use services::{CurrentSession, ServiceError, Services, cause_chain};

/// The period asked for.
#[derive(Deserialize)]
pub struct Period {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
}

/// `GET /admin/payouts.csv`.
pub async fn export(
    State(services): State<Services>,
    Query(period): Query<Period>,
    request: Request,
) -> Response {
    let Some(me) = request.extensions().get::<CurrentSession>().cloned() else {
        return Redirect::to("/login?next=/admin/payouts").into_response();
    };
    match services
        .payouts_csv(&me.actor, &period.from, &period.to)
        .await
    {
        Ok(csv) => {
            let name = format!("lore-payouts-{}-{}.csv", period.from, period.to);
            (
                [
                    (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                    (
                        header::CONTENT_DISPOSITION,
                        format!("attachment; filename=\"{name}\""),
                    ),
                    (header::CACHE_CONTROL, "no-store".to_owned()),
                ],
                csv,
            )
                .into_response()
        }
        Err(ServiceError::Invalid(_)) => Redirect::to("/admin/payouts?invalid=1").into_response(),
        Err(ServiceError::Forbidden) => StatusCode::FORBIDDEN.into_response(),
        Err(err) => {
            tracing::error!(error = %cause_chain(&err), "payout statement failed");
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
    }
}
