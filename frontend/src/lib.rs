//! The browser entry point: hydrates the page the server rendered.

#![forbid(unsafe_code)]
#![recursion_limit = "512"]

use leptos::prelude::document;

/// Called by the generated JavaScript once the WASM module is loaded.
///
/// Hydration first fetches the WASM chunk of a lazy route (the studio, staff and account pages, see
/// `app::pages::lazy`), then walks the server's HTML: without the page's code it would have
/// nothing to attach the page's handlers with.
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    let Some(body) = document().body() else {
        return;
    };
    wasm_bindgen_futures::spawn_local(async move {
        let app = leptos::mount::hydrate_from_async(body.clone(), app::App).await;
        // The app lives as long as the page does.
        app.forget();
        // Tells tests (and anyone curious) that event handlers are attached from here on.
        let _ = body.set_attribute("data-hydrated", "");
    });
}
