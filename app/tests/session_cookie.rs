//! The session cookie's attributes (an integration test, so the test build does not compile the
//! whole app a second time as a unit-test harness).
#![cfg(feature = "ssr")]

use app::auth::SessionCookie;

#[test]
fn cookies_are_http_only_and_prefixed_under_tls() {
    let tls = SessionCookie { secure: true };
    assert_eq!(
        tls.set("abc"),
        "__Host-lore_session=abc; Path=/; HttpOnly; SameSite=Lax; Secure"
    );
    let plain = SessionCookie { secure: false };
    assert_eq!(
        plain.set("abc"),
        "lore_session=abc; Path=/; HttpOnly; SameSite=Lax"
    );
    assert!(plain.clear().contains("Max-Age=0"));
    assert_eq!(plain.read("a=1; lore_session=xyz; b=2"), Some("xyz"));
    assert_eq!(tls.read("lore_session=xyz"), None);
}
