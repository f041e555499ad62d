//! SECURITY-TESTS 20–21: every payload in `xss_payloads.txt` goes through the one sanitiser every
//! save and import uses, and nothing that could run script, load a foreign resource or restyle the
//! page comes out.

#[path = "xss/check.rs"]
mod check;

#[test]
fn no_payload_survives_the_sanitiser() {
    let payloads = check::payloads();
    assert!(payloads.len() >= 50, "only {} payloads", payloads.len());
    for payload in payloads {
        let out = richtext::clean(payload).html;
        check::assert_inert(payload, &out);
        // Sanitising is idempotent: what was stored comes back the same when saved again.
        assert_eq!(richtext::clean(&out).html, out, "{payload:?}");
    }
}
