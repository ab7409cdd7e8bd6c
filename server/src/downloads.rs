//! File downloads that are not pages: station lists, the opinion import template and the
//! coverage report. Each checks the viewer's role like a server function does.

use app::auth::ssr::authorize;
use app::auth::{ssr::Viewer, Role};
use app::error::AppError;
use app::ssr::AppState;
use axum::extract::{Query, Request, State};
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const CSV: &str = "text/csv; charset=utf-8";

fn viewer(req: &Request) -> Viewer {
    req.extensions()
        .get::<Viewer>()
        .cloned()
        .unwrap_or_default()
}

/// `ascii` for old clients, `name` (UTF-8, RFC 5987) for the rest.
fn attachment(content_type: &'static str, ascii: &str, name: &str, body: Vec<u8>) -> Response {
    let disposition = format!(
        "attachment; filename=\"{ascii}\"; filename*=UTF-8''{}",
        app::components::urlencode(name)
    );
    (
        [
            (http::header::CONTENT_TYPE, content_type.to_string()),
            (http::header::CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response()
}

fn fail(e: AppError) -> Response {
    crate::middleware::error_response(&e, false)
}

/// The station list as CSV (admins), the same file `yijian station export` writes.
pub async fn stations_csv(State(state): State<AppState>, req: Request) -> Response {
    if let Err(e) = authorize(&viewer(&req), &[Role::Admin]) {
        return fail(e);
    }
    match app::station::ssr::export(&state.db).await {
        Ok(rows) => attachment(
            CSV,
            "stations.csv",
            "联系点.csv",
            app::station::csv::write(&rows).into_bytes(),
        ),
        Err(e) => fail(e),
    }
}

/// The station list as XLSX (admins), as `yijian station export --format xlsx` writes it.
pub async fn stations_xlsx(State(state): State<AppState>, req: Request) -> Response {
    if let Err(e) = authorize(&viewer(&req), &[Role::Admin]) {
        return fail(e);
    }
    match app::station::ssr::export(&state.db)
        .await
        .and_then(|rows| app::station::csv::write_xlsx(&rows))
    {
        Ok(bytes) => attachment(XLSX, "stations.xlsx", "联系点.xlsx", bytes),
        Err(e) => fail(e),
    }
}

pub async fn opinion_template_csv(req: Request) -> Response {
    if let Err(e) = authorize(
        &viewer(&req),
        &[Role::Station, Role::Committee, Role::Admin],
    ) {
        return fail(e);
    }
    attachment(
        CSV,
        "opinions-template.csv",
        "意见导入模板.csv",
        app::batch::ssr::template_csv().into_bytes(),
    )
}

pub async fn opinion_template_xlsx(req: Request) -> Response {
    if let Err(e) = authorize(
        &viewer(&req),
        &[Role::Station, Role::Committee, Role::Admin],
    ) {
        return fail(e);
    }
    match app::batch::ssr::template_xlsx() {
        Ok(bytes) => attachment(XLSX, "opinions-template.xlsx", "意见导入模板.xlsx", bytes),
        Err(e) => fail(e),
    }
}

/// The coverage report of `?draft=…[&part=…]` as a workbook (committee).
pub async fn coverage_xlsx(
    State(state): State<AppState>,
    Query(q): Query<HashMap<String, String>>,
    req: Request,
) -> Response {
    if let Err(e) = authorize(&viewer(&req), &[Role::Committee, Role::Admin]) {
        return fail(e);
    }
    let part = match q.get("part").filter(|p| !p.is_empty()) {
        None => None,
        Some(p) => match p.parse::<i64>() {
            Ok(p) => Some(p),
            Err(_) => return fail(AppError::validation("part", "部分编号无效")),
        },
    };
    let slug = q.get("draft").map(String::as_str).filter(|s| !s.is_empty());
    match app::coverage::ssr::report(&state.db, slug, part)
        .await
        .and_then(|c| app::coverage::ssr::xlsx(&c))
    {
        Ok(bytes) => attachment(XLSX, "coverage.xlsx", "联系点覆盖情况.xlsx", bytes),
        Err(e) => fail(e),
    }
}
