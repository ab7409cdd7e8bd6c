//! 微实事 decided by the deputies' vote (票决制): "代表提、人大定、政府办". Each county has a
//! fund per year; deputies propose small projects; the office puts them on a ballot with set
//! opening and closing times; each deputy of that county votes once on each candidate
//! (赞成/反对/弃权). Votes are secret: the database keeps who voted on a candidate apart from
//! the counts, and nothing ties the two. A project is approved when more than half of those who
//! voted on it said 赞成, in order of 赞成 votes, as long as the fund lasts.

pub mod pages;
#[cfg(feature = "ssr")]
pub mod ssr;

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
    pub voters: i64,
    pub candidates: Vec<Candidate>,
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
