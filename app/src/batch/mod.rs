//! Offline intake and forwarding. A station operator records the opinions the station collected
//! at meetings, visits, its letter box or by phone — one by one or from a CSV/XLSX file — edits
//! them while they are the station's own, and forwards them as a batch with a note. Forwarding
//! makes the batch immutable with a receipt number (`BS-…`) and each opinion a comment (channel
//! `station`) with a tracking number, exactly like a citizen's. Upper-level stations see their
//! sub-stations' batches; the committee sees all.

pub mod pages;
#[cfg(feature = "ssr")]
pub mod pick;
#[cfg(feature = "ssr")]
pub mod rows;
#[cfg(feature = "ssr")]
pub mod ssr;

use crate::comment::Stance;
use crate::error::AppError;
use crate::station::RowError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Rows one file may hold.
pub const MAX_IMPORT_ROWS: usize = 5_000;
/// Residents one opinion may stand for (a county-wide hearing, not a census).
pub const MAX_RESIDENTS: i64 = 100_000;
pub const MAX_TEXT_CHARS: usize = 5_000;
pub const MAX_NOTE_CHARS: usize = 1_000;

/// How an opinion was collected: stored value and label.
pub const METHODS: [(&str, &str); 5] = [
    ("meeting", "座谈会"),
    ("visit", "走访"),
    ("box", "意见箱"),
    ("letter", "来信"),
    ("phone", "电话"),
];

pub fn method_label(m: &str) -> &'static str {
    METHODS
        .iter()
        .find(|(v, _)| *v == m)
        .map(|(_, l)| *l)
        .unwrap_or("其他")
}

/// A method from its stored value or its label (as files have it).
pub fn parse_method(s: &str) -> Option<&'static str> {
    let s = s.trim();
    METHODS
        .iter()
        .find(|(v, l)| *v == s || *l == s)
        .map(|(v, _)| *v)
        .or(match s {
            "座谈" | "会议" | "座谈会议" => Some("meeting"),
            "入户" | "走访调研" => Some("visit"),
            "信件" | "来信来函" | "书面" => Some("letter"),
            "电话记录" | "热线" => Some("phone"),
            _ => None,
        })
}

/// A stance from its stored value or a label as people write it.
pub fn parse_stance(s: &str) -> Option<Stance> {
    match s.trim() {
        "赞成" | "支持" | "同意" => Some(Stance::Support),
        "反对" | "不同意" => Some(Stance::Oppose),
        "修改建议" | "修改" | "建议" | "建议修改" => Some(Stance::Amend),
        other => Stance::parse(other),
    }
}

/// One recorded opinion.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Opinion {
    pub id: i64,
    pub unit_uid: String,
    pub unit_label: String,
    pub stance: Stance,
    pub text: String,
    pub method: String,
    pub residents: i64,
    pub collected_on: String,
    /// Set once forwarded.
    pub tracking: Option<String>,
}

/// The entry page of one station for one draft.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IntakeView {
    pub station_name: String,
    /// Drafts the station can record opinions on (slug, title): those open now and those with
    /// opinions still waiting to be forwarded.
    pub drafts: Vec<(String, String)>,
    pub slug: Option<String>,
    pub draft_title: String,
    /// Labels of the units open for comment, for the picker.
    pub units: Vec<String>,
    /// Recorded and not yet forwarded, oldest first.
    pub pending: Vec<Opinion>,
    pub today: String,
}

/// A forwarded batch as lists show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchSummary {
    pub receipt: String,
    pub station: String,
    pub station_level: i64,
    pub draft_title: String,
    pub slug: String,
    pub note: String,
    pub opinions: i64,
    pub residents: i64,
    pub forwarded_at: String,
    pub forwarded_by: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchDetail {
    pub summary: BatchSummary,
    pub opinions: Vec<Opinion>,
}

/// What an opinion file did (or, when checked only, would do).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportReport {
    pub checked_only: bool,
    /// An all-or-nothing import of a file with problems: nothing was stored.
    #[serde(default)]
    pub refused: bool,
    /// The uploaded file, kept for a day so it can be imported after checking without being
    /// chosen again.
    #[serde(default)]
    pub file_id: String,
    #[serde(default)]
    pub file_name: String,
    /// Valid rows in the file.
    pub valid: usize,
    /// Rows stored now.
    pub imported: usize,
    /// Valid rows already imported from an earlier upload of the same file.
    pub already: usize,
    pub errors: Vec<RowError>,
}

#[cfg(feature = "ssr")]
fn operator() -> Result<(crate::auth::SessionUser, i64), AppError> {
    let user = crate::auth::ssr::require(&[crate::auth::Role::Station])?;
    let station = user.station_id.ok_or(AppError::Forbidden)?;
    Ok((user, station))
}

/// Station operator: the entry page's data for one draft (or the list of drafts to choose).
#[server(prefix = "/api", endpoint = "opinions/intake")]
pub async fn load_intake(slug: Option<String>) -> Result<IntakeView, AppError> {
    let (_, station) = operator()?;
    let state = crate::ssr::app_state()?;
    ssr::intake_view(&state, station, slug.as_deref().filter(|s| !s.is_empty())).await
}

/// Station operator: record one opinion collected offline (kept within the station, editable,
/// until forwarded).
#[allow(clippy::too_many_arguments)]
#[server(prefix = "/api", endpoint = "opinions/record")]
pub async fn record_opinion(
    slug: String,
    unit: String,
    stance: String,
    text: String,
    method: String,
    residents: String,
    collected_on: String,
) -> Result<i64, AppError> {
    let (user, station) = operator()?;
    let state = crate::ssr::app_state()?;
    let fields = ssr::Fields {
        unit,
        stance,
        text,
        method,
        residents,
        collected_on,
    };
    let id = ssr::record(&state, station, user.id, &slug, &fields).await?;
    crate::ssr::web::redirect_plain_form(&format!(
        "/station/opinions?draft={}&saved={id}",
        crate::components::urlencode(&slug)
    ));
    Ok(id)
}

/// Station operator: turn a resident's request about an open draft into the station's opinion
/// on one of its articles (`unit`: 第十二条, 第十二条第二款…); it goes with the next batch.
#[server(prefix = "/api", endpoint = "opinions/from-request")]
pub async fn opinion_from_request(
    request: i64,
    slug: String,
    unit: String,
    stance: String,
    method: String,
) -> Result<i64, AppError> {
    let (user, station) = operator()?;
    let state = crate::ssr::app_state()?;
    let id = ssr::record_from_request(
        &state, station, user.id, request, &slug, &unit, &stance, &method,
    )
    .await?;
    crate::ssr::web::redirect_plain_form(&format!(
        "/station/opinions?draft={}&saved={id}",
        crate::components::urlencode(&slug)
    ));
    Ok(id)
}

/// An opinion being edited, with its draft and today's date (the latest collection date).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpinionEdit {
    pub slug: String,
    pub opinion: Opinion,
    pub today: String,
}

/// Station operator: one of the station's own recorded opinions, for editing.
#[server(prefix = "/api", endpoint = "opinions/get")]
pub async fn get_opinion(id: i64) -> Result<OpinionEdit, AppError> {
    let (_, station) = operator()?;
    let state = crate::ssr::app_state()?;
    let (slug, opinion) = ssr::get(&state.db, station, id).await?;
    Ok(OpinionEdit {
        slug,
        opinion,
        today: crate::draft::time::format_day(crate::ssr::now_ms()),
    })
}

/// Station operator: change an opinion not yet forwarded.
#[allow(clippy::too_many_arguments)]
#[server(prefix = "/api", endpoint = "opinions/update")]
pub async fn update_opinion(
    id: i64,
    unit: String,
    stance: String,
    text: String,
    method: String,
    residents: String,
    collected_on: String,
) -> Result<(), AppError> {
    let (_, station) = operator()?;
    let state = crate::ssr::app_state()?;
    let fields = ssr::Fields {
        unit,
        stance,
        text,
        method,
        residents,
        collected_on,
    };
    let slug = ssr::update(&state, station, id, &fields).await?;
    crate::ssr::web::redirect_plain_form(&format!(
        "/station/opinions?draft={}",
        crate::components::urlencode(&slug)
    ));
    Ok(())
}

/// Station operator: delete an opinion not yet forwarded — only with `confirmed=1`, sent by the
/// page that showed the opinion and asked.
#[server(prefix = "/api", endpoint = "opinions/delete")]
pub async fn delete_opinion(id: i64, confirmed: Option<String>) -> Result<(), AppError> {
    let (_, station) = operator()?;
    crate::draft::require_confirmed(confirmed.as_deref(), "请确认删除这条意见")?;
    let state = crate::ssr::app_state()?;
    let slug: Option<String> = sqlx::query_scalar(
        "select d.slug from station_opinion o join draft d on d.id = o.draft_id \
         where o.id = $1 and o.station_id = $2",
    )
    .bind(id)
    .bind(station)
    .fetch_optional(&state.db.pool)
    .await?;
    ssr::delete(&state.db, station, id).await?;
    crate::ssr::web::redirect_plain_form(&format!(
        "/station/opinions?draft={}&deleted=1",
        crate::components::urlencode(&slug.unwrap_or_default())
    ));
    Ok(())
}

/// Station operator: import opinions from a CSV or XLSX file (the template's columns), or
/// from a file uploaded before (`file_id`, kept a day). `mode`: `check` only validates; `all`
/// (default) imports only a clean file (a file with problems is `refused`, nothing stored);
/// `valid` imports the valid rows of a file with problems. Rows imported before (the same file
/// again) are skipped. Problems with rows are in the report; an unreadable file is an error.
#[server(prefix = "/api", endpoint = "opinions/import", input = leptos::server_fn::codec::MultipartFormData)]
pub async fn import_opinions(
    data: leptos::server_fn::codec::MultipartData,
) -> Result<ImportReport, AppError> {
    let (user, station) = operator()?;
    let state = crate::ssr::app_state()?;
    let (mut file, mut file_id, mut slug, mut mode) =
        (None, String::new(), String::new(), String::from("all"));
    for part in crate::ssr::web::multipart_parts(data).await? {
        let text = || String::from_utf8_lossy(&part.bytes).trim().to_string();
        match part.name.as_str() {
            "file" if !part.bytes.is_empty() => {
                file = Some((
                    part.file_name.clone().unwrap_or_default(),
                    part.bytes.clone(),
                ))
            }
            "file_id" => file_id = text(),
            "slug" => slug = text(),
            "mode" => mode = text(),
            _ => {}
        }
    }
    let mode = match mode.as_str() {
        "check" => ssr::ImportMode::Check,
        "valid" => ssr::ImportMode::ValidRows,
        _ => ssr::ImportMode::All,
    };
    // The file is kept first: whatever the outcome, it can be imported again without being
    // chosen again.
    let (name, bytes, file_id) = match file {
        Some((name, bytes)) => {
            let id = crate::form::ssr::keep_upload(&state.db, user.id, &name, &bytes).await?;
            (name, bytes, id)
        }
        None if !file_id.is_empty() => {
            let (name, bytes) = crate::form::ssr::kept_upload(&state.db, user.id, &file_id).await?;
            (name, bytes, file_id)
        }
        None => return Err(AppError::validation("file", "请选择要导入的文件")),
    };
    let mut report = ssr::import(&state, station, user.id, &slug, &bytes, mode).await?;
    report.file_id = file_id;
    report.file_name = name;
    crate::ssr::web::redirect_plain_form(&format!(
        "/station/opinions?draft={}&{}#import-result",
        crate::components::urlencode(&slug),
        ssr::report_query(&report)
    ));
    Ok(report)
}

/// Station operator: the check of a file uploaded before (for the page that shows an import's
/// outcome: every problem by row, and the ways on).
#[server(prefix = "/api", endpoint = "opinions/import-check")]
pub async fn check_import(slug: String, file_id: String) -> Result<ImportReport, AppError> {
    let (user, station) = operator()?;
    let state = crate::ssr::app_state()?;
    let (name, bytes) = crate::form::ssr::kept_upload(&state.db, user.id, &file_id).await?;
    let mut report = ssr::import(
        &state,
        station,
        user.id,
        &slug,
        &bytes,
        ssr::ImportMode::Check,
    )
    .await?;
    report.file_id = file_id;
    report.file_name = name;
    Ok(report)
}

/// Station operator: forward every recorded opinion on a draft as one batch with a note.
/// Returns the batch's receipt number.
#[server(prefix = "/api", endpoint = "batches/forward")]
pub async fn forward_batch(slug: String, note: String) -> Result<String, AppError> {
    let (user, station) = operator()?;
    let state = crate::ssr::app_state()?;
    let receipt = ssr::forward(&state, station, user.id, &slug, &note).await?;
    crate::ssr::web::redirect_plain_form(&format!("/station/batches/{receipt}"));
    Ok(receipt)
}

/// Batches the viewer may see: a station's own and its sub-stations'; all for the committee.
#[server(prefix = "/api", endpoint = "batches/list")]
pub async fn list_batches() -> Result<Vec<BatchSummary>, AppError> {
    use crate::auth::Role;
    let user = crate::auth::ssr::require(&[Role::Station, Role::Committee, Role::Admin])?;
    let state = crate::ssr::app_state()?;
    ssr::list(&state.db, ssr::Scope::of(&user)?).await
}

/// One batch with its opinions and their tracking numbers.
#[server(prefix = "/api", endpoint = "batches/get")]
pub async fn get_batch(receipt: String) -> Result<BatchDetail, AppError> {
    use crate::auth::Role;
    let user = crate::auth::ssr::require(&[Role::Station, Role::Committee, Role::Admin])?;
    let state = crate::ssr::app_state()?;
    ssr::batch(&state.db, ssr::Scope::of(&user)?, &receipt).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn methods_and_stances_read_labels_and_values() {
        assert_eq!(parse_method("座谈会"), Some("meeting"));
        assert_eq!(parse_method(" phone "), Some("phone"));
        assert_eq!(parse_method("信件"), Some("letter"));
        assert_eq!(parse_method("开会"), None);
        assert_eq!(method_label("box"), "意见箱");
        assert_eq!(parse_stance("支持"), Some(Stance::Support));
        assert_eq!(parse_stance("amend"), Some(Stance::Amend));
        assert_eq!(parse_stance("中立"), None);
    }
}
