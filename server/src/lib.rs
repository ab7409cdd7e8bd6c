//! The Yijian server: the axum router around the Leptos app, plus the command line.
//!
//! `router(state)` is everything a request meets, so tests drive it without a socket; `main.rs`
//! only parses the command line and calls into here.

pub mod backup;
pub mod bench;
pub mod cli;
pub mod cluster;
pub mod demo;
pub mod demo_loop;
mod downloads;
pub mod httpc;
pub mod listen;
pub mod metrics;
pub mod middleware;
pub mod page_cache;
pub mod run;

use app::auth::ssr::authorize;
use app::auth::{ssr::Viewer, Role};
use app::ssr::web::ClientIp;
use app::ssr::AppState;
use app::{shell, App};
use axum::extract::{Query, Request, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{middleware as mw, Json, Router};
use leptos_axum::{generate_route_list, LeptosRoutes};

/// The route list, generated once per process.
///
/// Generating it renders the app with resource loading suppressed through a process-wide flag
/// (leptos-rs/leptos#4773): a resource first polled by a request being served at that moment
/// waits forever. Building a second router (the tests build one per test, concurrently) must
/// therefore not generate it again.
fn route_list() -> Vec<leptos_axum::AxumRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<leptos_axum::AxumRouteListing>> =
        std::sync::OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

/// The path pattern of every page (`/drafts/:slug` …), for tests that check each page is
/// covered by a rule.
pub fn page_paths() -> Vec<String> {
    route_list().iter().map(|r| r.path().to_string()).collect()
}

pub fn router(state: AppState) -> Router {
    let routes = route_list();
    let options = state.leptos_options.clone();
    let pages = page_cache::PageCache::new(state.settings.page_cache_s);
    Router::new()
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics))
        .route("/admin/stations.csv", get(downloads::stations_csv))
        .route("/admin/deputies.csv", get(downloads::deputies_csv))
        .route("/admin/units.csv", get(downloads::units_csv))
        .route("/admin/stations.xlsx", get(downloads::stations_xlsx))
        .route(
            "/station/opinions/template.csv",
            get(downloads::opinion_template_csv),
        )
        .route(
            "/station/opinions/template.xlsx",
            get(downloads::opinion_template_xlsx),
        )
        .route("/committee/coverage.xlsx", get(downloads::coverage_xlsx))
        .route(
            "/office/report.xlsx",
            get(|s, q, req| downloads::loop_report(s, q, false, req)),
        )
        .route(
            "/office/report.pdf",
            get(|s, q, req| downloads::loop_report(s, q, true, req)),
        )
        .route(
            "/committee/drafts/{slug}/compilation.pdf",
            get(downloads::compilation_pdf),
        )
        .route(
            "/committee/drafts/{slug}/compilation.docx",
            get(|s, slug, req| downloads::feedback_docx(s, slug, false, req)),
        )
        .route(
            "/committee/drafts/{slug}/comparison.docx",
            get(|s, slug, req| downloads::feedback_docx(s, slug, true, req)),
        )
        .route("/drafts/{slug}/handout.pdf", get(downloads::handout_pdf))
        .route(
            "/committee/drafts/{slug}/themes.csv",
            get(|s, slug, req| downloads::themes(s, slug, false, req)),
        )
        .route(
            "/committee/drafts/{slug}/themes.xlsx",
            get(|s, slug, req| downloads::themes(s, slug, true, req)),
        )
        .route(
            "/committee/export.csv",
            get(|State(s): State<AppState>, Query(q), req| {
                downloads::export(downloads::ExportFormat::Csv, s, q, req)
            }),
        )
        .route(
            "/committee/export.xlsx",
            get(|State(s): State<AppState>, Query(q), req| {
                downloads::export(downloads::ExportFormat::Xlsx, s, q, req)
            }),
        )
        .route(
            "/committee/export.json",
            get(|State(s): State<AppState>, Query(q), req| {
                downloads::export(downloads::ExportFormat::Json, s, q, req)
            }),
        )
        .leptos_routes(&state, routes, move || shell(options.clone()))
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        // Innermost first: the session is resolved after the checks that need no database.
        .layer(mw::from_fn_with_state(
            state.clone(),
            middleware::session_layer,
        ))
        .layer(mw::from_fn_with_state(
            state.clone(),
            middleware::form_guard,
        ))
        .layer(mw::from_fn_with_state(
            state.clone(),
            middleware::cross_site_guard,
        ))
        .layer(mw::from_fn_with_state(pages, page_cache::page_cache))
        .layer(mw::from_fn(page_cache::static_cache_headers))
        .layer(mw::from_fn_with_state(
            state.clone(),
            middleware::security_headers,
        ))
        // Old phones on slow links: the wasm bundle shrinks about 3× with gzip.
        .layer(tower_http::compression::CompressionLayer::new())
        .layer(mw::from_fn(middleware::request_limits))
        .layer(mw::from_fn(middleware::record_metrics))
        // A panic in one request answers that request with 500 and leaves the server running.
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(
            middleware::panic_response,
        ))
        .with_state(state)
}

/// Liveness and readiness: 200 with the backend and migration version when the database
/// answers, 503 when it does not.
async fn healthz(State(state): State<AppState>) -> Response {
    match app::ssr::db::migration_version(&state.db).await {
        Ok(version) => Json(serde_json::json!({
            "status": "ok",
            "backend": state.db.backend.name(),
            "migration": version,
        }))
        .into_response(),
        Err(e) => {
            tracing::error!(error = ?e, "health check: database unavailable");
            (
                http::StatusCode::SERVICE_UNAVAILABLE,
                Json(serde_json::json!({ "status": "unavailable", "backend": state.db.backend.name() })),
            )
                .into_response()
        }
    }
}

/// Prometheus metrics, for the monitoring agent on the same machine or a logged-in admin.
async fn metrics(req: Request) -> Response {
    let local = req
        .extensions()
        .get::<ClientIp>()
        .is_some_and(|ip| ip.0.is_loopback());
    let viewer = req
        .extensions()
        .get::<Viewer>()
        .cloned()
        .unwrap_or_default();
    if !local {
        if let Err(e) = authorize(&viewer, &[Role::Admin]) {
            return middleware::error_response(&e, false);
        }
    }
    (
        [(
            http::header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        middleware::METRICS.render(),
    )
        .into_response()
}
