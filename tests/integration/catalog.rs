use crate::support::{Backend, TestApp};

backend_tests!(authors_products_and_sidebars_are_listed_and_fetched, health_and_docs_are_served);

fn authors_products_and_sidebars_are_listed_and_fetched(backend: Backend) {
    let Some(app) = TestApp::spawn(backend) else { return };
    let authors = app.get("/api/v1/authors").json();
    assert_eq!(authors["data"][0]["slug"], "steve-rubel");
    assert_eq!(authors["data"][0]["post_count"], 3);
    assert!(authors["next_cursor"].is_null());
    let author = app.get("/api/v1/authors/steve-rubel").json();
    assert_eq!(author["name"], "Steve Rubel");
    app.get("/api/v1/authors/nobody").problem(404);

    let products = app.get("/api/v1/products?limit=2").json();
    assert_eq!(products["data"].as_array().unwrap().len(), 2);
    let cursor = products["next_cursor"].as_str().expect("a third product follows");
    let rest = app.get(&format!("/api/v1/products?limit=2&cursor={cursor}")).json();
    assert_eq!(rest["data"][0]["title"], "The Big Lebowski - 10th Anniversary Limited Edition");
    assert!(rest["next_cursor"].is_null());
    let id = products["data"][0]["id"].as_i64().unwrap();
    assert_eq!(
        app.get(&format!("/api/v1/products/{id}")).json()["edition"],
        "Limited Edition [Blu-ray Book + Digital Copy]"
    );
    app.get("/api/v1/products/999999").problem(404);

    let sidebars = app.get("/api/v1/sidebars").json();
    assert_eq!(sidebars["data"][0]["slug"], "main");
    let sidebar = app.get("/api/v1/sidebars/main").json();
    let kinds: Vec<&str> = sidebar["widgets"].as_array().unwrap().iter().map(|w| w["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["author_bio", "product", "product", "product", "html"]);
    app.get("/api/v1/sidebars/none").problem(404);
}

fn health_and_docs_are_served(backend: Backend) {
    let Some(app) = TestApp::spawn(backend) else { return };
    assert_eq!(app.get("/healthz").json()["status"], "ok");
    assert_eq!(app.get("/readyz").json()["status"], "ok");
    let docs = app.get("/docs/");
    assert_eq!(docs.status, 200);
    assert!(docs.body.contains("swagger"), "Swagger UI page");
    let swagger_js = app.get("/docs/swagger-ui-bundle.js");
    assert_eq!(swagger_js.status, 200, "Swagger UI assets are served locally, not from a CDN");
    let graphiql = app.get("/graphql");
    assert_eq!(graphiql.status, 200);
    assert!(graphiql.header("content-type").unwrap().starts_with("text/html"));
    assert_eq!(app.get("/healthz").header("x-content-type-options"), Some("nosniff"));
}
