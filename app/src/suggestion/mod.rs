//! The seed's closed loop, 收集—交办—办理—督办—反馈: a station records a resident's request, a
//! deputy turns requests into a suggestion (with co-signers), the congress office hands it to a
//! lead unit and co-units with a deadline, the lead unit answers in writing, the deputy rates
//! the answer (不满意 opens a second handling), and every resident whose request it gathered is
//! told through the outbox. Overdue items are listed per unit for the office to chase.
//!
//! The server functions below only authorise and translate; the rules live in [`ssr`] as plain
//! async functions that the integration tests call too.

#[cfg(feature = "ssr")]
pub mod chase;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod ssr;

// Only the server functions' bodies (compiled with `ssr`) check roles.
#[cfg(feature = "ssr")]
use crate::auth::Role;
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The categories a request is filed under (a closed list, so reports can count them).
pub const CATEGORIES: &[&str] = &[
    "城乡建设",
    "交通出行",
    "供水供热",
    "教育",
    "医疗卫生",
    "社会保障",
    "生态环境",
    "农业农村",
    "社会治理",
    "其他",
];

/// Deputies' levels (the people's congress they were elected to).
pub const LEVELS: &[&str] = &["全国", "自治区", "州", "县市", "乡镇"];

/// A unit's written answer: what was done, in one of the three categories the office reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AnswerCategory {
    Solved,
    Planned,
    Unable,
}

impl AnswerCategory {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "solved" => Some(Self::Solved),
            "planned" => Some(Self::Planned),
            "unable" => Some(Self::Unable),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Solved => "solved",
            Self::Planned => "planned",
            Self::Unable => "unable",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Self::Solved => "已解决",
            Self::Planned => "列入计划解决",
            Self::Unable => "因条件限制暂不能解决",
        }
    }
}

/// The deputy's verdict on an answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Rating {
    Satisfied,
    Basic,
    Unsatisfied,
}

impl Rating {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "satisfied" => Some(Self::Satisfied),
            "basic" => Some(Self::Basic),
            "unsatisfied" => Some(Self::Unsatisfied),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Satisfied => "satisfied",
            Self::Basic => "basic",
            Self::Unsatisfied => "unsatisfied",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Self::Satisfied => "满意",
            Self::Basic => "基本满意",
            Self::Unsatisfied => "不满意",
        }
    }
}

/// A suggestion's place in the loop, as people read it.
pub fn status_label(status: &str, round: i64) -> &'static str {
    match (status, round) {
        ("submitted", _) => "待交办",
        ("assigned", 1) => "办理中",
        ("assigned", _) => "重新办理中",
        ("answered", _) => "已答复，待代表评价",
        ("closed", _) => "已办结",
        _ => "?",
    }
}

/// A written answer as everyone may read it (it names the unit, never a person).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnswerView {
    pub round: i64,
    pub unit: String,
    pub category: String,
    pub body: String,
    pub measures: String,
    pub planned_on: String,
    pub answered_on: String,
}

/// A resident's request as its station (or a deputy of that station) sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestRow {
    pub id: i64,
    pub tracking: String,
    pub title: String,
    pub body: String,
    pub place: String,
    pub category: String,
    pub resident_name: String,
    pub has_contact: bool,
    pub recorded_on: String,
    pub suggestion: Option<String>,
    pub status: String,
    /// What it became on a draft, when the station turned it into an opinion there.
    pub opinion: Option<String>,
    /// The 微实事 projects proposed on it: 「已纳入微实事项目《…》（票决中）」.
    pub projects: Vec<String>,
}

/// The public status page of a request: no name, no contact.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestStatus {
    pub tracking: String,
    pub title: String,
    pub category: String,
    pub place: String,
    pub station: String,
    pub recorded_on: String,
    pub status: String,
    pub deadline: Option<String>,
    pub answers: Vec<AnswerView>,
    /// What it became on a draft, when the station turned it into an opinion there.
    pub opinion: Option<String>,
    /// The 微实事 projects proposed on it: 「已纳入微实事项目《…》（票决中）」.
    pub projects: Vec<String>,
    /// The leader supervising the suggestion (重点督办), or empty. Public on purpose: in China
    /// the leaders who supervise key suggestions are announced by title and name (their office
    /// is public), and a resident following a request may know that it is being supervised.
    /// Nothing else about anyone is shown.
    pub supervisor: String,
}

/// One suggestion in a list (deputy, office, unit).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SuggestionRow {
    pub id: i64,
    pub tracking: String,
    pub title: String,
    pub body: String,
    pub author: String,
    pub author_id: i64,
    pub signers: Vec<String>,
    pub station: String,
    pub status: String,
    pub status_label: String,
    pub round: i64,
    pub difficult: bool,
    pub lead_unit: Option<String>,
    pub co_units: Vec<String>,
    pub deadline: Option<String>,
    pub overdue: bool,
    pub extended: bool,
    pub extension_reason: String,
    pub requests: i64,
    pub answers: Vec<AnswerView>,
    pub ratings: Vec<String>,
    /// For a unit's queue: whether the viewing unit leads it.
    pub lead_here: bool,
    /// 重点督办: the supervising leader's title and name, or empty.
    pub supervisor: String,
    /// The lead units' requests to hand it to another unit (改办), oldest first.
    pub reassign: Vec<ReassignView>,
}

/// A lead unit's request for reassignment (改办) and the office's decision.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReassignView {
    pub id: i64,
    pub suggestion_id: i64,
    pub tracking: String,
    pub title: String,
    pub unit: String,
    pub reason: String,
    /// `pending`, `granted` or `refused`.
    pub status: String,
    pub reply: String,
    pub new_unit: Option<String>,
    pub requested_on: String,
    pub decided_on: Option<String>,
}

impl ReassignView {
    pub fn status_label(&self) -> &'static str {
        match self.status.as_str() {
            "pending" => "待办公室处理",
            "granted" => "已同意改办",
            _ => "不同意改办",
        }
    }
}

/// Supervised work of one leader (重点督办).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeaderChase {
    pub leader: String,
    /// The suggestions the leader supervises that are in handling.
    pub items: Vec<SuggestionRow>,
    pub overdue: i64,
    pub reopened: i64,
}

/// The deputy's page: requests of their station not yet taken up, and their suggestions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeputyHome {
    pub station: String,
    pub open_requests: Vec<RequestRow>,
    pub suggestions: Vec<SuggestionRow>,
}

/// The units a suggestion can be handed to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitOption {
    pub id: i64,
    pub name: String,
}

/// Overdue and reopened work of one unit (督办).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitChase {
    pub unit: String,
    pub overdue: Vec<SuggestionRow>,
    pub reopened: i64,
}

/// The office's page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfficeView {
    pub suggestions: Vec<SuggestionRow>,
    pub units: Vec<UnitOption>,
    pub chase: Vec<UnitChase>,
    /// 重点督办 per supervising leader.
    pub leaders: Vec<LeaderChase>,
    /// Units' requests for reassignment waiting for the office.
    pub reassign_pending: Vec<ReassignView>,
}

/// A unit's queue.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitQueue {
    pub unit: String,
    pub items: Vec<SuggestionRow>,
    /// In handling (待办), of which past the deadline and under a leader's supervision.
    pub open: i64,
    pub overdue: i64,
    pub supervised: i64,
    /// The unit's reassignment requests that were granted: those suggestions left the queue.
    pub handed_away: Vec<ReassignView>,
}

/// One line of the periodic report (通报): a handling unit or a county.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportLine {
    pub name: String,
    /// 交办数: handed to the unit (as lead) in the period.
    pub assigned: i64,
    /// 已答复: written answers in the period, split into on time and late.
    pub answered: i64,
    pub on_time: i64,
    pub late: i64,
    /// 逾期未答复: past the deadline without an answer at the end of the period.
    pub overdue_open: i64,
    pub satisfied: i64,
    pub basic: i64,
    pub unsatisfied: i64,
}

impl ReportLine {
    pub fn rated(&self) -> i64 {
        self.satisfied + self.basic + self.unsatisfied
    }
    /// 满意率: (满意 + 基本满意) / ratings, as `87.5%`; `—` without ratings.
    pub fn satisfaction(&self) -> String {
        match self.rated() {
            0 => "—".into(),
            n => format!(
                "{:.1}%",
                (self.satisfied + self.basic) as f64 * 100.0 / n as f64
            ),
        }
    }
}

/// The periodic report (月度/季度通报) of the closed loop.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeriodReport {
    /// `2027-03` or `2027-Q1`.
    pub period: String,
    /// `2027年3月` or `2027年第一季度`.
    pub label: String,
    /// First and last day of the period.
    pub from: String,
    pub to: String,
    /// The moment the figures stand at: the end of the period, or now for the current one.
    pub as_of: String,
    /// Other periods to switch to: (period, label).
    pub links: Vec<(String, String)>,
    pub units: Vec<ReportLine>,
    pub counties: Vec<ReportLine>,
    pub total: ReportLine,
}

/// A checkbox as a plain form sends it.
#[cfg(feature = "ssr")]
fn flag(v: &Option<String>) -> bool {
    v.as_deref()
        .is_some_and(|a| a == "1" || a == "on" || a == "true")
}

/// Station operator or deputy: record a resident's request; returns its tracking number.
#[server(prefix = "/api", endpoint = "requests/record")]
pub async fn record_request(
    title: String,
    body: String,
    place: String,
    category: String,
    resident_name: String,
    resident_contact: String,
) -> Result<String, AppError> {
    let user = crate::auth::ssr::require(&[Role::Station, Role::Deputy])?;
    let state = crate::ssr::app_state()?;
    let station = user.station_id.ok_or(AppError::Forbidden)?;
    let tracking = ssr::record_request(
        &state.db,
        station,
        user.id,
        &ssr::NewRequest {
            title,
            body,
            place,
            category,
            resident_name,
            resident_contact,
        },
    )
    .await?;
    let back = if user.role == Role::Deputy {
        "/deputy"
    } else {
        "/station/requests"
    };
    crate::ssr::web::redirect_plain_form(&format!("{back}?recorded={tracking}"));
    Ok(tracking)
}

/// Station operator: the station's requests and what became of them.
#[server(prefix = "/api", endpoint = "requests/station")]
pub async fn station_requests() -> Result<Vec<RequestRow>, AppError> {
    let user = crate::auth::ssr::require(&[Role::Station])?;
    let state = crate::ssr::app_state()?;
    ssr::station_requests(&state.db, user.station_id.ok_or(AppError::Forbidden)?).await
}

/// Anyone with the tracking number: where a request stands, without personal data.
#[server(prefix = "/api", endpoint = "requests/status")]
pub async fn get_request_status(tracking: String) -> Result<RequestStatus, AppError> {
    let state = crate::ssr::app_state()?;
    let t = crate::comment::tracking::normalize(&tracking)
        .ok_or_else(|| AppError::validation("tracking", "编号格式不对，请核对后再输入"))?;
    ssr::request_status(&state.db, &t).await
}

/// Deputy: the station's open requests and my suggestions.
#[server(prefix = "/api", endpoint = "suggestions/deputy")]
pub async fn load_deputy_home() -> Result<DeputyHome, AppError> {
    let user = crate::auth::ssr::require(&[Role::Deputy])?;
    let state = crate::ssr::app_state()?;
    ssr::deputy_home(&state.db, &user, crate::ssr::now_ms()).await
}

/// Deputy: write a suggestion, gathering requests of their station, with co-signers (login
/// names of other deputies, separated by spaces, commas or 、).
#[server(prefix = "/api", endpoint = "suggestions/create")]
pub async fn create_suggestion(
    title: String,
    body: String,
    requests: Option<Vec<i64>>,
    cosigners: Option<String>,
) -> Result<String, AppError> {
    let user = crate::auth::ssr::require(&[Role::Deputy])?;
    let state = crate::ssr::app_state()?;
    let names: Vec<String> = cosigners
        .unwrap_or_default()
        .split([' ', ',', '，', '、', ';', '；'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect();
    let (_, tracking) = ssr::create_suggestion(
        &state.db,
        &user,
        &title,
        &body,
        &requests.unwrap_or_default(),
        &names,
    )
    .await?;
    crate::ssr::web::redirect_plain_form(&format!("/deputy?created={tracking}"));
    Ok(tracking)
}

/// Deputy (the one who led the suggestion): rate the answer; 不满意 reopens it.
#[server(prefix = "/api", endpoint = "suggestions/rate")]
pub async fn rate_answer(id: i64, rating: String, comment: String) -> Result<(), AppError> {
    let user = crate::auth::ssr::require(&[Role::Deputy])?;
    let state = crate::ssr::app_state()?;
    let rating = Rating::parse(&rating)
        .ok_or_else(|| AppError::validation("rating", "请选择满意、基本满意或不满意"))?;
    ssr::rate(
        &state.db,
        user.id,
        id,
        rating,
        &comment,
        crate::ssr::now_ms(),
    )
    .await?;
    crate::ssr::web::redirect_plain_form("/deputy?rated=1");
    Ok(())
}

/// Office: every suggestion, the units, and what is overdue per unit.
#[server(prefix = "/api", endpoint = "office/suggestions")]
pub async fn load_office_view() -> Result<OfficeView, AppError> {
    crate::auth::ssr::require(&[Role::Office, Role::Admin])?;
    let state = crate::ssr::app_state()?;
    ssr::office_view(&state.db, crate::ssr::now_ms()).await
}

/// Office: hand a suggestion to a lead unit and optional co-units (交办). Without a deadline
/// the legal one applies: three months, six for a difficult suggestion.
#[server(prefix = "/api", endpoint = "office/assign")]
pub async fn assign_suggestion(
    id: i64,
    lead: i64,
    co_units: Option<Vec<i64>>,
    difficult: Option<String>,
    deadline: Option<String>,
) -> Result<(), AppError> {
    let user = crate::auth::ssr::require(&[Role::Office, Role::Admin])?;
    let state = crate::ssr::app_state()?;
    ssr::assign(
        &state.db,
        &ssr::Assignment {
            by: user.id,
            suggestion: id,
            lead,
            co_units: co_units.unwrap_or_default(),
            difficult: flag(&difficult),
            deadline: deadline.unwrap_or_default().trim().to_string(),
        },
        &public_base(&state),
        crate::ssr::now_ms(),
    )
    .await?;
    crate::ssr::web::redirect_plain_form("/office?assigned=1");
    Ok(())
}

/// Office: the one extension a suggestion may get (at most three months, with the reason).
#[server(prefix = "/api", endpoint = "office/extend")]
pub async fn extend_deadline(id: i64, months: i64, reason: String) -> Result<(), AppError> {
    crate::auth::ssr::require(&[Role::Office, Role::Admin])?;
    let state = crate::ssr::app_state()?;
    ssr::extend(&state.db, id, months, &reason).await?;
    crate::ssr::web::redirect_plain_form("/office?extended=1");
    Ok(())
}

/// Unit operator: the unit's queue, deadlines first.
#[server(prefix = "/api", endpoint = "unit/queue")]
pub async fn load_unit_queue() -> Result<UnitQueue, AppError> {
    let user = crate::auth::ssr::require(&[Role::Unit])?;
    let state = crate::ssr::app_state()?;
    let unit = ssr::unit_of(&state.db, user.id).await?;
    ssr::unit_queue(&state.db, unit, crate::ssr::now_ms()).await
}

/// Unit operator of the lead unit: the written answer.
#[server(prefix = "/api", endpoint = "unit/answer")]
pub async fn answer_suggestion(
    id: i64,
    category: String,
    body: String,
    measures: Option<String>,
    planned_on: Option<String>,
) -> Result<(), AppError> {
    let user = crate::auth::ssr::require(&[Role::Unit])?;
    let state = crate::ssr::app_state()?;
    let unit = ssr::unit_of(&state.db, user.id).await?;
    let category = AnswerCategory::parse(&category).ok_or_else(|| {
        AppError::validation(
            "category",
            "请选择答复类别：已解决、列入计划解决或因条件限制暂不能解决",
        )
    })?;
    ssr::answer(
        &state.db,
        &ssr::NewAnswer {
            unit,
            by: user.id,
            suggestion: id,
            category,
            body,
            measures: measures.unwrap_or_default(),
            planned_on: planned_on.unwrap_or_default(),
        },
        &public_base(&state),
        crate::ssr::now_ms(),
    )
    .await?;
    crate::ssr::web::redirect_plain_form("/unit?answered=1");
    Ok(())
}

/// Admin: a handling unit.
#[server(prefix = "/api", endpoint = "units/create")]
pub async fn create_unit(name: String, kind: String, email: String) -> Result<i64, AppError> {
    crate::auth::ssr::require(&[Role::Admin])?;
    let state = crate::ssr::app_state()?;
    let id = ssr::create_unit(&state.db, &name, &kind, &email).await?;
    crate::ssr::web::redirect_plain_form("/admin/units?saved=1");
    Ok(id)
}

/// Admin: an operator account of a unit.
#[server(prefix = "/api", endpoint = "units/operator")]
pub async fn create_unit_operator(
    unit: i64,
    name: String,
    display_name: String,
    password: String,
) -> Result<i64, AppError> {
    crate::auth::ssr::require(&[Role::Admin])?;
    let state = crate::ssr::app_state()?;
    let id = ssr::create_unit_operator(
        &state.db,
        unit,
        &crate::account::NewAccount {
            name: name.trim().into(),
            display_name: display_name.trim().into(),
            role: Role::Unit,
            station: None,
            password,
        },
    )
    .await?;
    crate::ssr::web::redirect_plain_form("/admin/units?saved=1");
    Ok(id)
}

/// Admin: a deputy's account: name, level, and the station they are grouped into.
#[server(prefix = "/api", endpoint = "deputies/create")]
pub async fn create_deputy(
    name: String,
    display_name: String,
    password: String,
    level: String,
    station: String,
) -> Result<i64, AppError> {
    crate::auth::ssr::require(&[Role::Admin])?;
    let state = crate::ssr::app_state()?;
    let id = ssr::create_deputy(
        &state.db,
        &crate::account::NewAccount {
            name: name.trim().into(),
            display_name: display_name.trim().into(),
            role: Role::Deputy,
            station: Some(station.trim().to_string()),
            password,
        },
        level.trim(),
    )
    .await?;
    crate::ssr::web::redirect_plain_form("/admin/units?saved=1");
    Ok(id)
}

/// Admin: the units, for the admin page.
#[server(prefix = "/api", endpoint = "units/list")]
pub async fn list_units() -> Result<Vec<UnitOption>, AppError> {
    crate::auth::ssr::require(&[Role::Admin, Role::Office])?;
    let state = crate::ssr::app_state()?;
    ssr::units(&state.db).await
}

/// Office: mark a suggestion in handling for a leader's supervision (重点督办), naming the
/// leader (title and name), or unmark it (`off`).
#[server(prefix = "/api", endpoint = "office/supervise")]
pub async fn supervise_suggestion(
    id: i64,
    leader: Option<String>,
    off: Option<String>,
) -> Result<(), AppError> {
    crate::auth::ssr::require(&[Role::Office, Role::Admin])?;
    let state = crate::ssr::app_state()?;
    let off = flag(&off);
    chase::supervise(
        &state.db,
        id,
        (!off).then(|| leader.unwrap_or_default()).as_deref(),
    )
    .await?;
    crate::ssr::web::redirect_plain_form(if off {
        "/office?unsupervised=1"
    } else {
        "/office?supervised=1"
    });
    Ok(())
}

/// Unit operator of the lead unit: ask the office to hand the suggestion to another unit.
#[server(prefix = "/api", endpoint = "unit/reassign")]
pub async fn request_reassign(id: i64, reason: String) -> Result<(), AppError> {
    let user = crate::auth::ssr::require(&[Role::Unit])?;
    let state = crate::ssr::app_state()?;
    let unit = ssr::unit_of(&state.db, user.id).await?;
    chase::request_reassign(&state.db, unit, user.id, id, &reason, crate::ssr::now_ms()).await?;
    crate::ssr::web::redirect_plain_form("/unit?reassign=1");
    Ok(())
}

/// Office: grant a reassignment request, handing the suggestion to another lead unit with a
/// new deadline (empty: the legal period from today).
#[server(prefix = "/api", endpoint = "office/reassign")]
pub async fn grant_reassign(
    request: i64,
    lead: i64,
    deadline: Option<String>,
) -> Result<(), AppError> {
    let user = crate::auth::ssr::require(&[Role::Office, Role::Admin])?;
    let state = crate::ssr::app_state()?;
    chase::grant_reassign(
        &state.db,
        request,
        lead,
        deadline.unwrap_or_default().trim(),
        user.id,
        &public_base(&state),
        crate::ssr::now_ms(),
    )
    .await?;
    crate::ssr::web::redirect_plain_form("/office?reassigned=1");
    Ok(())
}

/// Office: refuse a reassignment request with a reply the unit reads.
#[server(prefix = "/api", endpoint = "office/reassign-refuse")]
pub async fn refuse_reassign(request: i64, reply: String) -> Result<(), AppError> {
    let user = crate::auth::ssr::require(&[Role::Office, Role::Admin])?;
    let state = crate::ssr::app_state()?;
    chase::refuse_reassign(&state.db, request, &reply, user.id, crate::ssr::now_ms()).await?;
    crate::ssr::web::redirect_plain_form("/office?refused=1");
    Ok(())
}

/// Office: the periodic report (`2027-03`, `2027-Q1`, or empty for the current month).
#[server(prefix = "/api", endpoint = "office/report")]
pub async fn load_period_report(period: String) -> Result<PeriodReport, AppError> {
    crate::auth::ssr::require(&[Role::Office, Role::Admin])?;
    let state = crate::ssr::app_state()?;
    chase::report(&state.db, &period, crate::ssr::now_ms()).await
}

#[cfg(feature = "ssr")]
fn public_base(state: &crate::ssr::AppState) -> String {
    state
        .settings
        .public_url
        .as_ref()
        .map(|u| u.as_str().trim_end_matches('/').to_string())
        .unwrap_or_else(|| "http://127.0.0.1:3000".into())
}

/// One county's public page: what its deputies' suggestions became and its 微实事 projects.
/// Nothing personal: titles, units, states and answers' categories only.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CountyPage {
    pub county: String,
    pub counties: Vec<UnitOption>,
    /// (title, state, lead unit, answer category, answered on)
    pub suggestions: Vec<(String, String, String, String, String)>,
    /// The county's 微实事: budget, state or stage, spending, last progress.
    pub projects: Vec<crate::micro::PublicProject>,
}

/// Anyone: a county's suggestions and 微实事 projects (county 0: the list of counties only).
#[server(prefix = "/api", endpoint = "public/county")]
pub async fn load_county_page(county: i64) -> Result<CountyPage, AppError> {
    let state = crate::ssr::app_state()?;
    ssr::county_page(&state.db, county).await
}
