//! 微实事 decided by the deputies' vote (票决制): "代表提、人大定、政府办". Each county has a
//! fund per year; deputies propose small projects; the office puts them on a ballot with set
//! opening and closing times; each deputy of that county votes once on each candidate
//! (赞成/反对/弃权). Votes are secret: the database keeps who voted on a candidate apart from
//! the counts, and nothing ties the two. A project is approved when more than half of those who
//! voted on it said 赞成, in order of 赞成 votes, as long as the fund lasts.

pub mod pages;
#[cfg(feature = "ssr")]
pub mod paper_ssr;
#[cfg(feature = "ssr")]
pub mod ssr;
pub mod work_pages;
#[cfg(feature = "ssr")]
pub mod work_ssr;

// Only the server functions' bodies (compiled with `ssr`) check roles.
#[cfg(feature = "ssr")]
use crate::auth::Role;
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Choice {
    Yes,
    No,
    Abstain,
}

impl Choice {
    pub fn parse(s: &str) -> Option<Choice> {
        match s {
            "yes" => Some(Choice::Yes),
            "no" => Some(Choice::No),
            "abstain" => Some(Choice::Abstain),
            _ => None,
        }
    }
    /// The counter column of `ballot_item` this choice adds to (a fixed name, never user text).
    pub fn column(self) -> &'static str {
        match self {
            Choice::Yes => "yes",
            Choice::No => "no",
            Choice::Abstain => "abstain",
        }
    }
}

/// One candidate of a ballot with its counts (shown once the ballot has closed).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Candidate {
    pub project: i64,
    pub title: String,
    pub place: String,
    pub cost_yuan: i64,
    pub yes: i64,
    pub no: i64,
    pub abstain: i64,
    /// For a deputy: already voted on this candidate.
    pub voted: bool,
    pub approved: bool,
    pub note: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BallotView {
    pub id: i64,
    pub county: String,
    pub year: i64,
    pub opens: String,
    pub closes: String,
    pub open: bool,
    pub closed: bool,
    pub fund_yuan: i64,
    /// Deputies counted: online voters and paper sheets both tellers agree on.
    pub voters: i64,
    pub candidates: Vec<Candidate>,
    pub paper: PaperTally,
    /// Empty when the results stand; else why they are provisional (paper sheets pending).
    pub provisional: String,
    /// The office confirmed the results; the projects are approved or rejected.
    pub finalized: bool,
    /// For a deputy: took a paper ballot (领票), so votes on paper, not online.
    pub took_paper: bool,
}

/// The paper ballots of a ballot: handed out, and the sheets as the two tellers entered them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaperTally {
    pub issued: i64,
    /// Both entries agree: counted.
    pub agreed: i64,
    /// Entered by one teller only: not counted yet.
    pub single: i64,
    /// The two entries differ: not counted until a teller corrects theirs.
    pub mismatched: i64,
}

impl PaperTally {
    /// Why results that include these sheets are not final yet (empty: they are).
    pub fn pending_note(&self) -> String {
        let mut parts = Vec::new();
        if self.mismatched > 0 {
            parts.push(format!(
                "有 {} 张纸质选票两次录入不一致，结果暂不生效",
                self.mismatched
            ));
        }
        if self.single > 0 {
            parts.push(format!(
                "有 {} 张纸质选票只录入了一次，须由第二位计票人录入，结果暂不生效",
                self.single
            ));
        }
        parts.join("；")
    }
    /// One line on the paper ballots, for the results.
    pub fn summary(&self) -> String {
        format!(
            "纸质选票：发放 {} 张，两次录入一致并计入 {} 张，只录入一次 {} 张，不一致 {} 张",
            self.issued, self.agreed, self.single, self.mismatched
        )
    }
}

/// One paper sheet on the office's ballot page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SheetView {
    pub serial: String,
    /// The tellers who entered it (one or two display names).
    pub tellers: Vec<String>,
    /// "一致，已计入", "待第二位计票人录入" or "两次录入不一致".
    pub state: String,
    pub agreed: bool,
    /// Where the entries differ: (candidate, first teller's entry, second teller's entry).
    pub differences: Vec<(String, String, String)>,
    /// The viewer entered this sheet (may correct their entry).
    pub mine: bool,
}

/// The office's page of one ballot: results, paper ballots handed out, sheets entered.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaperPage {
    pub ballot: BallotView,
    /// Deputies of the county who have neither voted online nor taken a paper ballot.
    pub deputies: Vec<(i64, String)>,
    /// Deputies who took a paper ballot (the 领票 register; says nothing of their choices).
    pub issued_to: Vec<String>,
    pub sheets: Vec<SheetView>,
}

/// The label of a paper mark.
pub fn mark_label(choice: &str) -> &'static str {
    match choice {
        "yes" => "赞成",
        "no" => "反对",
        "abstain" => "弃权",
        _ => "未填",
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProjectRow {
    pub id: i64,
    pub county: String,
    pub year: i64,
    pub title: String,
    pub place: String,
    pub cost_yuan: i64,
    pub status: String,
    pub proposed_by: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MicroOffice {
    pub funds: Vec<(String, i64, i64)>,
    pub counties: Vec<(i64, String)>,
    pub projects: Vec<ProjectRow>,
    pub ballots: Vec<BallotView>,
    /// Approved projects and how they are carried out.
    pub works: Vec<WorkRow>,
    /// Units an approved project can be handed to: (id, name).
    pub units: Vec<(i64, String)>,
}

/// One progress update of a project being carried out.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgressView {
    pub on_day: String,
    pub body: String,
    pub spent_yuan: i64,
}

/// An approved project and how it is carried out: unit, stage, spending, progress, acceptance.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkRow {
    pub project: i64,
    pub county: String,
    pub year: i64,
    pub title: String,
    pub place: String,
    pub cost_yuan: i64,
    /// Empty until the office hands it to a unit.
    pub unit: String,
    /// 未开工, 实施中, 已完工待验收 or 已验收.
    pub stage: String,
    pub spent_yuan: i64,
    /// Spending past the budget (allowed up to 10%, always flagged).
    pub over_budget: bool,
    pub last_progress_on: String,
    pub completed_on: String,
    pub progress: Vec<ProgressView>,
    /// The acceptances so far, newest first ("2026-12-01 验收不通过：理由").
    pub acceptances: Vec<String>,
}

impl WorkRow {
    pub fn awaiting_acceptance(&self) -> bool {
        self.stage == STAGE_COMPLETED
    }
    pub fn open_for_progress(&self) -> bool {
        self.stage == STAGE_NOT_STARTED || self.stage == STAGE_UNDERWAY
    }
}

pub const STAGE_NOT_STARTED: &str = "未开工";
pub const STAGE_UNDERWAY: &str = "实施中";
pub const STAGE_COMPLETED: &str = "已完工待验收";
pub const STAGE_ACCEPTED: &str = "已验收";

/// One project on a county's public page: nothing personal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicProject {
    pub year: i64,
    pub title: String,
    pub place: String,
    pub cost_yuan: i64,
    /// The project's state: 已提出, 票决中, 票决已结束（结果待确认…）, 未通过, or the stage of an
    /// approved one.
    pub state: String,
    /// Spent so far (approved projects under way), with the day of the last progress update.
    pub spent_yuan: Option<i64>,
    pub over_budget: bool,
    pub last_progress_on: String,
    pub unit: String,
}

/// Office: set a county's fund for a year.
#[server(prefix = "/api", endpoint = "micro/fund")]
pub async fn set_fund(county: i64, year: i64, amount_yuan: i64) -> Result<(), AppError> {
    crate::auth::ssr::require(&[Role::Office, Role::Admin])?;
    let state = crate::ssr::app_state()?;
    ssr::set_fund(&state.db, county, year, amount_yuan).await?;
    crate::ssr::web::redirect_plain_form("/office/micro?saved=1");
    Ok(())
}

/// Deputy: propose a project in their county.
#[server(prefix = "/api", endpoint = "micro/propose")]
pub async fn propose_project(
    year: i64,
    title: String,
    place: String,
    cost_yuan: i64,
    beneficiaries: String,
    requests: Option<Vec<i64>>,
) -> Result<i64, AppError> {
    let user = crate::auth::ssr::require(&[Role::Deputy])?;
    let state = crate::ssr::app_state()?;
    let id = ssr::propose(
        &state.db,
        user.id,
        &ssr::NewProject {
            year,
            title,
            place,
            cost_yuan,
            beneficiaries,
            requests: requests.unwrap_or_default(),
        },
    )
    .await?;
    crate::ssr::web::redirect_plain_form("/deputy/ballots?proposed=1");
    Ok(id)
}

/// Office: put projects of one county on a ballot open from `opens_at` to `closes_at`.
#[server(prefix = "/api", endpoint = "micro/ballot")]
pub async fn create_ballot(
    county: i64,
    year: i64,
    opens_at: String,
    closes_at: String,
    projects: Option<Vec<i64>>,
) -> Result<i64, AppError> {
    let user = crate::auth::ssr::require(&[Role::Office, Role::Admin])?;
    let state = crate::ssr::app_state()?;
    let parse = |field: &str, v: &str| {
        crate::draft::time::parse_local(v).ok_or_else(|| {
            AppError::validation(field, format!("时间“{v}”无效，请按 2027-03-01T09:00 填写"))
        })
    };
    let id = ssr::create_ballot(
        &state.db,
        user.id,
        county,
        year,
        parse("opens_at", &opens_at)?,
        parse("closes_at", &closes_at)?,
        &projects.unwrap_or_default(),
    )
    .await?;
    crate::ssr::web::redirect_plain_form("/office/micro?ballot=1");
    Ok(id)
}

/// Deputy: vote on one candidate of a ballot, once.
#[server(prefix = "/api", endpoint = "micro/vote")]
pub async fn cast_vote(ballot: i64, project: i64, choice: String) -> Result<(), AppError> {
    let user = crate::auth::ssr::require(&[Role::Deputy])?;
    let state = crate::ssr::app_state()?;
    let choice = Choice::parse(&choice)
        .ok_or_else(|| AppError::validation("choice", "请选择赞成、反对或弃权"))?;
    ssr::cast(
        &state.db,
        user.id,
        ballot,
        project,
        choice,
        crate::ssr::now_ms(),
    )
    .await?;
    crate::ssr::web::redirect_plain_form("/deputy/ballots?voted=1");
    Ok(())
}

/// Deputy: the ballots of my county.
#[server(prefix = "/api", endpoint = "micro/mine")]
pub async fn my_ballots() -> Result<Vec<BallotView>, AppError> {
    let user = crate::auth::ssr::require(&[Role::Deputy])?;
    let state = crate::ssr::app_state()?;
    ssr::ballots_for_deputy(&state.db, user.id, crate::ssr::now_ms()).await
}

/// Office: funds, projects, ballots and results.
#[server(prefix = "/api", endpoint = "micro/office")]
pub async fn load_micro_office() -> Result<MicroOffice, AppError> {
    crate::auth::ssr::require(&[Role::Office, Role::Admin])?;
    let state = crate::ssr::app_state()?;
    ssr::office(&state.db, crate::ssr::now_ms()).await
}

/// Office: the page of one ballot (results, paper ballots, sheets).
#[server(prefix = "/api", endpoint = "micro/paper/page")]
pub async fn load_paper_page(ballot: i64) -> Result<PaperPage, AppError> {
    let user = crate::auth::ssr::require(&[Role::Office, Role::Admin])?;
    let state = crate::ssr::app_state()?;
    paper_ssr::page(&state.db, user.id, ballot, crate::ssr::now_ms()).await
}

/// Office: hand a deputy of the county a paper ballot (领票); their online vote is closed then.
#[server(prefix = "/api", endpoint = "micro/paper/issue")]
pub async fn issue_paper(ballot: i64, deputy: i64) -> Result<(), AppError> {
    crate::auth::ssr::require(&[Role::Office, Role::Admin])?;
    let state = crate::ssr::app_state()?;
    paper_ssr::issue(&state.db, ballot, deputy, crate::ssr::now_ms()).await?;
    crate::ssr::web::redirect_plain_form(&format!("/office/micro/ballot?id={ballot}&issued=1"));
    Ok(())
}

/// Office (a teller): enter one paper sheet's choices, or correct one's own entry of it.
/// `projects[i]` and `marks[i]` go together (yes, no, abstain or none for a blank).
#[server(prefix = "/api", endpoint = "micro/paper/enter")]
pub async fn enter_sheet(
    ballot: i64,
    serial: String,
    projects: Option<Vec<i64>>,
    marks: Option<Vec<String>>,
    correct: Option<String>,
) -> Result<String, AppError> {
    let user = crate::auth::ssr::require(&[Role::Office, Role::Admin])?;
    let state = crate::ssr::app_state()?;
    let projects = projects.unwrap_or_default();
    let marks = marks.unwrap_or_default();
    if projects.len() != marks.len() {
        return Err(AppError::validation(
            "marks",
            "请为每个候选项目录入一项选择",
        ));
    }
    let outcome = paper_ssr::enter(
        &state.db,
        user.id,
        &paper_ssr::SheetEntry {
            ballot,
            serial,
            marks: projects.into_iter().zip(marks).collect(),
            correct: correct.is_some_and(|c| !c.is_empty() && c != "0"),
        },
        crate::ssr::now_ms(),
    )
    .await?;
    crate::ssr::web::redirect_plain_form(&format!("/office/micro/ballot?id={ballot}&entered=1"));
    Ok(outcome)
}

/// Office: confirm the results of a closed ballot (every paper sheet agreed); the projects
/// become approved or rejected.
#[server(prefix = "/api", endpoint = "micro/finalize")]
pub async fn finalize_ballot(ballot: i64) -> Result<(), AppError> {
    crate::auth::ssr::require(&[Role::Office, Role::Admin])?;
    let state = crate::ssr::app_state()?;
    paper_ssr::finalize(&state.db, ballot, crate::ssr::now_ms()).await?;
    crate::ssr::web::redirect_plain_form(&format!("/office/micro/ballot?id={ballot}&final=1"));
    Ok(())
}

/// Office: hand an approved project to a unit to carry out.
#[server(prefix = "/api", endpoint = "micro/assign")]
pub async fn assign_work(project: i64, unit: i64) -> Result<(), AppError> {
    let user = crate::auth::ssr::require(&[Role::Office, Role::Admin])?;
    let state = crate::ssr::app_state()?;
    work_ssr::assign(&state.db, user.id, project, unit, crate::ssr::now_ms()).await?;
    crate::ssr::web::redirect_plain_form("/office/micro?assigned=1");
    Ok(())
}

/// Unit: the 微实事 projects handed to my unit.
#[server(prefix = "/api", endpoint = "micro/unit")]
pub async fn unit_works() -> Result<Vec<WorkRow>, AppError> {
    let user = crate::auth::ssr::require(&[Role::Unit])?;
    let state = crate::ssr::app_state()?;
    work_ssr::for_unit(&state.db, user.id).await
}

/// Unit: a progress update (day, what was done, amount spent so far).
#[server(prefix = "/api", endpoint = "micro/progress")]
pub async fn post_progress(
    project: i64,
    on_day: String,
    body: String,
    spent_yuan: i64,
) -> Result<(), AppError> {
    let user = crate::auth::ssr::require(&[Role::Unit])?;
    let state = crate::ssr::app_state()?;
    work_ssr::progress(
        &state.db,
        user.id,
        &work_ssr::NewProgress {
            project,
            on_day,
            body,
            spent_yuan,
        },
        crate::ssr::now_ms(),
    )
    .await?;
    crate::ssr::web::redirect_plain_form("/unit/projects?posted=1");
    Ok(())
}

/// Unit: the project is finished; the county's deputies accept it next.
#[server(prefix = "/api", endpoint = "micro/complete")]
pub async fn complete_work(project: i64, on_day: String) -> Result<(), AppError> {
    let user = crate::auth::ssr::require(&[Role::Unit])?;
    let state = crate::ssr::app_state()?;
    work_ssr::complete(&state.db, user.id, project, &on_day, crate::ssr::now_ms()).await?;
    crate::ssr::web::redirect_plain_form("/unit/projects?completed=1");
    Ok(())
}

/// Deputy: the approved projects of my county and how they are carried out.
#[server(prefix = "/api", endpoint = "micro/county")]
pub async fn county_works() -> Result<Vec<WorkRow>, AppError> {
    let user = crate::auth::ssr::require(&[Role::Deputy])?;
    let state = crate::ssr::app_state()?;
    work_ssr::for_deputy(&state.db, user.id).await
}

/// Deputy: accept a completed project (验收): `pass`, or `fail` with a reason (back to the unit).
#[server(prefix = "/api", endpoint = "micro/accept")]
pub async fn accept_work(project: i64, verdict: String, reason: String) -> Result<(), AppError> {
    let user = crate::auth::ssr::require(&[Role::Deputy])?;
    let state = crate::ssr::app_state()?;
    let passed = match verdict.as_str() {
        "pass" => true,
        "fail" => false,
        _ => return Err(AppError::validation("verdict", "请选择验收通过或不通过")),
    };
    work_ssr::accept(
        &state.db,
        user.id,
        project,
        passed,
        &reason,
        crate::ssr::now_ms(),
    )
    .await?;
    crate::ssr::web::redirect_plain_form("/deputy/ballots?accepted=1");
    Ok(())
}
