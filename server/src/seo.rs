//! What search engines read besides the pages: `robots.txt` and `sitemap.xml`.
//!
//! Pages themselves are rendered whole on the server (titles, descriptions, Open Graph, canonical
//! links and the course page's JSON-LD), so a crawler needs no JavaScript.

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use services::Services;

/// `GET /robots.txt`: everything public may be crawled; the studio, staff and account areas and
/// the server functions are not worth a crawler's time.
pub async fn robots(State(services): State<Services>) -> Response {
    let body = format!(
        "User-agent: *\nDisallow: /api/\nDisallow: /studio\nDisallow: /admin\nDisallow: /review\n\
         Disallow: /account\nDisallow: /learning\nDisallow: /notifications\n\
         Sitemap: {}/sitemap.xml\n",
        services.public_url()
    );
    ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], body).into_response()
}

/// `GET /sitemap.xml`: the home page, the catalog and every published course, with when each
/// course last changed.
pub async fn sitemap(State(services): State<Services>) -> Response {
    let courses = match services.store().published_slugs().await {
        Ok(courses) => courses,
        Err(err) => {
            tracing::error!(error = %services::cause_chain(&err), "sitemap unavailable");
            return StatusCode::SERVICE_UNAVAILABLE.into_response();
        }
    };
    let base = services.public_url();
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for path in ["/", "/courses"] {
        xml.push_str(&format!("<url><loc>{base}{path}</loc></url>\n"));
    }
    for (slug, updated_at) in courses {
        // `YYYY-MM-DD`, the date part of the shown time. Slugs are URL-safe by construction
        // (domain::Slug), so they need no escaping.
        let shown = domain::time::format_utc(updated_at);
        let date = shown.split(' ').next().unwrap_or_default();
        xml.push_str(&format!(
            "<url><loc>{base}/courses/{slug}</loc><lastmod>{date}</lastmod></url>\n"
        ));
    }
    xml.push_str("</urlset>\n");
    (
        [(header::CONTENT_TYPE, "application/xml; charset=utf-8")],
        xml,
    )
        .into_response()
}
