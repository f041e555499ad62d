//! The studio over real HTTP: who may reach its server functions (SECURITY-TESTS 7–9 as a role ×
//! route table), and a course made through them showing on `/studio`.

mod support;

use domain::Role;
use support::TestApp;

/// A form that makes a valid course in the demo catalog's first category.
fn new_course(title: &str) -> Vec<(&'static str, String)> {
    vec![
        ("title", title.to_owned()),
        ("category", "1".to_owned()),
        ("language", "en".to_owned()),
        ("price", "19.90".to_owned()),
        ("currency", "USD".to_owned()),
    ]
}

#[tokio::test]
async fn each_role_reaches_exactly_the_studio_it_may() {
    let app = TestApp::spawn().demo().sqlite().await;
    let mut people: Vec<(&str, Option<String>)> = vec![("anonymous", None)];
    for (name, role) in [
        ("learner", Role::Learner),
        ("author", Role::Author),
        ("reviewer", Role::Reviewer),
        ("admin", Role::Admin),
    ] {
        let cookie = app
            .register_as(&format!("role-{name}@example.com"), role)
            .await;
        people.push((name, Some(cookie)));
    }
    // (role, studio_home, studio_create_course)
    let expected = [
        ("anonymous", 401, 401),
        ("learner", 403, 403),
        ("author", 200, 200),
        ("reviewer", 403, 403),
        ("admin", 200, 200),
    ];
    for ((name, cookie), (role, home, create)) in people.iter().zip(expected) {
        assert_eq!(*name, role);
        let listed = app.call("studio_home", cookie.as_deref(), &[]).await;
        assert_eq!(listed.status(), home, "{name}: studio_home");
        let form = new_course(&format!("A course by the {name}"));
        let fields: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let made = app
            .call("studio_create_course", cookie.as_deref(), &fields)
            .await;
        assert_eq!(made.status(), create, "{name}: studio_create_course");
    }
    app.stop().await;
}

#[tokio::test]
async fn a_new_course_shows_in_the_studio_and_bad_fields_are_named() {
    let app = TestApp::spawn().demo().sqlite().await;
    let author = app.register_as("writer@example.com", Role::Author).await;
    let form = new_course("机器学习 Python 实战");
    let fields: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let made = app
        .call("studio_create_course", Some(&author), &fields)
        .await;
    assert_eq!(made.status(), 200);

    let page = app
        .client
        .get(format!("{}/studio", app.base))
        .header("cookie", format!("lore_session={author}"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(
        html.contains("机器学习 Python 实战"),
        "the new course is listed"
    );
    assert!(html.contains("data-state=\"draft\""));

    let mut bad = new_course("");
    bad[3].1 = "1.999".to_owned();
    let fields: Vec<(&str, &str)> = bad.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let refused = app
        .call("studio_create_course", Some(&author), &fields)
        .await;
    assert_eq!(refused.status(), 400);
    let body: serde_json::Value = refused.json().await.unwrap();
    let fields: Vec<&str> = body["Fields"]
        .as_array()
        .expect("a list of field errors")
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["Title", "Price"]);
    app.stop().await;
}
