use crate::i18n::*;
use domain::{CourseCard, Lang, Money};
use leptos::prelude::*;

/// A price, or "Free".
#[component]
pub fn Price(price: Money) -> impl IntoView {
    let i18n = use_i18n();
    if price.is_zero() {
        view! { <span class="price price-free">{t!(i18n, free)}</span> }.into_any()
    } else {
        let text = move || price.format(crate::locale::lang_of(i18n.get_locale()));
        view! { <span class="price">{text}</span> }.into_any()
    }
}

/// A grid of course cards, or a quiet note when there are none.
#[component]
pub fn CourseGrid(courses: Vec<CourseCard>) -> impl IntoView {
    let i18n = use_i18n();
    if courses.is_empty() {
        return view! { <p class="empty">{t!(i18n, no_courses)}</p> }.into_any();
    }
    view! {
        <ul class="course-grid" data-testid="course-grid">
            {courses.into_iter().map(|course| view! { <li><Card course/></li> }).collect_view()}
        </ul>
    }
    .into_any()
}

#[component]
fn Card(course: CourseCard) -> impl IntoView {
    let i18n = use_i18n();
    let href = format!("/courses/{}", course.slug);
    let lang = course.language;
    let lang_tag = lang.tag();
    let count = course.lesson_count;
    let author = course.author_name.clone();
    view! {
        <article class="course-card" data-category=course.category_slug.to_string()>
            <a class="course-card-link" href=href>
                <div class="course-cover" data-cover=course.id.get() % 6 aria-hidden="true">
                    {match course.cover {
                        Some(cover) => view! {
                            <img src=format!("/media/covers/{cover}-card.jpg") alt="" loading="lazy" width="640" height="360"/>
                        }.into_any(),
                        None => view! {
                            <span>{course.title.chars().next().unwrap_or('·').to_string()}</span>
                        }.into_any(),
                    }}
                </div>
                <div class="course-body">
                    <h3 class="course-title" lang=lang_tag>{course.title.clone()}</h3>
                    <p class="course-subtitle" lang=lang_tag>{course.subtitle.clone()}</p>
                    <p class="course-meta">
                        <span>{t!(i18n, by_author, name = author.clone())}</span>
                        <span aria-hidden="true">" · "</span>
                        <span>{t!(i18n, lesson_count, count = count)}</span>
                    </p>
                    <div class="course-foot">
                        <span class="badge">
                            {match lang {
                                Lang::En => t!(i18n, taught_in_en).into_any(),
                                Lang::ZhCn => t!(i18n, taught_in_zh).into_any(),
                            }}
                        </span>
                        <Price price=course.price/>
                    </div>
                </div>
            </a>
        </article>
    }
}
