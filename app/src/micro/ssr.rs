//! Storage and rules of 微实事 and its vote.

use super::{BallotView, Candidate, Choice, MicroOffice, ProjectRow};
use crate::draft::time::format_local;
use crate::error::AppError;
use crate::ssr::{now_ms, Db};

pub async fn set_fund(db: &Db, county: i64, year: i64, amount: i64) -> Result<(), AppError> {
    if amount <= 0 {
        return Err(AppError::validation("amount_yuan", "资金须大于 0 元"));
    }
    if !(2000..=2100).contains(&year) {
        return Err(AppError::validation("year", "年度无效"));
    }
    let level: Option<i64> = sqlx::query_scalar("select level from station where id = $1")
        .bind(county)
        .fetch_optional(&db.pool)
        .await?;
    if !matches!(level, Some(1 | 2)) {
        return Err(AppError::validation(
            "county",
            format!("县市（编号 {county}）不存在"),
        ));
    }
    sqlx::query(
        "insert into micro_fund (county_id, year, amount_yuan) values ($1, $2, $3) \
         on conflict (county_id, year) do update set amount_yuan = excluded.amount_yuan",
    )
    .bind(county)
    .bind(year)
    .bind(amount)
    .execute(&db.pool)
    .await?;
    Ok(())
}

async fn deputy_county(db: &Db, account: i64) -> Result<i64, AppError> {
    sqlx::query_scalar("select county_id from deputy where account_id = $1")
        .bind(account)
        .fetch_optional(&db.pool)
        .await?
        .ok_or(AppError::Forbidden)
}

async fn fund(db: &Db, county: i64, year: i64) -> Result<Option<i64>, AppError> {
    Ok(
        sqlx::query_scalar("select amount_yuan from micro_fund where county_id = $1 and year = $2")
            .bind(county)
            .bind(year)
            .fetch_optional(&db.pool)
            .await?,
    )
}

pub struct NewProject {
    pub year: i64,
    pub title: String,
    pub place: String,
    pub cost_yuan: i64,
    pub beneficiaries: String,
    /// Requests of the deputy's station the project answers.
    pub requests: Vec<i64>,
}

/// A deputy proposes a project in their own county; it must fit that year's fund. The requests
/// behind it must be their own station's.
pub async fn propose(db: &Db, deputy: i64, p: &NewProject) -> Result<i64, AppError> {
    let county = deputy_county(db, deputy).await?;
    let title = p.title.trim();
    if title.is_empty() || title.chars().count() > 100 {
        return Err(AppError::validation(
            "title",
            "请填写项目名称（不超过 100 字）",
        ));
    }
    if p.cost_yuan <= 0 {
        return Err(AppError::validation("cost_yuan", "预算须大于 0 元"));
    }
    let Some(fund) = fund(db, county, p.year).await? else {
        return Err(AppError::validation(
            "year",
            format!("本县市 {} 年度尚未设立微实事资金", p.year),
        ));
    };
    if p.cost_yuan > fund {
        return Err(AppError::validation(
            "cost_yuan",
            format!(
                "预算 {} 元超出本县市 {} 年度微实事资金 {} 元",
                p.cost_yuan, p.year, fund
            ),
        ));
    }
    let station: Option<i64> = sqlx::query_scalar("select station_id from account where id = $1")
        .bind(deputy)
        .fetch_one(&db.pool)
        .await?;
    for r in &p.requests {
        let ours: Option<i64> =
            sqlx::query_scalar("select id from resident_request where id = $1 and station_id = $2")
                .bind(r)
                .bind(station)
                .fetch_optional(&db.pool)
                .await?;
        if ours.is_none() {
            return Err(AppError::validation(
                "requests",
                format!("群众诉求（编号 {r}）不是本代表之家登记的，不能作为项目依据"),
            ));
        }
    }
    let now = now_ms();
    let mut tx = db.begin().await?;
    let id: i64 = sqlx::query_scalar(
        "insert into micro_project (county_id, year, title, place, cost_yuan, beneficiaries, \
         proposed_by, created_at, updated_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $8) \
         returning id",
    )
    .bind(county)
    .bind(p.year)
    .bind(title)
    .bind(p.place.trim())
    .bind(p.cost_yuan)
    .bind(p.beneficiaries.trim())
    .bind(deputy)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    for r in &p.requests {
        sqlx::query(
            "insert into micro_project_request (project_id, request_id) values ($1, $2) \
             on conflict do nothing",
        )
        .bind(id)
        .bind(r)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(id)
}

/// The office puts proposed projects of one county and year on a ballot. A project of another
/// county or year, or one already on a ballot, is refused by name; nothing is stored then.
pub async fn create_ballot(
    db: &Db,
    by: i64,
    county: i64,
    year: i64,
    opens_at: i64,
    closes_at: i64,
    projects: &[i64],
) -> Result<i64, AppError> {
    if closes_at <= opens_at {
        return Err(AppError::validation("closes_at", "结束时间须晚于开始时间"));
    }
    if closes_at <= now_ms() {
        return Err(AppError::validation("closes_at", "结束时间已经过去"));
    }
    if projects.is_empty() {
        return Err(AppError::validation("projects", "请至少选择一个项目"));
    }
    if fund(db, county, year).await?.is_none() {
        return Err(AppError::validation(
            "year",
            format!("该县市 {year} 年度尚未设立微实事资金"),
        ));
    }
    let mut tx = db.begin().await?;
    let id: i64 = sqlx::query_scalar(
        "insert into ballot (county_id, year, opens_at, closes_at, created_by, created_at) \
         values ($1, $2, $3, $4, $5, $6) returning id",
    )
    .bind(county)
    .bind(year)
    .bind(opens_at)
    .bind(closes_at)
    .bind(by)
    .bind(now_ms())
    .fetch_one(&mut *tx)
    .await?;
    for &p in projects {
        let row: Option<(i64, i64, String, String)> = sqlx::query_as(
            "select county_id, year, title, status from micro_project where id = $1",
        )
        .bind(p)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((c, y, title, status)) = row else {
            return Err(AppError::validation(
                "projects",
                format!("项目（编号 {p}）不存在"),
            ));
        };
        if c != county {
            return Err(AppError::validation(
                "projects",
                format!("项目“{title}”属于其他县市，不能列入本县市的票决"),
            ));
        }
        if y != year {
            return Err(AppError::validation(
                "projects",
                format!("项目“{title}”是 {y} 年度的项目，不能列入 {year} 年度的票决"),
            ));
        }
        if status != "proposed" {
            return Err(AppError::validation(
                "projects",
                format!("项目“{title}”已列入票决"),
            ));
        }
        sqlx::query("insert into ballot_item (ballot_id, project_id) values ($1, $2)")
            .bind(id)
            .bind(p)
            .execute(&mut *tx)
            .await?;
        sqlx::query("update micro_project set status = 'on_ballot', updated_at = $1 where id = $2")
            .bind(now_ms())
            .bind(p)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(id)
}

/// One deputy's vote on one candidate. In one transaction: the ballot must be open at `now`
/// and of the deputy's county; the row saying *that* the deputy voted is inserted (its primary
/// key refuses a second vote, also when two requests race), and only then the count of *what*
/// was voted grows — with no link between the two.
pub async fn cast(
    db: &Db,
    deputy: i64,
    ballot: i64,
    project: i64,
    choice: Choice,
    now: i64,
) -> Result<(), AppError> {
    let county = deputy_county(db, deputy).await?;
    let mut tx = db.begin().await?;
    let row: Option<(i64, i64, i64)> =
        sqlx::query_as("select county_id, opens_at, closes_at from ballot where id = $1")
            .bind(ballot)
            .fetch_optional(&mut *tx)
            .await?;
    let Some((b_county, opens, closes)) = row else {
        return Err(AppError::NotFound);
    };
    if b_county != county {
        return Err(AppError::Refused(
            "您不是本县市的代表，不能参加本次票决".into(),
        ));
    }
    if now < opens {
        return Err(AppError::Conflict(format!(
            "票决尚未开始（{} 开始）",
            format_local(opens)
        )));
    }
    if now >= closes {
        return Err(AppError::Conflict(format!(
            "票决已于 {} 结束，不能再投票",
            format_local(closes)
        )));
    }
    let on_ballot: Option<i64> =
        sqlx::query_scalar("select 1 from ballot_item where ballot_id = $1 and project_id = $2")
            .bind(ballot)
            .bind(project)
            .fetch_optional(&mut *tx)
            .await?;
    if on_ballot.is_none() {
        return Err(AppError::validation("project", "该项目不在本次票决之列"));
    }
    // Online or on paper, never both: the row of how the deputy takes part is shared with the
    // office handing out paper ballots, and its primary key decides a race between the two.
    sqlx::query(
        "insert into ballot_channel (ballot_id, account_id, paper) values ($1, $2, 0) \
         on conflict do nothing",
    )
    .bind(ballot)
    .bind(deputy)
    .execute(&mut *tx)
    .await?;
    let paper: i64 = sqlx::query_scalar(
        "select paper from ballot_channel where ballot_id = $1 and account_id = $2",
    )
    .bind(ballot)
    .bind(deputy)
    .fetch_one(&mut *tx)
    .await?;
    if paper == 1 {
        return Err(AppError::Conflict(
            "您已领取本次票决的纸质选票，请在纸质选票上投票，不能再在网上投票".into(),
        ));
    }
    let first = sqlx::query(
        "insert into ballot_voter (ballot_id, project_id, account_id) values ($1, $2, $3) \
         on conflict do nothing",
    )
    .bind(ballot)
    .bind(project)
    .bind(deputy)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if first != 1 {
        return Err(AppError::Conflict(
            "您已对该项目投过票，不能重复投票".into(),
        ));
    }
    let col = choice.column();
    sqlx::query(&format!(
        "update ballot_item set {col} = {col} + 1 where ballot_id = $1 and project_id = $2"
    ))
    .bind(ballot)
    .bind(project)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The outcome of a closed ballot: a candidate is approved when more than half of those who
/// voted on it said 赞成; approved candidates are funded in order of 赞成 votes (ties: the
/// cheaper first, then the earlier proposal) while the fund lasts — one that does not fit is
/// passed over and a cheaper one after it may still fit.
pub fn decide(candidates: &mut [Candidate], fund: i64) {
    let mut order: Vec<usize> = (0..candidates.len()).collect();
    order.sort_by_key(|&i| {
        let c = &candidates[i];
        (-c.yes, c.cost_yuan, c.project)
    });
    let mut left = fund;
    for i in order {
        let c = &mut candidates[i];
        let voted = c.yes + c.no + c.abstain;
        if voted == 0 || c.yes * 2 <= voted {
            c.approved = false;
            c.note = "未获过半数赞成".into();
        } else if c.cost_yuan > left {
            c.approved = false;
            c.note = format!("获过半数赞成，但剩余资金 {left} 元不足");
        } else {
            left -= c.cost_yuan;
            c.approved = true;
            c.note = "通过".into();
        }
    }
}

type BallotRecord = (i64, String, i64, i64, i64, i64, Option<i64>);

async fn ballot_view(
    db: &Db,
    b: BallotRecord,
    deputy: Option<i64>,
    now: i64,
) -> Result<BallotView, AppError> {
    let (id, county_name, county, year, opens, closes, finalized_at) = b;
    let rows: Vec<(i64, String, String, i64, i64, i64, i64)> = sqlx::query_as(
        "select p.id, p.title, p.place, p.cost_yuan, i.yes, i.no, i.abstain from ballot_item i \
         join micro_project p on p.id = i.project_id where i.ballot_id = $1 order by p.id",
    )
    .bind(id)
    .fetch_all(&db.pool)
    .await?;
    let closed = now >= closes;
    let mut candidates = Vec::new();
    for (project, title, place, cost_yuan, yes, no, abstain) in rows {
        let voted =
            match deputy {
                Some(d) => sqlx::query_scalar::<_, i64>(
                    "select count(*) from ballot_voter where ballot_id = $1 and project_id = $2 \
                 and account_id = $3",
                )
                .bind(id)
                .bind(project)
                .bind(d)
                .fetch_one(&db.pool)
                .await?
                    > 0,
                None => false,
            };
        // Counts stay hidden until the ballot closes, so nobody votes by the running tally.
        let (yes, no, abstain) = if closed {
            (yes, no, abstain)
        } else {
            (0, 0, 0)
        };
        candidates.push(Candidate {
            project,
            title,
            place,
            cost_yuan,
            yes,
            no,
            abstain,
            voted,
            approved: false,
            note: String::new(),
        });
    }
    // Paper sheets count only when both tellers' entries agree.
    let (paper, sheets) = super::paper_ssr::tally(db, id).await?;
    if closed {
        for sheet in sheets.iter().filter(|s| s.agreed()) {
            let Some((_, _, marks)) = sheet.entries.values().next() else {
                continue;
            };
            for c in candidates.iter_mut() {
                match marks.get(&c.project).map(String::as_str) {
                    Some("yes") => c.yes += 1,
                    Some("no") => c.no += 1,
                    Some("abstain") => c.abstain += 1,
                    _ => {}
                }
            }
        }
    }
    let fund_yuan = fund(db, county, year).await?.unwrap_or(0);
    if closed {
        decide(&mut candidates, fund_yuan);
    }
    let online: i64 = sqlx::query_scalar(
        "select count(distinct account_id) from ballot_voter where ballot_id = $1",
    )
    .bind(id)
    .fetch_one(&db.pool)
    .await?;
    let took_paper = match deputy {
        Some(d) => {
            sqlx::query_scalar::<_, i64>(
                "select count(*) from ballot_channel where ballot_id = $1 and account_id = $2 \
                 and paper = 1",
            )
            .bind(id)
            .bind(d)
            .fetch_one(&db.pool)
            .await?
                > 0
        }
        None => false,
    };
    Ok(BallotView {
        id,
        county: county_name,
        year,
        opens: format_local(opens),
        closes: format_local(closes),
        open: now >= opens && !closed,
        closed,
        fund_yuan,
        voters: online + paper.agreed,
        candidates,
        provisional: paper.pending_note(),
        paper,
        finalized: finalized_at.is_some(),
        took_paper,
    })
}

const BALLOT_SELECT: &str = "select b.id, s.name, b.county_id, b.year, b.opens_at, b.closes_at, \
     b.finalized_at \
     from ballot b join station s on s.id = b.county_id";

/// The results of one ballot (counts and outcome once it has closed).
pub async fn results(db: &Db, ballot: i64, now: i64) -> Result<BallotView, AppError> {
    let b: BallotRecord = sqlx::query_as(&format!("{BALLOT_SELECT} where b.id = $1"))
        .bind(ballot)
        .fetch_optional(&db.pool)
        .await?
        .ok_or(AppError::NotFound)?;
    ballot_view(db, b, None, now).await
}

pub async fn ballots_for_deputy(
    db: &Db,
    deputy: i64,
    now: i64,
) -> Result<Vec<BallotView>, AppError> {
    let county = deputy_county(db, deputy).await?;
    let rows: Vec<BallotRecord> = sqlx::query_as(&format!(
        "{BALLOT_SELECT} where b.county_id = $1 order by b.closes_at desc"
    ))
    .bind(county)
    .fetch_all(&db.pool)
    .await?;
    let mut out = Vec::new();
    for b in rows {
        out.push(ballot_view(db, b, Some(deputy), now).await?);
    }
    Ok(out)
}

/// id, county, year, title, place, cost, status, proposer.
type ProjectRecord = (i64, String, i64, String, String, i64, String, String);

pub async fn office(db: &Db, now: i64) -> Result<MicroOffice, AppError> {
    let funds: Vec<(String, i64, i64)> = sqlx::query_as(
        "select s.name, f.year, f.amount_yuan from micro_fund f join station s on s.id = f.county_id \
         order by f.year desc, s.name",
    )
    .fetch_all(&db.pool)
    .await?;
    let counties: Vec<(i64, String)> =
        sqlx::query_as("select id, name from station where level <= 2 order by level, name")
            .fetch_all(&db.pool)
            .await?;
    let projects: Vec<ProjectRecord> = sqlx::query_as(
        "select p.id, s.name, p.year, p.title, p.place, p.cost_yuan, p.status, a.display_name \
         from micro_project p join station s on s.id = p.county_id \
         join account a on a.id = p.proposed_by order by p.year desc, s.name, p.id",
    )
    .fetch_all(&db.pool)
    .await?;
    let rows: Vec<BallotRecord> =
        sqlx::query_as(&format!("{BALLOT_SELECT} order by b.closes_at desc"))
            .fetch_all(&db.pool)
            .await?;
    let mut ballots = Vec::new();
    for b in rows {
        ballots.push(ballot_view(db, b, None, now).await?);
    }
    let units: Vec<(i64, String)> =
        sqlx::query_as("select id, name from unit where active = 1 order by name")
            .fetch_all(&db.pool)
            .await?;
    Ok(MicroOffice {
        works: super::work_ssr::for_office(db).await?,
        units,
        funds,
        counties,
        projects: projects
            .into_iter()
            .map(
                |(id, county, year, title, place, cost_yuan, status, proposed_by)| ProjectRow {
                    id,
                    county,
                    year,
                    title,
                    place,
                    cost_yuan,
                    status: match status.as_str() {
                        "proposed" => "待列入票决",
                        "on_ballot" => "已列入票决",
                        "approved" => "已通过",
                        _ => "未通过",
                    }
                    .into(),
                    proposed_by,
                },
            )
            .collect(),
        ballots,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(project: i64, cost: i64, yes: i64, no: i64, abstain: i64) -> Candidate {
        Candidate {
            project,
            title: String::new(),
            place: String::new(),
            cost_yuan: cost,
            yes,
            no,
            abstain,
            voted: false,
            approved: false,
            note: String::new(),
        }
    }

    #[test]
    fn majority_of_voters_then_fund_in_order_of_yes() {
        let mut cs = vec![
            c(1, 100, 6, 4, 0), // approved first (most 赞成)
            c(2, 100, 5, 0, 5), // exactly half: not a majority
            c(3, 200, 5, 1, 1), // majority, but only 150 left
            c(4, 50, 4, 1, 0),  // majority, fits
        ];
        decide(&mut cs, 250);
        let approved: Vec<i64> = cs
            .iter()
            .filter(|c| c.approved)
            .map(|c| c.project)
            .collect();
        assert_eq!(approved, vec![1, 4]);
        assert!(cs[2].note.contains("资金"));
    }
}
