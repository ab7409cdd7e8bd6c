//! Paper ballots (纸质选票) entered by two tellers, and the office confirming a ballot's results.
//!
//! Secrecy as online: the office records *that* a deputy took a paper ballot (`ballot_channel`,
//! the same row an online vote writes, so the two exclude each other through its primary key,
//! also when they race); a sheet is stored by the serial number printed on it, with what each
//! teller read on it, and no column ties a sheet to a deputy. A sheet counts only when the two
//! tellers' entries agree.

use super::{mark_label, PaperPage, PaperTally, SheetView};
use crate::draft::time::format_local;
use crate::error::AppError;
use crate::ssr::Db;
use std::collections::BTreeMap;

/// A sheet as the tellers entered it: per entry (1, 2), the teller and their marks.
#[derive(Debug, Default)]
pub struct Sheet {
    pub serial: String,
    /// entry number → (teller account, teller name, project → choice)
    pub entries: BTreeMap<i64, (i64, String, BTreeMap<i64, String>)>,
}

impl Sheet {
    /// Both tellers entered it and read the same on every candidate.
    pub fn agreed(&self) -> bool {
        self.entries.len() == 2 && {
            let mut it = self.entries.values();
            let (a, b) = (it.next().map(|e| &e.2), it.next().map(|e| &e.2));
            a == b
        }
    }
}

/// The paper sheets of a ballot, in the order they were first entered.
pub async fn sheets(db: &Db, ballot: i64) -> Result<Vec<Sheet>, AppError> {
    let rows: Vec<(i64, String, i64, i64, String, i64, String)> = sqlx::query_as(
        "select s.id, s.serial, e.entry, e.teller_id, a.display_name, m.project_id, m.choice \
         from paper_sheet s join paper_entry e on e.sheet_id = s.id \
         join account a on a.id = e.teller_id \
         join paper_mark m on m.sheet_id = s.id and m.entry = e.entry \
         where s.ballot_id = $1 order by s.id, e.entry, m.project_id",
    )
    .bind(ballot)
    .fetch_all(&db.pool)
    .await?;
    let mut out: Vec<(i64, Sheet)> = Vec::new();
    for (sheet, serial, entry, teller, name, project, choice) in rows {
        if out.last().map(|s| s.0) != Some(sheet) {
            out.push((
                sheet,
                Sheet {
                    serial,
                    entries: BTreeMap::new(),
                },
            ));
        }
        if let Some((_, s)) = out.last_mut() {
            s.entries
                .entry(entry)
                .or_insert_with(|| (teller, name, BTreeMap::new()))
                .2
                .insert(project, choice);
        }
    }
    Ok(out.into_iter().map(|(_, s)| s).collect())
}

/// The counts of a ballot's paper ballots, and the marks of the agreed sheets.
pub async fn tally(db: &Db, ballot: i64) -> Result<(PaperTally, Vec<Sheet>), AppError> {
    let issued: i64 = sqlx::query_scalar("select paper_issued from ballot where id = $1")
        .bind(ballot)
        .fetch_optional(&db.pool)
        .await?
        .unwrap_or(0);
    let all = sheets(db, ballot).await?;
    let mut t = PaperTally {
        issued,
        ..PaperTally::default()
    };
    for s in &all {
        if s.agreed() {
            t.agreed += 1;
        } else if s.entries.len() < 2 {
            t.single += 1;
        } else {
            t.mismatched += 1;
        }
    }
    Ok((t, all))
}

/// The office hands `deputy` a paper ballot of `ballot` (领票). Refused when the deputy is of
/// another county, already voted online or already took one; the ballot must not have closed.
pub async fn issue(db: &Db, ballot: i64, deputy: i64, now: i64) -> Result<(), AppError> {
    let mut tx = db.begin().await?;
    let row: Option<(i64, i64, Option<i64>)> =
        sqlx::query_as("select county_id, closes_at, finalized_at from ballot where id = $1")
            .bind(ballot)
            .fetch_optional(&mut *tx)
            .await?;
    let Some((county, closes, finalized)) = row else {
        return Err(AppError::NotFound);
    };
    if finalized.is_some() {
        return Err(AppError::Conflict(
            "本次票决结果已确认，不能再发放纸质选票".into(),
        ));
    }
    if now >= closes {
        return Err(AppError::Conflict(format!(
            "票决已于 {} 结束，不能再发放纸质选票",
            format_local(closes)
        )));
    }
    let who: Option<(i64, String)> = sqlx::query_as(
        "select d.county_id, a.display_name from deputy d join account a on a.id = d.account_id \
         where d.account_id = $1",
    )
    .bind(deputy)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((deputy_county, name)) = who else {
        return Err(AppError::validation("deputy", "所选账户不是代表"));
    };
    if deputy_county != county {
        return Err(AppError::validation(
            "deputy",
            format!("{name}不是本县市的代表，不能领取本次票决的纸质选票"),
        ));
    }
    let first = sqlx::query(
        "insert into ballot_channel (ballot_id, account_id, paper) values ($1, $2, 1) \
         on conflict do nothing",
    )
    .bind(ballot)
    .bind(deputy)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if first != 1 {
        let paper: i64 = sqlx::query_scalar(
            "select paper from ballot_channel where ballot_id = $1 and account_id = $2",
        )
        .bind(ballot)
        .bind(deputy)
        .fetch_one(&mut *tx)
        .await?;
        return Err(AppError::Conflict(if paper == 1 {
            format!("{name}已领取过本次票决的纸质选票")
        } else {
            format!("{name}已在网上投票，不能再领取纸质选票")
        }));
    }
    sqlx::query("update ballot set paper_issued = paper_issued + 1 where id = $1")
        .bind(ballot)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

pub struct SheetEntry {
    pub ballot: i64,
    pub serial: String,
    /// (candidate, choice) for every candidate of the ballot.
    pub marks: Vec<(i64, String)>,
    /// Replace the teller's own earlier entry of this sheet.
    pub correct: bool,
}

/// A teller enters one paper sheet (or corrects their own entry of it). The first entry of a
/// serial number creates the sheet — never more sheets than paper ballots handed out; the
/// second must come from another account. Returns how the sheet stands now.
pub async fn enter(db: &Db, teller: i64, e: &SheetEntry, now: i64) -> Result<String, AppError> {
    let serial = e.serial.trim();
    if serial.is_empty() || serial.chars().count() > 20 {
        return Err(AppError::validation(
            "serial",
            "请填写选票上印的编号（不超过 20 个字符）",
        ));
    }
    let mut tx = db.begin().await?;
    // Taking the ballot row first orders this entry against the office confirming the results.
    let open = sqlx::query(
        "update ballot set paper_sheets = paper_sheets where id = $1 and finalized_at is null",
    )
    .bind(e.ballot)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if open != 1 {
        let exists: Option<i64> = sqlx::query_scalar("select id from ballot where id = $1")
            .bind(e.ballot)
            .fetch_optional(&mut *tx)
            .await?;
        return Err(match exists {
            None => AppError::NotFound,
            Some(_) => AppError::Conflict("本次票决结果已确认，不能再录入纸质选票".into()),
        });
    }
    let candidates: Vec<(i64, String)> = sqlx::query_as(
        "select p.id, p.title from ballot_item i join micro_project p on p.id = i.project_id \
         where i.ballot_id = $1 order by p.id",
    )
    .bind(e.ballot)
    .fetch_all(&mut *tx)
    .await?;
    let mut marks: BTreeMap<i64, &str> = BTreeMap::new();
    for (project, choice) in &e.marks {
        let Some((_, title)) = candidates.iter().find(|c| c.0 == *project) else {
            return Err(AppError::validation(
                "marks",
                format!("项目（编号 {project}）不在本次票决之列"),
            ));
        };
        if !matches!(choice.as_str(), "yes" | "no" | "abstain" | "none") {
            return Err(AppError::validation(
                "marks",
                format!("“{title}”一栏请选择赞成、反对、弃权或未填"),
            ));
        }
        marks.insert(*project, choice.as_str());
    }
    if let Some((_, title)) = candidates.iter().find(|c| !marks.contains_key(&c.0)) {
        return Err(AppError::validation(
            "marks",
            format!("请录入“{title}”一栏（未填写的请选“未填”）"),
        ));
    }
    let mut sheet: Option<i64> =
        sqlx::query_scalar("select id from paper_sheet where ballot_id = $1 and serial = $2")
            .bind(e.ballot)
            .bind(serial)
            .fetch_optional(&mut *tx)
            .await?;
    let entry: i64 = if e.correct {
        let mine: Option<i64> = match sheet {
            Some(s) => {
                sqlx::query_scalar(
                    "select entry from paper_entry where sheet_id = $1 and teller_id = $2",
                )
                .bind(s)
                .bind(teller)
                .fetch_optional(&mut *tx)
                .await?
            }
            None => None,
        };
        let Some(entry) = mine else {
            return Err(AppError::validation(
                "serial",
                format!("您没有录入过第 {serial} 号选票，无从更正"),
            ));
        };
        sqlx::query("delete from paper_mark where sheet_id = $1 and entry = $2")
            .bind(sheet)
            .bind(entry)
            .execute(&mut *tx)
            .await?;
        sqlx::query("update paper_entry set entered_at = $1 where sheet_id = $2 and entry = $3")
            .bind(now)
            .bind(sheet)
            .bind(entry)
            .execute(&mut *tx)
            .await?;
        entry
    } else {
        if sheet.is_none() {
            let created = sqlx::query(
                "insert into paper_sheet (ballot_id, serial) values ($1, $2) on conflict do nothing",
            )
            .bind(e.ballot)
            .bind(serial)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if created == 1 {
                // One conditional update: two new sheets entered at once cannot both pass.
                let room = sqlx::query(
                    "update ballot set paper_sheets = paper_sheets + 1 \
                     where id = $1 and paper_sheets < paper_issued",
                )
                .bind(e.ballot)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if room != 1 {
                    let (issued, entered): (i64, i64) = sqlx::query_as(
                        "select paper_issued, paper_sheets from ballot where id = $1",
                    )
                    .bind(e.ballot)
                    .fetch_one(&mut *tx)
                    .await?;
                    return Err(AppError::validation(
                        "serial",
                        format!(
                            "纸质选票只发放了 {issued} 张，已录入 {entered} 张，\
                             不能再录入新的第 {serial} 号选票"
                        ),
                    ));
                }
            }
            sheet = sqlx::query_scalar(
                "select id from paper_sheet where ballot_id = $1 and serial = $2",
            )
            .bind(e.ballot)
            .bind(serial)
            .fetch_optional(&mut *tx)
            .await?;
        }
        let Some(s) = sheet else {
            return Err(AppError::Internal);
        };
        let entries: Vec<(i64, i64)> =
            sqlx::query_as("select entry, teller_id from paper_entry where sheet_id = $1")
                .bind(s)
                .fetch_all(&mut *tx)
                .await?;
        if entries.iter().any(|(_, t)| *t == teller) {
            return Err(AppError::validation(
                "serial",
                format!(
                    "您已录入过第 {serial} 号选票；第二次录入须由另一位计票人独立完成，\
                     如需更正请勾选“更正我的录入”"
                ),
            ));
        }
        if entries.len() >= 2 {
            return Err(AppError::Conflict(format!(
                "第 {serial} 号选票已由两位计票人录入"
            )));
        }
        let entry = if entries.iter().any(|(n, _)| *n == 1) {
            2
        } else {
            1
        };
        let added = sqlx::query(
            "insert into paper_entry (sheet_id, entry, teller_id, entered_at) \
             values ($1, $2, $3, $4) on conflict do nothing",
        )
        .bind(s)
        .bind(entry)
        .bind(teller)
        .bind(now)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if added != 1 {
            return Err(AppError::Conflict(format!(
                "第 {serial} 号选票刚由另一位计票人录入，请刷新页面后再试"
            )));
        }
        entry
    };
    for (project, choice) in &marks {
        sqlx::query(
            "insert into paper_mark (sheet_id, entry, project_id, choice) values ($1, $2, $3, $4)",
        )
        .bind(sheet)
        .bind(entry)
        .bind(project)
        .bind(*choice)
        .execute(&mut *tx)
        .await?;
    }
    // How the sheet stands, read inside the transaction.
    let other: Vec<(i64, String)> = sqlx::query_as(
        "select project_id, choice from paper_mark where sheet_id = $1 and entry <> $2 \
         order by project_id",
    )
    .bind(sheet)
    .bind(entry)
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    let mine: Vec<(i64, String)> = marks.iter().map(|(p, c)| (*p, (*c).to_string())).collect();
    Ok(if other.is_empty() {
        format!("第 {serial} 号选票已录入，待另一位计票人录入")
    } else if other == mine {
        format!("第 {serial} 号选票两次录入一致，已计入")
    } else {
        format!("第 {serial} 号选票两次录入不一致，请核对")
    })
}

/// The office confirms a closed ballot's results: refused while it is open or while any paper
/// sheet is pending; then each candidate becomes approved or rejected.
pub async fn finalize(db: &Db, ballot: i64, now: i64) -> Result<(), AppError> {
    let mut tx = db.begin().await?;
    // Taking the ballot row first waits for a teller's entry under way; the results are then
    // read with it.
    let taken =
        sqlx::query("update ballot set finalized_at = $1 where id = $2 and finalized_at is null")
            .bind(now)
            .bind(ballot)
            .execute(&mut *tx)
            .await?
            .rows_affected();
    let view = super::ssr::results(db, ballot, now).await?;
    if taken != 1 {
        return Err(AppError::Conflict("本次票决结果已经确认".into()));
    }
    if !view.closed {
        return Err(AppError::Conflict(format!(
            "票决尚未结束（{} 结束），不能确认结果",
            view.closes
        )));
    }
    if !view.provisional.is_empty() {
        return Err(AppError::Conflict(format!(
            "{}，不能确认结果",
            view.provisional
        )));
    }
    for c in &view.candidates {
        sqlx::query(
            "update micro_project set status = $1, updated_at = $2 where id = $3 \
             and status = 'on_ballot'",
        )
        .bind(if c.approved { "approved" } else { "rejected" })
        .bind(now)
        .bind(c.project)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// The office's page of one ballot.
pub async fn page(db: &Db, viewer: i64, ballot: i64, now: i64) -> Result<PaperPage, AppError> {
    let view = super::ssr::results(db, ballot, now).await?;
    let county: i64 = sqlx::query_scalar("select county_id from ballot where id = $1")
        .bind(ballot)
        .fetch_one(&db.pool)
        .await?;
    let deputies: Vec<(i64, String)> = sqlx::query_as(
        "select a.id, a.display_name from deputy d join account a on a.id = d.account_id \
         where d.county_id = $1 and a.active = 1 and not exists (select 1 from ballot_channel c \
         where c.ballot_id = $2 and c.account_id = a.id) order by a.display_name, a.id",
    )
    .bind(county)
    .bind(ballot)
    .fetch_all(&db.pool)
    .await?;
    let issued_to: Vec<String> = sqlx::query_scalar(
        "select a.display_name from ballot_channel c join account a on a.id = c.account_id \
         where c.ballot_id = $1 and c.paper = 1 order by a.display_name, a.id",
    )
    .bind(ballot)
    .fetch_all(&db.pool)
    .await?;
    let titles: BTreeMap<i64, String> = view
        .candidates
        .iter()
        .map(|c| (c.project, c.title.clone()))
        .collect();
    let (_, all) = tally(db, ballot).await?;
    let sheets = all
        .iter()
        .map(|s| {
            let agreed = s.agreed();
            let entries: Vec<_> = s.entries.values().collect();
            let differences = match entries.as_slice() {
                [a, b] if !agreed => titles
                    .iter()
                    .filter_map(|(p, title)| {
                        let (x, y) = (
                            a.2.get(p).map(String::as_str).unwrap_or(""),
                            b.2.get(p).map(String::as_str).unwrap_or(""),
                        );
                        (x != y).then(|| {
                            (
                                title.clone(),
                                format!("{}：{}", a.1, mark_label(x)),
                                format!("{}：{}", b.1, mark_label(y)),
                            )
                        })
                    })
                    .collect(),
                _ => Vec::new(),
            };
            SheetView {
                serial: s.serial.clone(),
                tellers: entries.iter().map(|e| e.1.clone()).collect(),
                state: if agreed {
                    "两次录入一致，已计入"
                } else if entries.len() < 2 {
                    "待第二位计票人录入"
                } else {
                    "两次录入不一致"
                }
                .into(),
                agreed,
                differences,
                mine: entries.iter().any(|e| e.0 == viewer),
            }
        })
        .collect();
    Ok(PaperPage {
        ballot: view,
        deputies,
        issued_to,
        sheets,
    })
}
