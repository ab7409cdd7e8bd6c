//! Storage of themes: the draft's themes, the machine's and the committee's assignments kept
//! apart, training and assigning on demand, the quality meter over reviewed opinions, the
//! breakdowns and their export.
//!
//! The machine's rows of a reviewed opinion are never rewritten: they are what the machine said
//! before the committee looked, so the meter compares held-out answers with the committee's,
//! never the model's answers on its own training data.

use super::model::{self, Model};
use super::{Breakdown, Meter, ReviewItem, ReviewQueue, ThemeRow, ThemesView, REVIEW_PAGE};
use crate::draft::time::format_local;
use crate::error::AppError;
use crate::search::index::article_of;
use crate::ssr::{now_ms, Db};
use crate::workbench::ssr::{draft_of, stations};
use std::collections::{BTreeMap, HashMap, HashSet};

/// Reviewed opinions needed before the machine is trained (fewer teach it nothing useful).
pub const TRAIN_MIN: usize = 20;
/// The newest reviewed opinions the model learns from (the training matrix is dense).
pub const TRAIN_MAX: usize = 3000;
/// Themes proposed at most.
pub const PROPOSE_MAX: usize = 12;
/// Rows per multi-row insert.
const CHUNK: usize = 400;

#[derive(sqlx::FromRow, Clone)]
struct Opinion {
    id: i64,
    tracking: String,
    unit_uid: String,
    unit_label: String,
    channel: String,
    station_id: Option<i64>,
    reason: String,
    suggested: String,
}

impl Opinion {
    fn text(&self) -> String {
        if self.suggested.is_empty() {
            self.reason.clone()
        } else {
            format!("{}\n建议修改为：{}", self.reason, self.suggested)
        }
    }
}

const OPINION_COLUMNS: &str =
    "c.id, c.tracking, c.unit_uid, c.unit_label, c.channel, c.station_id, c.reason, c.suggested";

async fn opinions(db: &Db, draft_id: i64) -> Result<Vec<Opinion>, AppError> {
    Ok(sqlx::query_as(&format!(
        "select {OPINION_COLUMNS} from comment c where c.draft_id = $1 and c.status <> 'rejected' \
         order by c.id"
    ))
    .bind(draft_id)
    .fetch_all(&db.pool)
    .await?)
}

/// A live theme (not merged away).
#[derive(sqlx::FromRow, Clone)]
struct Theme {
    id: i64,
    name: String,
    description: String,
    created_by: Option<i64>,
    creator: Option<String>,
    accepted: i64,
}

async fn themes(db: &Db, draft_id: i64) -> Result<Vec<Theme>, AppError> {
    Ok(sqlx::query_as(
        "select t.id, t.name, t.description, t.created_by, a.display_name as creator, t.accepted \
         from theme t left join account a on a.id = t.created_by \
         where t.draft_id = $1 and t.merged_into is null order by t.id",
    )
    .bind(draft_id)
    .fetch_all(&db.pool)
    .await?)
}

/// Per opinion: the machine's (theme, confidence) and the committee's themes.
#[derive(Default, Clone)]
struct Assigned {
    machine: Vec<(i64, i64)>,
    committee: Vec<i64>,
}

async fn assignments(db: &Db, draft_id: i64) -> Result<HashMap<i64, Assigned>, AppError> {
    let rows: Vec<(i64, i64, i64, i64)> = sqlx::query_as(
        "select a.comment_id, a.theme_id, a.by_machine, a.confidence from theme_assignment a \
         join theme t on t.id = a.theme_id where t.draft_id = $1 order by a.theme_id",
    )
    .bind(draft_id)
    .fetch_all(&db.pool)
    .await?;
    let mut out: HashMap<i64, Assigned> = HashMap::new();
    for (c, t, machine, conf) in rows {
        let e = out.entry(c).or_default();
        if machine == 1 {
            e.machine.push((t, conf));
        } else {
            e.committee.push(t);
        }
    }
    Ok(out)
}

/// Per opinion: (when the machine last assigned it, who reviewed it, when).
#[derive(Clone, Copy, Default)]
struct Review {
    machine_at: Option<i64>,
    reviewed_by: Option<i64>,
    reviewed_at: Option<i64>,
}

/// (opinion, machine_at, reviewed_by, reviewed_at).
type ReviewRow = (i64, Option<i64>, Option<i64>, Option<i64>);

async fn reviews(db: &Db, draft_id: i64) -> Result<HashMap<i64, Review>, AppError> {
    let rows: Vec<ReviewRow> = sqlx::query_as(
        "select comment_id, machine_at, reviewed_by, reviewed_at from theme_review \
         where draft_id = $1",
    )
    .bind(draft_id)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(c, machine_at, reviewed_by, reviewed_at)| {
            (
                c,
                Review {
                    machine_at,
                    reviewed_by,
                    reviewed_at,
                },
            )
        })
        .collect())
}

/// The themes an opinion carries: the committee's once reviewed, else the machine's.
fn effective(a: Option<&Assigned>, r: Option<&Review>) -> Vec<i64> {
    let reviewed = r.is_some_and(|r| r.reviewed_at.is_some());
    match a {
        None => Vec::new(),
        Some(a) if reviewed => a.committee.clone(),
        Some(a) => a.machine.iter().map(|x| x.0).collect(),
    }
}

/// The meter's pairs: for each reviewed opinion the machine had assigned before the review,
/// (the machine's themes, the committee's), as indices into `ids`.
fn meter_pairs(
    ids: &[i64],
    assigned: &HashMap<i64, Assigned>,
    reviews: &HashMap<i64, Review>,
) -> Vec<(Vec<usize>, Vec<usize>)> {
    let index: HashMap<i64, usize> = ids.iter().enumerate().map(|(i, t)| (*t, i)).collect();
    let map = |v: &mut dyn Iterator<Item = i64>| -> Vec<usize> {
        let mut out: Vec<usize> = v.filter_map(|t| index.get(&t).copied()).collect();
        out.sort_unstable();
        out.dedup();
        out
    };
    let mut keys: Vec<&i64> = reviews.keys().collect();
    keys.sort_unstable();
    keys.into_iter()
        .filter_map(|c| {
            let r = reviews.get(c)?;
            let (Some(m), Some(at)) = (r.machine_at, r.reviewed_at) else {
                return None;
            };
            if m > at {
                return None;
            }
            let a = assigned.get(c).cloned().unwrap_or_default();
            Some((
                map(&mut a.machine.iter().map(|x| x.0)),
                map(&mut a.committee.iter().copied()),
            ))
        })
        .collect()
}

fn meter_of(q: model::Quality) -> Meter {
    Meter {
        reviewed: q.reviewed,
        precision: q.precision,
        recall: q.recall,
        f1: q.f1,
        f1_low: q.f1_low,
        f1_high: q.f1_high,
        warning: q.warning,
    }
}

async fn audit(
    db: &Db,
    actor: i64,
    draft_id: i64,
    theme: i64,
    action: &str,
    before: &str,
    after: &str,
) -> Result<(), AppError> {
    sqlx::query(
        "insert into audit_event (at, account_id, draft_id, entity, entity_id, action, before, \
         after) values ($1, $2, $3, 'theme', $4, $5, $6, $7)",
    )
    .bind(now_ms())
    .bind(actor)
    .bind(draft_id)
    .bind(theme.to_string())
    .bind(action)
    .bind(before)
    .bind(after)
    .execute(&db.pool)
    .await?;
    Ok(())
}

fn clean_name(name: &str) -> Result<String, AppError> {
    let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.is_empty() {
        return Err(AppError::validation("name", "请填写主题名称"));
    }
    if name.chars().count() > 40 {
        return Err(AppError::validation("name", "主题名称不能超过 40 个字"));
    }
    Ok(name)
}

/// The live theme `theme` with its draft: (draft id, draft slug, name).
async fn theme_of(db: &Db, theme: i64) -> Result<(i64, String, String), AppError> {
    sqlx::query_as(
        "select d.id, d.slug, t.name from theme t join draft d on d.id = t.draft_id \
         where t.id = $1 and t.merged_into is null",
    )
    .bind(theme)
    .fetch_optional(&db.pool)
    .await?
    .ok_or(AppError::NotFound)
}

pub async fn add(db: &Db, actor: i64, slug: &str, name: &str) -> Result<i64, AppError> {
    let (draft_id, _) = draft_of(db, slug).await?;
    let name = clean_name(name)?;
    let id: i64 = sqlx::query_scalar(
        "insert into theme (draft_id, name, created_by, accepted, created_at) \
         values ($1, $2, $3, 1, $4) returning id",
    )
    .bind(draft_id)
    .bind(&name)
    .bind(actor)
    .bind(now_ms())
    .fetch_one(&db.pool)
    .await?;
    audit(db, actor, draft_id, id, "theme_add", "", &name).await?;
    Ok(id)
}

pub async fn rename(db: &Db, actor: i64, theme: i64, name: &str) -> Result<String, AppError> {
    let (draft_id, slug, before) = theme_of(db, theme).await?;
    let name = clean_name(name)?;
    sqlx::query("update theme set name = $1, accepted = 1 where id = $2")
        .bind(&name)
        .bind(theme)
        .execute(&db.pool)
        .await?;
    audit(db, actor, draft_id, theme, "theme_rename", &before, &name).await?;
    Ok(slug)
}

pub async fn accept(db: &Db, actor: i64, theme: i64) -> Result<String, AppError> {
    let (draft_id, slug, name) = theme_of(db, theme).await?;
    sqlx::query("update theme set accepted = 1 where id = $1")
        .bind(theme)
        .execute(&db.pool)
        .await?;
    audit(db, actor, draft_id, theme, "theme_accept", "", &name).await?;
    Ok(slug)
}

/// Merges `theme` into `into` (same draft): every assignment of `theme`, the machine's and the
/// committee's, moves to `into` keeping who made it and when; `theme` stays as merged.
pub async fn merge(db: &Db, actor: i64, theme: i64, into: i64) -> Result<String, AppError> {
    let (draft_id, slug, name) = theme_of(db, theme).await?;
    let (into_draft, _, into_name) = theme_of(db, into).await?;
    if into_draft != draft_id || into == theme {
        return Err(AppError::validation("into", "请选择本草案的另一个主题"));
    }
    let mut tx = db.begin().await?;
    sqlx::query(
        "insert into theme_assignment (comment_id, theme_id, by_machine, assigned_by, \
         confidence, assigned_at) select a.comment_id, $1, a.by_machine, a.assigned_by, \
         a.confidence, a.assigned_at from theme_assignment a where a.theme_id = $2 and not exists \
         (select 1 from theme_assignment b where b.comment_id = a.comment_id and b.theme_id = $1 \
         and b.by_machine = a.by_machine)",
    )
    .bind(into)
    .bind(theme)
    .execute(&mut *tx)
    .await?;
    sqlx::query("delete from theme_assignment where theme_id = $1")
        .bind(theme)
        .execute(&mut *tx)
        .await?;
    sqlx::query("update theme set merged_into = $1 where id = $2 or merged_into = $2")
        .bind(into)
        .bind(theme)
        .execute(&mut *tx)
        .await?;
    sqlx::query("update theme set accepted = 1 where id = $1")
        .bind(into)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    audit(db, actor, draft_id, theme, "theme_merge", &name, &into_name).await?;
    Ok(slug)
}

/// Deletes a theme with its assignments (and the themes merged into it, kept until now only to
/// be read).
pub async fn delete(db: &Db, actor: i64, theme: i64) -> Result<String, AppError> {
    let (draft_id, slug, name) = theme_of(db, theme).await?;
    let mut tx = db.begin().await?;
    sqlx::query("delete from theme_assignment where theme_id = $1")
        .bind(theme)
        .execute(&mut *tx)
        .await?;
    sqlx::query("delete from theme where merged_into = $1")
        .bind(theme)
        .execute(&mut *tx)
        .await?;
    sqlx::query("delete from theme where id = $1")
        .bind(theme)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    audit(db, actor, draft_id, theme, "theme_delete", &name, "").await?;
    Ok(slug)
}

/// Proposes themes from all the draft's opinions. Proposals nobody accepted are replaced; the
/// opinions a proposal was found in get it as the machine's suggestion (not yet a trained
/// model's: `machine_at` stays as it was, so the meter does not count them).
pub async fn propose(db: &Db, slug: &str) -> Result<usize, AppError> {
    let (draft_id, _) = draft_of(db, slug).await?;
    let ops = opinions(db, draft_id).await?;
    let texts: Vec<String> = ops.iter().map(Opinion::text).collect();
    let proposals = tokio::task::spawn_blocking(move || {
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        model::propose(&refs, PROPOSE_MAX)
    })
    .await
    .map_err(|e| {
        tracing::error!(error = %e, "proposing themes failed");
        AppError::Internal
    })?;
    let now = now_ms();
    let mut tx = db.begin().await?;
    sqlx::query(
        "delete from theme_assignment where theme_id in (select id from theme where draft_id = $1 \
         and created_by is null and accepted = 0)",
    )
    .bind(draft_id)
    .execute(&mut *tx)
    .await?;
    sqlx::query("delete from theme where draft_id = $1 and created_by is null and accepted = 0")
        .bind(draft_id)
        .execute(&mut *tx)
        .await?;
    for p in &proposals {
        let id: i64 = sqlx::query_scalar(
            "insert into theme (draft_id, name, description, accepted, created_at) \
             values ($1, $2, $3, 0, $4) returning id",
        )
        .bind(draft_id)
        .bind(&p.name)
        .bind(&p.description)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        for chunk in p.members.chunks(CHUNK) {
            let values: Vec<String> = chunk
                .iter()
                .filter_map(|&i| ops.get(i))
                .map(|o| format!("({}, {id}, 1, 500, {now})", o.id))
                .collect();
            if values.is_empty() {
                continue;
            }
            sqlx::query(&format!(
                "insert into theme_assignment (comment_id, theme_id, by_machine, confidence, \
                 assigned_at) values {}",
                values.join(", ")
            ))
            .execute(&mut *tx)
            .await?;
        }
    }
    tx.commit().await?;
    Ok(proposals.len())
}

/// The committee confirms or corrects an opinion's themes: these, and no others.
pub async fn review(db: &Db, actor: i64, comment: i64, chosen: &[i64]) -> Result<(), AppError> {
    let draft_id: i64 =
        sqlx::query_scalar("select draft_id from comment where id = $1 and status <> 'rejected'")
            .bind(comment)
            .fetch_optional(&db.pool)
            .await?
            .ok_or(AppError::NotFound)?;
    let live: HashSet<i64> = themes(db, draft_id).await?.iter().map(|t| t.id).collect();
    let mut chosen: Vec<i64> = chosen.to_vec();
    chosen.sort_unstable();
    chosen.dedup();
    if chosen.iter().any(|t| !live.contains(t)) {
        return Err(AppError::validation(
            "themes",
            "所选主题不存在或已合并，请刷新页面",
        ));
    }
    let now = now_ms();
    let mut tx = db.begin().await?;
    sqlx::query("delete from theme_assignment where comment_id = $1 and by_machine = 0")
        .bind(comment)
        .execute(&mut *tx)
        .await?;
    for t in &chosen {
        sqlx::query(
            "insert into theme_assignment (comment_id, theme_id, by_machine, assigned_by, \
             confidence, assigned_at) values ($1, $2, 0, $3, 1000, $4)",
        )
        .bind(comment)
        .bind(t)
        .bind(actor)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    }
    sqlx::query(
        "insert into theme_review (comment_id, draft_id, reviewed_by, reviewed_at) \
         values ($1, $2, $3, $4) on conflict (comment_id) do update set \
         reviewed_by = excluded.reviewed_by, reviewed_at = excluded.reviewed_at",
    )
    .bind(comment)
    .bind(draft_id)
    .bind(actor)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Assigns the opinions the trained model has never seen (new ones), if the committee has
/// reviewed enough to train on.
pub async fn assign_new(db: &Db, slug: &str) -> Result<usize, AppError> {
    reassign(db, slug, false).await
}

/// Trains the model on the committee's reviewed opinions and assigns the unreviewed ones: all
/// of them (`all`), or those never assigned by a trained model. Nothing happens before
/// [`TRAIN_MIN`] opinions are reviewed. Returns the opinions assigned.
pub async fn reassign(db: &Db, slug: &str, all: bool) -> Result<usize, AppError> {
    let (draft_id, _) = draft_of(db, slug).await?;
    let reviews = reviews(db, draft_id).await?;
    let mut reviewed: Vec<(i64, i64)> = reviews
        .iter()
        .filter_map(|(c, r)| r.reviewed_at.map(|at| (at, *c)))
        .collect();
    if reviewed.len() < TRAIN_MIN {
        return Ok(0);
    }
    let ops = opinions(db, draft_id).await?;
    let targets: Vec<&Opinion> = ops
        .iter()
        .filter(|o| {
            let r = reviews.get(&o.id);
            r.is_none_or(|r| r.reviewed_at.is_none() && (all || r.machine_at.is_none()))
        })
        .collect();
    if targets.is_empty() {
        return Ok(0);
    }
    // The newest reviews teach the model the committee's current understanding of the themes.
    reviewed.sort_unstable_by(|a, b| b.cmp(a));
    reviewed.truncate(TRAIN_MAX);
    let by_id: HashMap<i64, &Opinion> = ops.iter().map(|o| (o.id, o)).collect();
    let train: Vec<&Opinion> = reviewed
        .iter()
        .filter_map(|(_, c)| by_id.get(c).copied())
        .collect();
    let ids: Vec<i64> = themes(db, draft_id).await?.iter().map(|t| t.id).collect();
    let assigned = assignments(db, draft_id).await?;
    let index: HashMap<i64, usize> = ids.iter().enumerate().map(|(i, t)| (*t, i)).collect();
    let labels: Vec<Vec<usize>> = train
        .iter()
        .map(|o| {
            assigned
                .get(&o.id)
                .map(|a| {
                    a.committee
                        .iter()
                        .filter_map(|t| index.get(t).copied())
                        .collect()
                })
                .unwrap_or_default()
        })
        .collect();
    let texts: Vec<String> = train
        .iter()
        .chain(targets.iter())
        .map(|o| o.text())
        .collect();
    let n_train = train.len();
    let n_themes = ids.len();
    // Tokenising and fitting are CPU work: off the async threads.
    let predicted: Vec<Vec<(usize, f32)>> = tokio::task::spawn_blocking(move || {
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        let x = model::features_of(&refs);
        let m = Model::train(&x[..n_train], &labels, n_themes);
        x[n_train..]
            .iter()
            .map(|f| {
                m.probabilities(f)
                    .into_iter()
                    .enumerate()
                    .filter(|(_, p)| *p >= model::THRESHOLD)
                    .collect()
            })
            .collect()
    })
    .await
    .map_err(|e| {
        tracing::error!(error = %e, "assigning themes failed");
        AppError::Internal
    })?;
    let now = now_ms();
    let ids = &ids;
    let mut tx = db.begin().await?;
    for (chunk, preds) in targets.chunks(CHUNK).zip(predicted.chunks(CHUNK)) {
        let list: Vec<String> = chunk.iter().map(|o| o.id.to_string()).collect();
        let list = list.join(",");
        // An opinion reviewed while the model was training keeps the machine's earlier answer
        // (the one the meter must compare with the review).
        let fresh = format!(
            "({list}) and comment_id not in (select comment_id from theme_review \
             where comment_id in ({list}) and reviewed_at is not null)"
        );
        sqlx::query(&format!(
            "delete from theme_assignment where by_machine = 1 and comment_id in {fresh}"
        ))
        .execute(&mut *tx)
        .await?;
        let reviewed_now: HashSet<i64> = sqlx::query_scalar::<_, i64>(&format!(
            "select comment_id from theme_review where comment_id in ({list}) \
             and reviewed_at is not null"
        ))
        .fetch_all(&mut *tx)
        .await?
        .into_iter()
        .collect();
        let rows: Vec<String> = chunk
            .iter()
            .zip(preds)
            .filter(|(o, _)| !reviewed_now.contains(&o.id))
            .flat_map(|(o, p)| {
                p.iter().map(move |(t, prob)| {
                    format!(
                        "({}, {}, 1, {}, {now})",
                        o.id,
                        ids[*t],
                        (prob * 1000.0).round() as i64
                    )
                })
            })
            .collect();
        if !rows.is_empty() {
            sqlx::query(&format!(
                "insert into theme_assignment (comment_id, theme_id, by_machine, confidence, \
                 assigned_at) values {}",
                rows.join(", ")
            ))
            .execute(&mut *tx)
            .await?;
        }
        let marks: Vec<String> = chunk
            .iter()
            .filter(|o| !reviewed_now.contains(&o.id))
            .map(|o| format!("({}, {draft_id}, {now})", o.id))
            .collect();
        if !marks.is_empty() {
            sqlx::query(&format!(
                "insert into theme_review (comment_id, draft_id, machine_at) values {} \
                 on conflict (comment_id) do update set machine_at = excluded.machine_at",
                marks.join(", ")
            ))
            .execute(&mut *tx)
            .await?;
        }
    }
    tx.commit().await?;
    Ok(targets.len())
}

/// "第四条第二款" → "第四条": the article an opinion's unit belongs to, for the breakdown.
fn article_label(unit_label: &str) -> String {
    match unit_label.find('条') {
        Some(i) => unit_label[..i + '条'.len_utf8()].to_string(),
        None => unit_label.to_string(),
    }
}

/// "art-12" sorts after "art-9".
fn article_key(uid: &str) -> (i64, String) {
    let n = uid
        .strip_prefix("art-")
        .and_then(|r| r.split('-').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(i64::MAX);
    (n, uid.to_string())
}

/// A breakdown of the themes' opinions along one dimension; `values` in the order given.
fn breakdown(
    dimension: &str,
    values: Vec<String>,
    themes: &[(i64, String)],
    carried: &[(Vec<i64>, String)],
) -> Breakdown {
    let col: HashMap<&str, usize> = values
        .iter()
        .enumerate()
        .map(|(i, v)| (v.as_str(), i))
        .collect();
    let row: HashMap<i64, usize> = themes.iter().enumerate().map(|(i, t)| (t.0, i)).collect();
    let mut counts = vec![vec![0i64; values.len()]; themes.len()];
    for (ts, value) in carried {
        let Some(&c) = col.get(value.as_str()) else {
            continue;
        };
        for t in ts {
            if let Some(&r) = row.get(t) {
                counts[r][c] += 1;
            }
        }
    }
    Breakdown {
        dimension: dimension.into(),
        rows: themes.iter().map(|t| t.1.clone()).zip(counts).collect(),
        values,
    }
}

/// A breakdown's name and how an opinion's value along it is found.
type Dimension<'a> = (&'static str, Box<dyn Fn(&Opinion) -> String + 'a>);

pub async fn view(db: &Db, slug: &str) -> Result<ThemesView, AppError> {
    let (draft_id, title) = draft_of(db, slug).await?;
    let ts = themes(db, draft_id).await?;
    let ops = opinions(db, draft_id).await?;
    let assigned = assignments(db, draft_id).await?;
    let reviews = reviews(db, draft_id).await?;
    let stations = stations(db).await?;
    let ids: Vec<i64> = ts.iter().map(|t| t.id).collect();
    let is_reviewed = |c: i64| reviews.get(&c).is_some_and(|r| r.reviewed_at.is_some());
    let mut per_theme: HashMap<i64, (i64, i64)> = HashMap::new();
    let mut without = 0;
    let mut carried: Vec<Vec<i64>> = Vec::with_capacity(ops.len());
    for o in &ops {
        let e = effective(assigned.get(&o.id), reviews.get(&o.id));
        if e.is_empty() {
            without += 1;
        }
        for t in &e {
            let n = per_theme.entry(*t).or_default();
            n.0 += 1;
            n.1 += i64::from(is_reviewed(o.id));
        }
        carried.push(e);
    }
    let pairs = meter_pairs(&ids, &assigned, &reviews);
    let meter = meter_of(model::quality(&pairs));
    let named: Vec<(i64, String)> = ts.iter().map(|t| (t.id, t.name.clone())).collect();
    // Articles in the draft's order, labelled by their first opinion's unit.
    let mut articles: BTreeMap<(i64, String), String> = BTreeMap::new();
    for o in &ops {
        articles
            .entry(article_key(article_of(&o.unit_uid)))
            .or_insert_with(|| article_label(&o.unit_label));
    }
    let article_col: HashMap<String, String> = articles
        .iter()
        .map(|((_, uid), label)| (uid.clone(), label.clone()))
        .collect();
    let station_of = |o: &Opinion| o.station_id.and_then(|s| stations.get(&s));
    let dims: [Dimension<'_>; 4] = [
        (
            "条文",
            Box::new(|o: &Opinion| {
                article_col
                    .get(article_of(&o.unit_uid))
                    .cloned()
                    .unwrap_or_default()
            }),
        ),
        (
            "渠道",
            Box::new(|o: &Opinion| {
                if o.channel == "station" {
                    "联系点".to_string()
                } else {
                    "网上".to_string()
                }
            }),
        ),
        (
            "联系点层级",
            Box::new(|o: &Opinion| {
                station_of(o)
                    .map(|s| crate::station::level_label(s.1).to_string())
                    .unwrap_or_else(|| "网上".into())
            }),
        ),
        (
            "县市",
            Box::new(|o: &Opinion| match station_of(o) {
                None => "网上".to_string(),
                Some(s) if s.2.is_empty() => s.0.clone(),
                Some(s) => s.2.clone(),
            }),
        ),
    ];
    let mut breakdowns = Vec::new();
    for (i, (dimension, f)) in dims.iter().enumerate() {
        let rows: Vec<(Vec<i64>, String)> = ops
            .iter()
            .zip(&carried)
            .map(|(o, c)| (c.clone(), f(o)))
            .collect();
        let values: Vec<String> = if i == 0 {
            articles.values().cloned().collect()
        } else {
            let mut seen: BTreeMap<String, i64> = BTreeMap::new();
            for (_, v) in &rows {
                *seen.entry(v.clone()).or_default() += 1;
            }
            let mut v: Vec<(String, i64)> = seen.into_iter().collect();
            v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            v.into_iter().map(|x| x.0).collect()
        };
        breakdowns.push(breakdown(dimension, values, &named, &rows));
    }
    Ok(ThemesView {
        slug: slug.into(),
        draft_title: title,
        themes: ts
            .iter()
            .map(|t| {
                let (opinions, reviewed) = per_theme.get(&t.id).copied().unwrap_or_default();
                ThemeRow {
                    id: t.id,
                    name: t.name.clone(),
                    description: t.description.clone(),
                    proposed: t.created_by.is_none() && t.accepted == 0,
                    created_by: t.creator.clone().unwrap_or_else(|| "系统".into()),
                    opinions,
                    reviewed,
                }
            })
            .collect(),
        opinions: ops.len() as i64,
        reviewed: ops.iter().filter(|o| is_reviewed(o.id)).count() as i64,
        machine_assigned: ops
            .iter()
            .filter(|o| reviews.get(&o.id).is_some_and(|r| r.machine_at.is_some()))
            .count() as i64,
        without_theme: without,
        meter,
        train_min: TRAIN_MIN as i64,
        breakdowns,
    })
}

pub async fn queue(db: &Db, slug: &str, reviewed: bool) -> Result<ReviewQueue, AppError> {
    let (draft_id, title) = draft_of(db, slug).await?;
    let ts = themes(db, draft_id).await?;
    let filter = if reviewed {
        "exists (select 1 from theme_review r where r.comment_id = c.id \
         and r.reviewed_at is not null) order by c.id desc"
    } else {
        "not exists (select 1 from theme_review r where r.comment_id = c.id \
         and r.reviewed_at is not null) order by c.id"
    };
    let ops: Vec<Opinion> = sqlx::query_as(&format!(
        "select {OPINION_COLUMNS} from comment c where c.draft_id = $1 \
         and c.status <> 'rejected' and {filter} limit {REVIEW_PAGE}"
    ))
    .bind(draft_id)
    .fetch_all(&db.pool)
    .await?;
    let remaining: i64 = sqlx::query_scalar(
        "select count(*) from comment c where c.draft_id = $1 and c.status <> 'rejected' and \
         not exists (select 1 from theme_review r where r.comment_id = c.id \
         and r.reviewed_at is not null)",
    )
    .bind(draft_id)
    .fetch_one(&db.pool)
    .await?;
    let assigned = assignments(db, draft_id).await?;
    let revs = reviews(db, draft_id).await?;
    let names: HashMap<i64, String> = sqlx::query_as::<_, (i64, String)>(
        "select id, display_name from account where role in ('committee', 'admin')",
    )
    .fetch_all(&db.pool)
    .await?
    .into_iter()
    .collect();
    Ok(ReviewQueue {
        slug: slug.into(),
        draft_title: title,
        themes: ts.iter().map(|t| (t.id, t.name.clone())).collect(),
        items: ops
            .iter()
            .map(|o| {
                let a = assigned.get(&o.id).cloned().unwrap_or_default();
                let r = revs.get(&o.id).copied().unwrap_or_default();
                ReviewItem {
                    id: o.id,
                    tracking: o.tracking.clone(),
                    unit_label: o.unit_label.clone(),
                    text: o.text(),
                    machine: a.machine,
                    committee: a.committee,
                    reviewed: match r.reviewed_at {
                        None => String::new(),
                        Some(at) => format!(
                            "{} 于 {} 审核",
                            r.reviewed_by
                                .and_then(|id| names.get(&id).cloned())
                                .unwrap_or_default(),
                            format_local(at)
                        ),
                    },
                }
            })
            .collect(),
        remaining,
    })
}

/// The breakdowns as one CSV table: dimension, value, then a column per theme.
pub fn csv(v: &ThemesView) -> String {
    let names: Vec<String> = v.themes.iter().map(|t| t.name.clone()).collect();
    let mut header: Vec<&str> = vec!["维度", "取值"];
    header.extend(names.iter().map(String::as_str));
    let mut rows = Vec::new();
    for b in &v.breakdowns {
        for (c, value) in b.values.iter().enumerate() {
            let mut row = vec![b.dimension.clone(), value.clone()];
            row.extend(b.rows.iter().map(|(_, n)| n[c].to_string()));
            rows.push(row);
        }
    }
    crate::sheet::write_csv(&header, rows)
}

/// The breakdowns as a workbook: a sheet per dimension, a row per value, a column per theme.
pub fn xlsx(v: &ThemesView) -> Result<Vec<u8>, AppError> {
    use crate::sheet::{Cell, Sheet};
    let sheets: Vec<Sheet> = v
        .breakdowns
        .iter()
        .map(|b| Sheet {
            name: b.dimension.clone(),
            columns: std::iter::once((b.dimension.clone(), 16.0))
                .chain(b.rows.iter().map(|(n, _)| (n.clone(), 14.0)))
                .collect(),
            rows: b
                .values
                .iter()
                .enumerate()
                .map(|(c, value)| {
                    std::iter::once(Cell::from(value.clone()))
                        .chain(b.rows.iter().map(|(_, n)| Cell::from(n[c])))
                        .collect()
                })
                .collect(),
        })
        .collect();
    crate::sheet::write_xlsx(&sheets)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn articles_are_cut_from_unit_labels_and_sorted_by_number() {
        assert_eq!(article_label("第四条第二款"), "第四条");
        assert_eq!(article_label("第十二条"), "第十二条");
        assert!(article_key("art-9") < article_key("art-12"));
        assert!(article_key("art-12-p-2") < article_key("art-13"));
    }

    #[test]
    fn the_meter_counts_only_answers_the_machine_gave_before_the_review() {
        let a = |machine: &[i64], committee: &[i64]| Assigned {
            machine: machine.iter().map(|t| (*t, 900)).collect(),
            committee: committee.to_vec(),
        };
        let r = |machine_at: Option<i64>, reviewed_at: Option<i64>| Review {
            machine_at,
            reviewed_by: Some(1),
            reviewed_at,
        };
        let assigned: HashMap<i64, Assigned> = [
            (1, a(&[10], &[10, 11])),
            (2, a(&[11], &[11])),
            (3, a(&[10], &[])),
        ]
        .into();
        let reviews: HashMap<i64, Review> = [
            (1, r(Some(5), Some(6))),
            // Reviewed before the machine ever assigned it: not a test of the machine.
            (2, r(Some(9), Some(6))),
            // Not reviewed.
            (3, r(Some(5), None)),
        ]
        .into();
        let pairs = meter_pairs(&[10, 11], &assigned, &reviews);
        assert_eq!(pairs, vec![(vec![0], vec![0, 1])]);
    }

    #[test]
    fn a_reviewed_opinion_carries_the_committees_themes() {
        let a = Assigned {
            machine: vec![(1, 800)],
            committee: vec![2],
        };
        let reviewed = Review {
            reviewed_at: Some(1),
            ..Default::default()
        };
        assert_eq!(effective(Some(&a), Some(&reviewed)), vec![2]);
        assert_eq!(effective(Some(&a), None), vec![1]);
        assert_eq!(effective(None, None), Vec::<i64>::new());
    }

    #[test]
    fn breakdowns_count_each_theme_per_value() {
        let themes = vec![(1, "供热".to_string()), (2, "价格".to_string())];
        let carried = vec![
            (vec![1, 2], "网上".to_string()),
            (vec![1], "联系点".to_string()),
            (vec![], "网上".to_string()),
        ];
        let b = breakdown(
            "渠道",
            vec!["网上".into(), "联系点".into()],
            &themes,
            &carried,
        );
        assert_eq!(
            b.rows,
            vec![("供热".into(), vec![1, 1]), ("价格".into(), vec![1, 0])]
        );
    }
}
