//! The lesson player's browser side: resume where the learner stopped, report progress while
//! they play or read, playback speed and keyboard controls.
//!
//! Reports go to `/api/progress` every [`REPORT_EVERY_MS`] while playing, at once on pause and
//! end, and with `navigator.sendBeacon` when the page is hidden or left (a normal request may be
//! cancelled then). Each carries the time it was made, and the server merges reports by it, so a
//! beacon arriving after the next page's first report changes nothing.
//!
//! Browser only: the server renders the player's markup and nothing here runs there.

use domain::LessonId;

/// What the player needs to know about the lesson on the page.
#[derive(Clone, Debug)]
pub struct Setup {
    /// The course's URL name.
    pub slug: String,
    /// The lesson.
    pub lesson: LessonId,
    /// Where to resume, in milliseconds.
    pub resume_ms: u64,
    /// Whether reports can be stored (the reader is signed in).
    pub signed_in: bool,
}

pub use browser::track;

mod browser {
    use super::Setup;
    use leptos::prelude::*;
    use std::cell::Cell;
    use std::rc::Rc;
    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;
    use web_sys::HtmlMediaElement;

    /// How often a playing lesson reports its position.
    const REPORT_EVERY_MS: f64 = 5_000.0;

    /// Speeds the speed menu and the `<`/`>` keys step through.
    const SPEEDS: [f64; 6] = [0.75, 1.0, 1.25, 1.5, 1.75, 2.0];

    /// Wires up the lesson on the page: the player (`#lesson-player`), the speed menu
    /// (`#lesson-speed`) and the end of the article (`#lesson-end`).
    pub fn track(setup: Setup) {
        // After a client-side navigation the new lesson's elements exist before they are in the
        // document: look for them on the next frame, under this page's owner (so the window
        // listeners go when the page does).
        let owner = Owner::current();
        request_animation_frame(move || match owner {
            Some(owner) => owner.with(|| attach(setup)),
            None => attach(setup),
        });
    }

    fn attach(setup: Setup) {
        let Some(document) = web_sys::window().and_then(|w| w.document()) else {
            return;
        };
        let media = document
            .get_element_by_id("lesson-player")
            .and_then(|e| e.dyn_into::<HtmlMediaElement>().ok());
        let setup = Rc::new(setup);
        match media {
            Some(media) => track_media(&document, media, setup),
            None => track_reading(setup),
        }
    }

    fn now() -> f64 {
        js_sys::Date::now()
    }

    fn params(
        setup: &Setup,
        kind: &str,
        position_ms: u64,
        duration_ms: u64,
    ) -> Vec<(String, String)> {
        vec![
            ("slug".into(), setup.slug.clone()),
            ("lesson".into(), setup.lesson.to_string()),
            ("kind".into(), kind.into()),
            ("position_ms".into(), position_ms.to_string()),
            ("duration_ms".into(), duration_ms.to_string()),
            ("at".into(), format!("{}", now() as i64)),
        ]
    }

    /// Sends one report as an ordinary request (fire and forget: a lost report is replaced by
    /// the next one).
    fn send(setup: &Setup, kind: &'static str, position_ms: u64, duration_ms: u64) {
        if !setup.signed_in {
            return;
        }
        let (slug, lesson) = (setup.slug.clone(), setup.lesson);
        let at = now() as i64;
        leptos::task::spawn_local(async move {
            let _ = crate::api::learning::report_progress(
                slug,
                lesson,
                kind.to_owned(),
                position_ms,
                duration_ms,
                false,
                Some(at),
            )
            .await;
        });
    }

    /// Sends one report that survives the page going away.
    fn beacon(setup: &Setup, kind: &str, position_ms: u64, duration_ms: u64) {
        if !setup.signed_in {
            return;
        }
        let Ok(body) = web_sys::UrlSearchParams::new() else {
            return;
        };
        for (k, v) in params(setup, kind, position_ms, duration_ms) {
            body.append(&k, &v);
        }
        if let Some(window) = web_sys::window() {
            let _ = window
                .navigator()
                .send_beacon_with_opt_url_search_params("/api/progress", Some(&body));
        }
    }

    fn position(media: &HtmlMediaElement) -> Option<(u64, u64)> {
        let duration = media.duration();
        if !duration.is_finite() || duration <= 0.0 {
            return None;
        }
        let position = media.current_time().clamp(0.0, duration);
        Some(((position * 1000.0) as u64, (duration * 1000.0) as u64))
    }

    fn listen<E: wasm_bindgen::convert::FromWasmAbi + 'static>(
        target: &web_sys::EventTarget,
        event: &str,
        handler: impl FnMut(E) + 'static,
    ) {
        let closure = Closure::<dyn FnMut(E)>::new(handler);
        let _ = target.add_event_listener_with_callback(event, closure.as_ref().unchecked_ref());
        // The listener lives as long as its element; a pause fired while the page changes still
        // reports the lesson being left, which is what it should do.
        closure.forget();
    }

    fn track_media(document: &web_sys::Document, media: HtmlMediaElement, setup: Rc<Setup>) {
        let last = Rc::new(Cell::new(0.0_f64));
        {
            let resume = setup.resume_ms as f64 / 1000.0;
            let media2 = media.clone();
            let seek = move || {
                let duration = media2.duration();
                // Resume unless the learner had reached the very end (then start again).
                if resume > 0.0 && (!duration.is_finite() || resume < duration - 1.0) {
                    media2.set_current_time(resume);
                }
            };
            if media.ready_state() >= 1 {
                seek();
            } else {
                let seek = RefCellOnce::new(seek);
                listen(&media, "loadedmetadata", move |_: web_sys::Event| {
                    seek.run()
                });
            }
        }
        {
            let (media2, setup, last) = (media.clone(), setup.clone(), last.clone());
            listen(&media, "timeupdate", move |_: web_sys::Event| {
                if media2.paused() || now() - last.get() < REPORT_EVERY_MS {
                    return;
                }
                if let Some((pos, dur)) = position(&media2) {
                    last.set(now());
                    send(&setup, "played", pos, dur);
                }
            });
        }
        for event in ["pause", "ended", "seeked"] {
            let (media2, setup, last) = (media.clone(), setup.clone(), last.clone());
            listen(&media, event, move |_: web_sys::Event| {
                if let Some((pos, dur)) = position(&media2) {
                    last.set(now());
                    send(&setup, "played", pos, dur);
                }
            });
        }
        {
            let (media2, setup) = (media.clone(), setup.clone());
            let handle = window_event_listener(leptos::ev::pagehide, move |_| {
                if let Some((pos, dur)) = position(&media2) {
                    beacon(&setup, "played", pos, dur);
                }
            });
            on_cleanup(move || handle.remove());
        }
        let select = document
            .get_element_by_id("lesson-speed")
            .and_then(|e| e.dyn_into::<web_sys::HtmlSelectElement>().ok());
        if let Some(select) = &select {
            // Shown only once it works: without this script the menu would do nothing.
            for id in ["lesson-speed", "lesson-speed-label"] {
                if let Some(element) = document.get_element_by_id(id) {
                    let _ = element.remove_attribute("hidden");
                }
            }
            let (media2, select2) = (media.clone(), select.clone());
            listen(select, "change", move |_: web_sys::Event| {
                if let Ok(rate) = select2.value().parse::<f64>() {
                    media2.set_playback_rate(rate);
                }
            });
        }
        if let Some(region) = media.parent_element() {
            let media2 = media.clone();
            listen(&region, "keydown", move |ev: web_sys::KeyboardEvent| {
                if keyboard(&media2, &ev.key()) {
                    ev.prevent_default();
                    if let Some(select) = &select {
                        select.set_value(&media2.playback_rate().to_string());
                    }
                }
            });
        }
    }

    /// Handles one player key; returns whether it was one.
    fn keyboard(media: &HtmlMediaElement, key: &str) -> bool {
        let skip = |by: f64| media.set_current_time((media.current_time() + by).max(0.0));
        let step = |up: bool| {
            let rate = media.playback_rate();
            let next = if up {
                SPEEDS.iter().copied().find(|s| *s > rate + 0.01)
            } else {
                SPEEDS.iter().rev().copied().find(|s| *s < rate - 0.01)
            };
            if let Some(next) = next {
                media.set_playback_rate(next);
            }
        };
        match key {
            "k" | "K" => {
                if media.paused() {
                    let _ = media.play();
                } else {
                    let _ = media.pause();
                }
            }
            "j" | "J" => skip(-10.0),
            "l" | "L" => skip(10.0),
            ">" => step(true),
            "<" => step(false),
            "m" | "M" => media.set_muted(!media.muted()),
            _ => return false,
        }
        true
    }

    /// An article: reports "read to the end" once the end of the body has been on screen.
    fn track_reading(setup: Rc<Setup>) {
        let sent = Rc::new(Cell::new(false));
        let check = {
            let (setup, sent) = (setup.clone(), sent.clone());
            move || {
                if sent.get() {
                    return;
                }
                let Some(window) = web_sys::window() else {
                    return;
                };
                let height = window
                    .inner_height()
                    .ok()
                    .and_then(|h| h.as_f64())
                    .unwrap_or_default();
                let seen = window
                    .document()
                    .and_then(|d| d.get_element_by_id("lesson-end"))
                    .is_some_and(|end| end.get_bounding_client_rect().top() <= height);
                if seen {
                    sent.set(true);
                    send(&setup, "read", 0, 0);
                }
            }
        };
        check();
        let handle = window_event_listener(leptos::ev::scroll, move |_| check());
        on_cleanup(move || handle.remove());
    }

    /// A closure run at most once (for one-shot events).
    struct RefCellOnce<F>(std::cell::RefCell<Option<F>>);

    impl<F: FnOnce()> RefCellOnce<F> {
        fn new(f: F) -> Self {
            Self(std::cell::RefCell::new(Some(f)))
        }

        fn run(&self) {
            if let Some(f) = self.0.borrow_mut().take() {
                f();
            }
        }
    }
}
