//! The ceiling for a dynamic page: Lore's home page query with the HTML written by hand in plain
//! axum, no framework rendering. Listens on `BENCH_BIND` (default 127.0.0.1:3102) and reads the
//! database at `LORE_DATABASE_URL`.

use axum::extract::State;
use axum::response::Html;
use axum::{Router, http::StatusCode, routing::get};
use domain::{Lang, LocalizedText};
use std::fmt::Write;
use store::{CourseFilter, Store};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let bind = std::env::var("BENCH_BIND").unwrap_or_else(|_| "127.0.0.1:3102".to_owned());
    let url = std::env::var("LORE_DATABASE_URL")?;
    let store = Store::connect(&url).await?;
    let app = Router::new().route("/", get(home)).with_state(store);
    let listener = tokio::net::TcpListener::bind(&bind).await?;
    axum::serve(listener, app).await?;
    Ok(())
}

async fn home(State(store): State<Store>) -> Result<Html<String>, StatusCode> {
    let categories = store
        .list_categories()
        .await
        .map_err(|_| StatusCode::SERVICE_UNAVAILABLE)?;
    let courses = store
        .list_published_courses(&CourseFilter {
            category: None,
            limit: 20,
            offset: 0,
        })
        .await
        .map_err(|_| StatusCode::SERVICE_UNAVAILABLE)?;
    let mut html = String::with_capacity(16 * 1024);
    html.push_str(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"/>\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\
         <title>Lore</title><link rel=\"stylesheet\" href=\"/pkg/lore.css\"/></head><body>\
         <header class=\"site-header\"><div class=\"container header-row\"><a class=\"brand\" href=\"/\">\
         <span class=\"brand-mark\">L</span><span class=\"brand-name\">Lore</span></a>\
         <nav class=\"main-nav\"><a href=\"/courses\">Courses</a><a href=\"/studio\">Studio</a></nav>\
         <form class=\"header-search\" action=\"/search\" method=\"get\"><input type=\"search\" name=\"q\" \
         placeholder=\"Search courses\"/><button type=\"submit\">Search</button></form>\
         <button type=\"button\" class=\"lang-switch\">中文</button></div></header><main class=\"page\">\
         <section class=\"hero\"><div class=\"container\"><h1>Learn from people who know</h1>\
         <p class=\"lead\">Courses in Chinese and English from independent authors.</p>\
         <a class=\"button\" href=\"/courses\">Browse all courses</a></div></section>\
         <section class=\"container section\"><nav class=\"chips\"><a class=\"chip\" href=\"/\">All</a>",
    );
    for category in &categories {
        let _ = write!(
            html,
            "<a class=\"chip\" href=\"/?category={}\">{}</a>",
            category.slug,
            escape(name(&category.name))
        );
    }
    html.push_str("</nav><h2 class=\"section-title\">New courses</h2><ul class=\"course-grid\">");
    for course in &courses {
        let _ = write!(
            html,
            "<li><article class=\"course-card\"><a class=\"course-card-link\" href=\"/courses/{slug}\">\
             <div class=\"course-body\"><h3 class=\"course-title\" lang=\"{lang}\">{title}</h3>\
             <p class=\"course-subtitle\">{subtitle}</p><p class=\"course-meta\"><span>by {author}</span>\
             <span> · </span><span>{count} lessons</span></p><div class=\"course-foot\">\
             <span class=\"price\">{price}</span></div></div></a></article></li>",
            slug = course.slug,
            lang = course.language.tag(),
            title = escape(&course.title),
            subtitle = escape(&course.subtitle),
            author = escape(&course.author_name),
            count = course.lesson_count,
            price = course.price.format(domain::Lang::En),
        );
    }
    html.push_str(
        "</ul></section></main><footer class=\"site-footer\"><p>Lore</p></footer></body></html>",
    );
    Ok(Html(html))
}

fn name(text: &LocalizedText) -> &str {
    text.get(Lang::En)
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
    out
}
