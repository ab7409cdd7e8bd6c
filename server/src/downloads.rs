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

/// A refused download: a Chinese page when a browser opened the link, the JSON error for
/// scripts.
fn fail(html: bool, e: AppError) -> Response {
    crate::middleware::error_response(&e, html)
}

/// The station list as CSV (admins), the same file `yijian station export` writes.
pub async fn stations_csv(State(state): State<AppState>, req: Request) -> Response {
    let wants_page = crate::middleware::wants_html(req.headers());
    if let Err(e) = authorize(&viewer(&req), &[Role::Admin]) {
        return fail(wants_page, e);
    }
    match app::station::ssr::export(&state.db).await {
        Ok(rows) => attachment(
            CSV,
            "stations.csv",
            "联系点.csv",
            app::station::csv::write(&rows).into_bytes(),
        ),
        Err(e) => fail(wants_page, e),
    }
}

/// The deputies (`/admin/deputies.csv`) or the units with their operators
/// (`/admin/units.csv`), in the columns the import reads (admins).
async fn roster_csv(state: &AppState, wants_page: bool, units: bool) -> Response {
    let (rows, header, ascii, name) = if units {
        (
            app::roster::ssr::export_units(&state.db).await,
            ["单位名称", "类别", "邮箱", "操作员登录名", "操作员姓名"].as_slice(),
            "units.csv",
            "承办单位.csv",
        )
    } else {
        (
            app::roster::ssr::export_deputies(&state.db).await,
            ["登录名", "姓名", "层级", "代表之家"].as_slice(),
            "deputies.csv",
            "代表.csv",
        )
    };
    match rows {
        Ok(rows) => attachment(
            CSV,
            ascii,
            name,
            app::sheet::write_csv(header, rows).into_bytes(),
        ),
        Err(e) => fail(wants_page, e),
    }
}

pub async fn deputies_csv(State(state): State<AppState>, req: Request) -> Response {
    let wants_page = crate::middleware::wants_html(req.headers());
    if let Err(e) = authorize(&viewer(&req), &[Role::Admin]) {
        return fail(wants_page, e);
    }
    roster_csv(&state, wants_page, false).await
}

pub async fn units_csv(State(state): State<AppState>, req: Request) -> Response {
    let wants_page = crate::middleware::wants_html(req.headers());
    if let Err(e) = authorize(&viewer(&req), &[Role::Admin]) {
        return fail(wants_page, e);
    }
    roster_csv(&state, wants_page, true).await
}

/// The station list as XLSX (admins), as `yijian station export --format xlsx` writes it.
pub async fn stations_xlsx(State(state): State<AppState>, req: Request) -> Response {
    let wants_page = crate::middleware::wants_html(req.headers());
    if let Err(e) = authorize(&viewer(&req), &[Role::Admin]) {
        return fail(wants_page, e);
    }
    match app::station::ssr::export(&state.db)
        .await
        .and_then(|rows| app::station::csv::write_xlsx(&rows))
    {
        Ok(bytes) => attachment(XLSX, "stations.xlsx", "联系点.xlsx", bytes),
        Err(e) => fail(wants_page, e),
    }
}

pub async fn opinion_template_csv(req: Request) -> Response {
    let wants_page = crate::middleware::wants_html(req.headers());
    if let Err(e) = authorize(
        &viewer(&req),
        &[Role::Station, Role::Committee, Role::Admin],
    ) {
        return fail(wants_page, e);
    }
    attachment(
        CSV,
        "opinions-template.csv",
        "意见导入模板.csv",
        app::batch::ssr::template_csv().into_bytes(),
    )
}

pub async fn opinion_template_xlsx(req: Request) -> Response {
    let wants_page = crate::middleware::wants_html(req.headers());
    if let Err(e) = authorize(
        &viewer(&req),
        &[Role::Station, Role::Committee, Role::Admin],
    ) {
        return fail(wants_page, e);
    }
    match app::batch::ssr::template_xlsx() {
        Ok(bytes) => attachment(XLSX, "opinions-template.xlsx", "意见导入模板.xlsx", bytes),
        Err(e) => fail(wants_page, e),
    }
}

/// The coverage report of `?draft=…[&part=…]` as a workbook (committee).
pub async fn coverage_xlsx(
    State(state): State<AppState>,
    Query(q): Query<HashMap<String, String>>,
    req: Request,
) -> Response {
    let wants_page = crate::middleware::wants_html(req.headers());
    if let Err(e) = authorize(&viewer(&req), &[Role::Committee, Role::Admin]) {
        return fail(wants_page, e);
    }
    let part = match q.get("part").filter(|p| !p.is_empty()) {
        None => None,
        Some(p) => match p.parse::<i64>() {
            Ok(p) => Some(p),
            Err(_) => return fail(wants_page, AppError::validation("part", "部分编号无效")),
        },
    };
    let slug = q.get("draft").map(String::as_str).filter(|s| !s.is_empty());
    match app::coverage::ssr::report(&state.db, slug, part)
        .await
        .and_then(|c| app::coverage::ssr::xlsx(&c))
    {
        Ok(bytes) => attachment(XLSX, "coverage.xlsx", "联系点覆盖情况.xlsx", bytes),
        Err(e) => fail(wants_page, e),
    }
}

/// The draft's 意见汇编 printed to PDF (committee): the compilation page's view on A4.
pub async fn compilation_pdf(
    State(state): State<AppState>,
    axum::extract::Path(slug): axum::extract::Path<String>,
    req: Request,
) -> Response {
    let wants_page = crate::middleware::wants_html(req.headers());
    if let Err(e) = authorize(&viewer(&req), &[Role::Committee, Role::Admin]) {
        return fail(wants_page, e);
    }
    let report =
        match app::feedback::ssr::report(&state, &slug, app::feedback::ssr::Readers::Committee)
            .await
        {
            Ok(r) => r,
            Err(e) => return fail(wants_page, e),
        };
    let html = app::pdf::compilation(&report);
    match app::pdf::print(&html, state.settings.pdf_browser.as_deref()).await {
        Ok(pdf) => attachment(
            "application/pdf",
            "compilation.pdf",
            &format!("《{}》意见汇编.pdf", report.draft_title),
            pdf,
        ),
        Err(e) => fail(wants_page, e),
    }
}

const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/// The 意见汇编 (`compilation`) or the 对照表 alone (`comparison`) as a Word file (committee),
/// for editing before it goes to the Standing Committee.
pub async fn feedback_docx(
    State(state): State<AppState>,
    axum::extract::Path(slug): axum::extract::Path<String>,
    comparison: bool,
    req: Request,
) -> Response {
    let wants_page = crate::middleware::wants_html(req.headers());
    if let Err(e) = authorize(&viewer(&req), &[Role::Committee, Role::Admin]) {
        return fail(wants_page, e);
    }
    let file = if comparison {
        "comparison.docx"
    } else {
        "compilation.docx"
    };
    let report =
        match app::feedback::ssr::report(&state, &slug, app::feedback::ssr::Readers::Committee)
            .await
        {
            Ok(r) => r,
            Err(e) => return fail(wants_page, e),
        };
    let (bytes, name) = if comparison {
        (
            app::feedback::word::comparison(&report),
            format!("《{}》修改对照表.docx", report.draft_title),
        )
    } else {
        (
            app::feedback::word::compilation(&report),
            format!("《{}》意见汇编.docx", report.draft_title),
        )
    };
    match bytes {
        Ok(b) => attachment(DOCX, file, &name, b),
        Err(e) => fail(wants_page, e),
    }
}

/// The draft (`?v=N`: that version, else the newest) as a printable handout for stations'
/// meetings, with a blank 意见反馈表. Public like the reading page; printed once per version
/// and state of its comment windows.
pub async fn handout_pdf(
    State(state): State<AppState>,
    axum::extract::Path(slug): axum::extract::Path<String>,
    Query(q): Query<HashMap<String, String>>,
    req: Request,
) -> Response {
    let wants_page = crate::middleware::wants_html(req.headers());
    let number = match q.get("v").filter(|v| !v.is_empty()) {
        None => None,
        Some(v) => match v.parse::<i64>() {
            Ok(n) => Some(n),
            Err(_) => return fail(wants_page, AppError::validation("v", "版本号无效")),
        },
    };
    // As on the reading page: only what the viewer may read, through the publication gate.
    let audience = app::draft::gate::Audience::of(&viewer(&req));
    let v = match app::draft::gate::readable(&state.db, &slug, number, audience).await {
        Ok(v) => v,
        Err(e) => return fail(wants_page, e),
    };
    let html = app::pdf::handout(&v, state.intake.public_base());
    match app::pdf::print_cached(&html, state.settings.pdf_browser.as_deref()).await {
        Ok(pdf) => attachment(
            "application/pdf",
            "handout.pdf",
            &format!("{}（{}）.pdf", v.title, v.label),
            pdf.to_vec(),
        ),
        Err(e) => fail(wants_page, e),
    }
}

/// A body fed by a task writing chunks into a bounded channel.
fn streamed(
    content_type: &'static str,
    ascii: &str,
    name: &str,
    mut rx: tokio::sync::mpsc::Receiver<Vec<u8>>,
) -> Response {
    // A closed receiver answers `None` however often it is asked: the compression layer polls
    // once more after the end, which an `unfold` stream would panic on.
    let stream = futures::stream::poll_fn(move |cx| {
        rx.poll_recv(cx)
            .map(|chunk| chunk.map(|c| Ok::<_, std::io::Error>(axum::body::Bytes::from(c))))
    });
    let disposition = format!(
        "attachment; filename=\"{ascii}\"; filename*=UTF-8''{}",
        app::components::urlencode(name)
    );
    (
        [
            (http::header::CONTENT_TYPE, content_type.to_string()),
            (http::header::CONTENT_DISPOSITION, disposition),
        ],
        axum::body::Body::from_stream(stream),
    )
        .into_response()
}

#[derive(Clone, Copy)]
pub enum ExportFormat {
    Csv,
    Xlsx,
    Json,
}

/// `/committee/export.{csv,xlsx,json}?draft=…&<search filters>`: the committee's exports (JSON is
/// the open-data form: published comments, personal data removed).
pub async fn export(
    format: ExportFormat,
    state: AppState,
    q: HashMap<String, String>,
    req: Request,
) -> Response {
    let wants_page = crate::middleware::wants_html(req.headers());
    if let Err(e) = authorize(&viewer(&req), &[Role::Committee, Role::Admin]) {
        return fail(wants_page, e);
    }
    let f = match app::export::filter(&state, &q, matches!(format, ExportFormat::Json)).await {
        Ok(f) => f,
        Err(e) => return fail(wants_page, e),
    };
    let base = format!("{}-comments", f.slug);
    match format {
        ExportFormat::Csv | ExportFormat::Json => {
            let (tx, rx) = tokio::sync::mpsc::channel(8);
            let db = state.db.clone();
            let json = matches!(format, ExportFormat::Json);
            let filter = f.clone();
            tokio::spawn(async move {
                let r = if json {
                    app::export::json(&db, &filter, &tx).await
                } else {
                    app::export::csv(&db, &filter, &tx).await
                };
                if let Err(e) = r {
                    tracing::warn!(error = ?e, "export stopped");
                }
            });
            if json {
                streamed(
                    "application/json; charset=utf-8",
                    &format!("{base}.json"),
                    &format!("《{}》意见（公开数据）.json", f.draft_title),
                    rx,
                )
            } else {
                streamed(
                    CSV,
                    &format!("{base}.csv"),
                    &format!("《{}》意见.csv", f.draft_title),
                    rx,
                )
            }
        }
        ExportFormat::Xlsx => {
            let by_article = q.get("layout").map(String::as_str) != Some("flat");
            let dir = std::env::temp_dir().join(format!(
                "yijian-export-{}-{:x}",
                std::process::id(),
                rand::random::<u64>()
            ));
            if let Err(e) = std::fs::create_dir_all(&dir) {
                tracing::error!(error = %e, "cannot create a temporary directory");
                return fail(wants_page, AppError::Internal);
            }
            let path = dir.join("export.xlsx");
            if let Err(e) = app::export::xlsx(&state.db, &f, by_article, &path).await {
                let _ = std::fs::remove_dir_all(&dir);
                return fail(wants_page, e);
            }
            // The workbook goes out from the disk in chunks, then the file is removed.
            let (tx, rx) = tokio::sync::mpsc::channel(8);
            tokio::task::spawn_blocking(move || {
                use std::io::Read;
                if let Ok(mut file) = std::fs::File::open(&path) {
                    let mut chunk = vec![0u8; 256 * 1024];
                    while let Ok(n) = file.read(&mut chunk) {
                        if n == 0 || tx.blocking_send(chunk[..n].to_vec()).is_err() {
                            break;
                        }
                    }
                }
                let _ = std::fs::remove_dir_all(&dir);
            });
            streamed(
                XLSX,
                &format!("{base}.xlsx"),
                &format!("《{}》意见.xlsx", f.draft_title),
                rx,
            )
        }
    }
}

/// The draft's theme counts by article, channel, station level and county (committee): a
/// workbook with a sheet per dimension, or one CSV table.
pub async fn themes(
    State(state): State<AppState>,
    axum::extract::Path(slug): axum::extract::Path<String>,
    xlsx: bool,
    req: Request,
) -> Response {
    let wants_page = crate::middleware::wants_html(req.headers());
    if let Err(e) = authorize(&viewer(&req), &[Role::Committee, Role::Admin]) {
        return fail(wants_page, e);
    }
    let view = match app::theme::ssr::view(&state.db, &slug).await {
        Ok(v) => v,
        Err(e) => return fail(wants_page, e),
    };
    if xlsx {
        match app::theme::ssr::xlsx(&view) {
            Ok(bytes) => attachment(XLSX, "themes.xlsx", "意见主题分布.xlsx", bytes),
            Err(e) => fail(wants_page, e),
        }
    } else {
        attachment(
            CSV,
            "themes.csv",
            "意见主题分布.csv",
            app::theme::ssr::csv(&view).into_bytes(),
        )
    }
}

/// The closed loop's periodic report (`?period=2027-03` or `2027-Q1`, default this month) as a
/// workbook (`pdf` false) or printed to PDF (office).
pub async fn loop_report(
    State(state): State<AppState>,
    Query(q): Query<HashMap<String, String>>,
    pdf: bool,
    req: Request,
) -> Response {
    let wants_page = crate::middleware::wants_html(req.headers());
    if let Err(e) = authorize(&viewer(&req), &[Role::Office, Role::Admin]) {
        return fail(wants_page, e);
    }
    let period = q.get("period").map(String::as_str).unwrap_or("");
    let report = match app::suggestion::chase::report(&state.db, period, app::ssr::now_ms()).await {
        Ok(r) => r,
        Err(e) => return fail(wants_page, e),
    };
    let name = format!("代表建议办理情况通报（{}）", report.label);
    let ascii = format!("report-{}", report.period);
    if !pdf {
        return match app::suggestion::chase::xlsx(&report) {
            Ok(bytes) => attachment(
                XLSX,
                &format!("{ascii}.xlsx"),
                &format!("{name}.xlsx"),
                bytes,
            ),
            Err(e) => fail(wants_page, e),
        };
    }
    let html = app::pdf::loop_report(&report);
    match app::pdf::print(&html, state.settings.pdf_browser.as_deref()).await {
        Ok(bytes) => attachment(
            "application/pdf",
            &format!("{ascii}.pdf"),
            &format!("{name}.pdf"),
            bytes,
        ),
        Err(e) => fail(wants_page, e),
    }
}
