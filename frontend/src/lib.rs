//! The browser entry point: hydrates the page the server rendered.

#![forbid(unsafe_code)]
#![recursion_limit = "512"]

/// Called by the generated JavaScript once the WASM module is loaded.
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
    // Tells tests (and anyone curious) that event handlers are attached from here on.
    if let Some(body) = leptos::prelude::document().body() {
        let _ = body.set_attribute("data-hydrated", "");
    }
}
