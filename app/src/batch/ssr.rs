//! Storing offline opinions, importing files of them, and forwarding them as batches.

use super::rows::{self, Checked};
use super::{BatchDetail, BatchSummary, ImportReport, IntakeView, Opinion, MAX_NOTE_CHARS};
use crate::auth::{Role, SessionUser};
use crate::comment::intake::DraftUnits;
use crate::comment::{screen, tracking, Moderation, Stance};
use crate::draft::time::{format_day, format_local};
use crate::error::{AppError, FieldError};
use crate::ssr::{now_ms, AppState, Db};

/// The fields of the entry form, as typed.
pub struct Fields {
    pub unit: String,
    pub stance: String,
    pub text: String,
    pub method: String,
    pub residents: String,
    pub collected_on: String,
}

fn today() -> String {
    format_day(now_ms())
}

/// What a station operator typed for the unit, resolved in the draft's newest version; only
/// units whose part is open now can be chosen.
fn finder(d: &DraftUnits) -> impl Fn(&str) -> Result<(String, String), String> + '_ {
    let units = d.ordered();
    move |q: &str| match super::pick::pick(&units, q) {
        super::pick::Pick::Found(i) => {
            let u = &units[i];
            d.accepting(&u.uid)?;
            Ok((u.uid.clone(), u.label.clone()))
        }
        super::pick::Pick::Ambiguous(labels) => Err(format!(
            "“{q}”与多处条文相符（{}），请填写条款号",
            labels.join("、")
        )),
        super::pick::Pick::NotFound => Err(format!("草案中找不到“{q}”对应的条款")),
    }
}

fn check(d: &DraftUnits, f: &Fields) -> Result<Checked, AppError> {
    rows::check(
        &f.unit,
        &f.stance,
        &f.text,
        &f.method,
        &f.residents,
        &f.collected_on,
        &today(),
        &finder(d),
    )
    .map_err(|errors| {
        AppError::Validation(
            errors
                .into_iter()
                .map(|(field, message)| FieldError {
                    field: field.into(),
                    message,
                })
                .collect(),
        )
    })
}

#[derive(sqlx::FromRow)]
struct OpinionRecord {
    id: i64,
    unit_uid: String,
    unit_label: String,
    stance: String,
    text: String,
    method: String,
    residents: i64,
    collected_on: String,
    tracking: Option<String>,
}

impl From<OpinionRecord> for Opinion {
    fn from(r: OpinionRecord) -> Opinion {
        Opinion {
            id: r.id,
            unit_uid: r.unit_uid,
            unit_label: r.unit_label,
            stance: Stance::parse(&r.stance).unwrap_or(Stance::Amend),
            text: r.text,
            method: r.method,
            residents: r.residents,
            collected_on: r.collected_on,
            tracking: r.tracking,
        }
    }
}

const OPINION_COLUMNS: &str = "o.id, o.unit_uid, o.unit_label, o.stance, o.text, o.method, \
     o.residents, o.collected_on, c.tracking";

async fn station_name(db: &Db, station: i64) -> Result<String, AppError> {
    sqlx::query_scalar("select name from station where id = $1")
        .bind(station)
        .fetch_optional(&db.pool)
        .await?
        .ok_or(AppError::Forbidden)
}

pub async fn intake_view(
    state: &AppState,
    station: i64,
    slug: Option<&str>,
) -> Result<IntakeView, AppError> {
    let db = &state.db;
    let station_name = station_name(db, station).await?;
    let now = now_ms();
    let drafts: Vec<(String, String)> = sqlx::query_as(
        "select d.slug, d.title from draft d where exists (select 1 from publication p \
         where p.draft_id = d.id and p.opens_at <= $1 and p.closes_at > $1 \
         and p.withdrawn_at is null) \
         or exists (select 1 from station_opinion o where o.draft_id = d.id \
         and o.station_id = $2 and o.batch_id is null) order by d.id desc",
    )
    .bind(now)
    .bind(station)
    .fetch_all(&db.pool)
    .await?;
    let mut view = IntakeView {
        station_name,
        drafts,
        slug: None,
        draft_title: String::new(),
        units: Vec::new(),
        pending: Vec::new(),
        today: today(),
    };
    let Some(slug) = slug else {
        return Ok(view);
    };
    let d = state.intake.units(slug).await?;
    view.slug = Some(slug.to_string());
    view.draft_title = d.title.clone();
    view.units = d
        .ordered()
        .into_iter()
        .filter(|u| d.accepting(&u.uid).is_ok())
        .map(|u| u.label)
        .collect();
    view.pending = sqlx::query_as::<_, OpinionRecord>(&format!(
        "select {OPINION_COLUMNS} from station_opinion o left join comment c on c.id = o.comment_id \
         where o.station_id = $1 and o.draft_id = $2 and o.batch_id is null order by o.id"
    ))
    .bind(station)
    .bind(d.draft_id)
    .fetch_all(&db.pool)
    .await?
    .into_iter()
    .map(Opinion::from)
    .collect();
    Ok(view)
}

pub async fn record(
    state: &AppState,
    station: i64,
    by: i64,
    slug: &str,
    f: &Fields,
) -> Result<i64, AppError> {
    let d = state.intake.units(slug).await?;
    let c = check(&d, f)?;
    let mut conn = state.db.pool.acquire().await?;
    insert(&mut conn, station, d.draft_id, &c, None, by)
        .await?
        .ok_or(AppError::Internal)
}

/// A resident's request about an open draft, recorded as the station's opinion on `unit` of
/// that draft (the request's title and text, one resident, collected the day it was recorded);
/// the request keeps a link to it. Refused for another station's request, or one already
/// turned into an opinion.
#[allow(clippy::too_many_arguments)]
pub async fn record_from_request(
    state: &AppState,
    station: i64,
    by: i64,
    request: i64,
    slug: &str,
    unit: &str,
    stance: &str,
    method: &str,
) -> Result<i64, AppError> {
    let row: Option<(String, String, i64, Option<i64>)> = sqlx::query_as(
        "select title, body, created_at, opinion_id from resident_request \
         where id = $1 and station_id = $2",
    )
    .bind(request)
    .bind(station)
    .fetch_optional(&state.db.pool)
    .await?;
    let Some((title, body, at, opinion)) = row else {
        return Err(AppError::NotFound);
    };
    if opinion.is_some() {
        return Err(AppError::Conflict("这条诉求已经转为草案意见".into()));
    }
    if slug.trim().is_empty() {
        return Err(AppError::validation("slug", "请选择草案"));
    }
    let d = state.intake.units(slug).await?;
    let c = check(
        &d,
        &Fields {
            unit: unit.into(),
            stance: stance.into(),
            text: format!("{title}：{body}"),
            method: method.into(),
            residents: "1".into(),
            collected_on: format_day(at),
        },
    )?;
    let mut tx = state.db.begin().await?;
    let id = insert(&mut tx, station, d.draft_id, &c, None, by)
        .await?
        .ok_or(AppError::Internal)?;
    let linked = sqlx::query(
        "update resident_request set opinion_id = $1, updated_at = $2 \
         where id = $3 and opinion_id is null",
    )
    .bind(id)
    .bind(now_ms())
    .bind(request)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if linked != 1 {
        // Turned into an opinion by someone else meanwhile: keep theirs.
        return Err(AppError::Conflict("这条诉求已经转为草案意见".into()));
    }
    tx.commit().await?;
    Ok(id)
}

/// Stores one recorded opinion; with an import key, nothing (`None`) when that file row was
/// imported before.
async fn insert(
    conn: &mut sqlx::AnyConnection,
    station: i64,
    draft_id: i64,
    c: &Checked,
    import_key: Option<&str>,
    by: i64,
) -> Result<Option<i64>, AppError> {
    Ok(sqlx::query_scalar(
        "insert into station_opinion (station_id, draft_id, unit_uid, unit_label, stance, text, \
         method, residents, collected_on, import_key, created_by, created_at, updated_at) \
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) \
         on conflict do nothing returning id",
    )
    .bind(station)
    .bind(draft_id)
    .bind(&c.uid)
    .bind(&c.label)
    .bind(c.stance.as_str())
    .bind(&c.text)
    .bind(c.method)
    .bind(c.residents)
    .bind(&c.collected_on)
    .bind(import_key)
    .bind(by)
    .bind(now_ms())
    .fetch_optional(&mut *conn)
    .await?)
}

/// One of the station's own opinions with its draft's slug. Another station's is not found.
pub async fn get(db: &Db, station: i64, id: i64) -> Result<(String, Opinion), AppError> {
    #[derive(sqlx::FromRow)]
    struct WithSlug {
        slug: String,
        #[sqlx(flatten)]
        o: OpinionRecord,
    }
    let r: WithSlug = sqlx::query_as(&format!(
        "select d.slug, {OPINION_COLUMNS} from station_opinion o join draft d on d.id = o.draft_id \
         left join comment c on c.id = o.comment_id where o.id = $1 and o.station_id = $2"
    ))
    .bind(id)
    .bind(station)
    .fetch_optional(&db.pool)
    .await?
    .ok_or(AppError::NotFound)?;
    Ok((r.slug, r.o.into()))
}

fn forwarded() -> AppError {
    AppError::Conflict("这条意见已经报送，不能再修改或删除".into())
}

/// Changes an opinion not yet forwarded; returns its draft's slug.
pub async fn update(
    state: &AppState,
    station: i64,
    id: i64,
    f: &Fields,
) -> Result<String, AppError> {
    let (slug, o) = get(&state.db, station, id).await?;
    if o.tracking.is_some() {
        return Err(forwarded());
    }
    let d = state.intake.units(&slug).await?;
    let c = check(&d, f)?;
    let changed = sqlx::query(
        "update station_opinion set unit_uid = $1, unit_label = $2, stance = $3, text = $4, \
         method = $5, residents = $6, collected_on = $7, updated_at = $8 \
         where id = $9 and station_id = $10 and batch_id is null",
    )
    .bind(&c.uid)
    .bind(&c.label)
    .bind(c.stance.as_str())
    .bind(&c.text)
    .bind(c.method)
    .bind(c.residents)
    .bind(&c.collected_on)
    .bind(now_ms())
    .bind(id)
    .bind(station)
    .execute(&state.db.pool)
    .await?
    .rows_affected();
    // Forwarded between the read and the write.
    if changed == 0 {
        return Err(forwarded());
    }
    Ok(slug)
}

pub async fn delete(db: &Db, station: i64, id: i64) -> Result<(), AppError> {
    let (_, o) = get(db, station, id).await?;
    if o.tracking.is_some() {
        return Err(forwarded());
    }
    let gone = sqlx::query(
        "delete from station_opinion where id = $1 and station_id = $2 and batch_id is null",
    )
    .bind(id)
    .bind(station)
    .execute(&db.pool)
    .await?
    .rows_affected();
    if gone == 0 {
        return Err(forwarded());
    }
    Ok(())
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImportMode {
    /// Validate and report; store nothing.
    Check,
    /// Store only if every row is valid.
    All,
    /// Store the valid rows, report the others.
    ValidRows,
}

/// The query string a plain form post returns to the entry page with.
/// The outcome of an import in the page's query (the page checks the kept file again for the
/// problems themselves).
pub fn report_query(r: &ImportReport) -> String {
    format!(
        "import={}&outcome={}&imported={}&already={}",
        crate::components::urlencode(&r.file_id),
        if r.checked_only {
            "checked"
        } else if r.refused {
            "refused"
        } else {
            "imported"
        },
        r.imported,
        r.already,
    )
}

fn file_problems(errors: &[crate::station::RowError]) -> AppError {
    let mut lines: Vec<String> = errors.iter().take(20).map(|e| e.to_string()).collect();
    if errors.len() > 20 {
        lines.push(format!("……另有 {} 处问题", errors.len() - 20));
    }
    AppError::validation("file", format!("未导入任何意见。{}", lines.join("；")))
}

/// Imports an opinion file for one draft in one transaction: a file with errors imports
/// nothing (unless `ValidRows`), and rows imported before are skipped.
pub async fn import(
    state: &AppState,
    station: i64,
    by: i64,
    slug: &str,
    bytes: &[u8],
    mode: ImportMode,
) -> Result<ImportReport, AppError> {
    if slug.is_empty() {
        return Err(AppError::validation("slug", "请先选择草案"));
    }
    if bytes.is_empty() {
        return Err(AppError::validation("file", "请选择要导入的文件"));
    }
    let d = state.intake.units(slug).await?;
    // Reading a workbook is CPU work: off the async threads, within the import's limits.
    let owned = bytes.to_vec();
    let records = tokio::task::spawn_blocking(move || {
        crate::sheet::read_table(
            &owned,
            "意见",
            crate::sheet::Limits::rows(super::MAX_IMPORT_ROWS),
            rows::is_header,
        )
    })
    .await?
    .map_err(|e| file_problems(&[e]))?;
    let (valid, errors) =
        rows::parse(records, &today(), &finder(&d)).map_err(|e| file_problems(&[e]))?;
    let mut report = ImportReport {
        checked_only: mode == ImportMode::Check,
        valid: valid.len(),
        errors,
        ..Default::default()
    };
    // All or nothing: a file with problems stores nothing; what it would store is still
    // counted (below, rolled back) so the page can offer to import the valid rows.
    report.refused = mode == ImportMode::All && !report.errors.is_empty();
    if valid.is_empty() && report.errors.is_empty() {
        return Err(AppError::validation("file", "文件中没有意见（只有列名）"));
    }
    let mut tx = state.db.begin().await?;
    for r in &valid {
        let stored = insert(
            &mut tx,
            station,
            d.draft_id,
            &r.opinion,
            Some(&r.import_key),
            by,
        )
        .await?;
        if stored.is_some() {
            report.imported += 1;
        } else {
            report.already += 1;
        }
    }
    if mode == ImportMode::Check || report.refused {
        tx.rollback().await?;
        if report.refused {
            report.imported = 0;
        }
    } else {
        tx.commit().await?;
    }
    Ok(report)
}

/// Forwards every recorded opinion of the station on the draft as one batch: the batch gets a
/// receipt number, each opinion becomes a comment with a tracking number, and the station gets
/// a receipt by e-mail — all in one transaction. Returns the receipt number.
pub async fn forward(
    state: &AppState,
    station: i64,
    by: i64,
    slug: &str,
    note: &str,
) -> Result<String, AppError> {
    let note = crate::comment::ssr::normalize(note);
    if note.chars().count() > MAX_NOTE_CHARS {
        return Err(AppError::validation(
            "note",
            format!("报送说明不能超过 {MAX_NOTE_CHARS} 字"),
        ));
    }
    let d = state.intake.units(slug).await?;
    let pending: Vec<(i64, String, String)> = sqlx::query_as(
        "select id, unit_uid, unit_label from station_opinion \
         where station_id = $1 and draft_id = $2 and batch_id is null order by id",
    )
    .bind(station)
    .bind(d.draft_id)
    .fetch_all(&state.db.pool)
    .await?;
    if pending.is_empty() {
        return Err(AppError::Conflict("没有待报送的意见".into()));
    }
    // Every opinion must still be on an open unit of the newest version; say which are not.
    let problems: Vec<String> = pending
        .iter()
        .filter_map(|(_, uid, label)| {
            d.accepting(uid)
                .err()
                .map(|why| format!("“{label}”的意见：{why}"))
        })
        .collect();
    if !problems.is_empty() {
        return Err(AppError::Conflict(format!(
            "未报送。请修改或删除以下意见后再报送：{}",
            problems.join("；")
        )));
    }
    let (station_name, email): (String, String) =
        sqlx::query_as("select name, email from station where id = $1")
            .bind(station)
            .fetch_one(&state.db.pool)
            .await?;
    let moderation = state.intake.config().moderation;
    let last_id = pending.last().map(|p| p.0).unwrap_or(0);
    let now = now_ms();

    let mut tx = state.db.begin().await?;
    let mut receipt = String::new();
    let mut batch_id = 0;
    for _ in 0..5 {
        receipt = format!(
            "BS{}",
            &tracking::make(rand::random::<u64>() & ((1 << 35) - 1))[2..]
        );
        let id: Option<i64> = sqlx::query_scalar(
            "insert into station_batch (station_id, draft_id, receipt, note, opinions, residents, \
             forwarded_by, forwarded_at) values ($1, $2, $3, $4, 0, 0, $5, $6) \
             on conflict do nothing returning id",
        )
        .bind(station)
        .bind(d.draft_id)
        .bind(&receipt)
        .bind(&note)
        .bind(by)
        .bind(now)
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(id) = id {
            batch_id = id;
            break;
        }
    }
    if batch_id == 0 {
        return Err(AppError::Internal);
    }
    // Claims the opinions: a second forward racing this one finds none left.
    let claimed = sqlx::query(
        "update station_opinion set batch_id = $1, updated_at = $2 \
         where station_id = $3 and draft_id = $4 and batch_id is null and id <= $5",
    )
    .bind(batch_id)
    .bind(now)
    .bind(station)
    .bind(d.draft_id)
    .bind(last_id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if claimed == 0 {
        return Err(AppError::Conflict("这些意见刚刚已经报送".into()));
    }
    let claimed_rows: Vec<(i64, String, String, String, i64, String)> = sqlx::query_as(
        "select id, unit_uid, stance, text, residents, method from station_opinion \
         where batch_id = $1 order by id",
    )
    .bind(batch_id)
    .fetch_all(&mut *tx)
    .await?;
    let mut residents_total = 0;
    for (opinion_id, uid, stance, text, residents, method) in &claimed_rows {
        residents_total += residents;
        let label = d.label(uid).unwrap_or_default().to_string();
        let flags = screen::screen(&[text.as_str()]);
        let status = if flags.iter().any(|f| f.holds_for_review()) {
            "reviewing"
        } else {
            match moderation {
                Moderation::Pre => "received",
                Moderation::Post => "published",
            }
        };
        let mut comment_id = None;
        for _ in 0..5 {
            let t = tracking::make(rand::random::<u64>() & ((1 << 35) - 1));
            comment_id = sqlx::query_scalar(
                "insert into comment (draft_id, version_number, unit_uid, unit_label, stance, \
                 reason, region, tracking, status, channel, station_id, batch_id, residents, \
                 method, flags, created_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'station', \
                 $10, $11, $12, $13, $14, $15) on conflict do nothing returning id",
            )
            .bind(d.draft_id)
            .bind(d.version)
            .bind(uid)
            .bind(&label)
            .bind(stance)
            .bind(text)
            .bind(&station_name)
            .bind(&t)
            .bind(status)
            .bind(station)
            .bind(batch_id)
            .bind(residents)
            .bind(method)
            .bind(screen::flags_to_string(&flags))
            .bind(now)
            .fetch_optional(&mut *tx)
            .await?;
            if comment_id.is_some() {
                break;
            }
        }
        let comment_id: i64 = comment_id.ok_or(AppError::Internal)?;
        sqlx::query("update station_opinion set comment_id = $1 where id = $2")
            .bind(comment_id)
            .bind(opinion_id)
            .execute(&mut *tx)
            .await?;
    }
    sqlx::query("update station_batch set opinions = $1, residents = $2 where id = $3")
        .bind(claimed_rows.len() as i64)
        .bind(residents_total)
        .bind(batch_id)
        .execute(&mut *tx)
        .await?;
    if !email.is_empty() {
        let (subject, text) = crate::outbox::templates::batch_receipt(
            &station_name,
            &receipt,
            &d.title,
            claimed_rows.len() as i64,
            residents_total,
            &format_local(now),
            state.intake.public_base(),
        );
        crate::outbox::ssr::enqueue(&mut tx, "batch_receipt", &email, &subject, &text).await?;
    }
    tx.commit().await?;
    state.search.poke();
    tracing::info!(%receipt, station, opinions = claimed_rows.len(), "batch forwarded");
    Ok(receipt)
}

/// Whose batches a viewer sees.
#[derive(Clone, Copy, Debug)]
pub enum Scope {
    All,
    /// A station and everything under it.
    Under(i64),
}

impl Scope {
    pub fn of(user: &SessionUser) -> Result<Scope, AppError> {
        match user.role {
            Role::Committee | Role::Admin => Ok(Scope::All),
            Role::Station => user.station_id.map(Scope::Under).ok_or(AppError::Forbidden),
            Role::Citizen | Role::Office | Role::Deputy | Role::Unit => Err(AppError::Forbidden),
        }
    }

    /// A `with` clause defining `area(id)` for `Under`, and the condition on `b.station_id`.
    fn sql(self) -> (&'static str, &'static str) {
        match self {
            Scope::All => ("", "cast($1 as bigint) = 0"),
            Scope::Under(_) => (
                "with recursive area(id) as (select cast($1 as bigint) union all \
                 select s.id from station s join area a on s.parent_id = a.id) ",
                "b.station_id in (select id from area)",
            ),
        }
    }

    fn bind(self) -> i64 {
        match self {
            Scope::All => 0,
            Scope::Under(s) => s,
        }
    }
}

#[derive(sqlx::FromRow)]
struct BatchRecord {
    receipt: String,
    station: String,
    station_level: i64,
    draft_title: String,
    slug: String,
    note: String,
    opinions: i64,
    residents: i64,
    forwarded_at: i64,
    forwarded_by: String,
}

impl From<BatchRecord> for BatchSummary {
    fn from(r: BatchRecord) -> BatchSummary {
        BatchSummary {
            receipt: r.receipt,
            station: r.station,
            station_level: r.station_level,
            draft_title: r.draft_title,
            slug: r.slug,
            note: r.note,
            opinions: r.opinions,
            residents: r.residents,
            forwarded_at: format_local(r.forwarded_at),
            forwarded_by: r.forwarded_by,
        }
    }
}

const BATCH_SELECT: &str = "select b.receipt, s.name as station, s.level as station_level, \
     d.title as draft_title, d.slug, b.note, b.opinions, b.residents, b.forwarded_at, \
     a.display_name as forwarded_by from station_batch b join station s on s.id = b.station_id \
     join draft d on d.id = b.draft_id join account a on a.id = b.forwarded_by";

/// Batches in scope, newest first (at most 500).
pub async fn list(db: &Db, scope: Scope) -> Result<Vec<BatchSummary>, AppError> {
    let (with, cond) = scope.sql();
    let rows: Vec<BatchRecord> = sqlx::query_as(&format!(
        "{with}{BATCH_SELECT} where {cond} order by b.forwarded_at desc, b.id desc limit 500"
    ))
    .bind(scope.bind())
    .fetch_all(&db.pool)
    .await?;
    Ok(rows.into_iter().map(Into::into).collect())
}

/// One batch in scope; outside it, not found.
pub async fn batch(db: &Db, scope: Scope, receipt: &str) -> Result<BatchDetail, AppError> {
    let receipt = receipt.trim().to_uppercase();
    let (with, cond) = scope.sql();
    let row: BatchRecord = sqlx::query_as(&format!(
        "{with}{BATCH_SELECT} where {cond} and b.receipt = $2"
    ))
    .bind(scope.bind())
    .bind(&receipt)
    .fetch_optional(&db.pool)
    .await?
    .ok_or(AppError::NotFound)?;
    let opinions: Vec<OpinionRecord> = sqlx::query_as(&format!(
        "select {OPINION_COLUMNS} from station_opinion o join station_batch b on b.id = o.batch_id \
         left join comment c on c.id = o.comment_id where b.receipt = $1 order by o.id"
    ))
    .bind(&receipt)
    .fetch_all(&db.pool)
    .await?;
    Ok(BatchDetail {
        summary: row.into(),
        opinions: opinions.into_iter().map(Into::into).collect(),
    })
}

/// The import template as CSV: the column names only.
pub fn template_csv() -> String {
    crate::sheet::write_csv(&rows::COLUMNS, std::iter::empty())
}

/// The import template as XLSX: an empty 意见 sheet with the columns, and a sheet explaining
/// each column with examples.
pub fn template_xlsx() -> Result<Vec<u8>, AppError> {
    use crate::sheet::{Cell, Sheet};
    let widths = [14.0, 12.0, 60.0, 12.0, 10.0, 14.0];
    let opinions = Sheet {
        name: "意见".into(),
        columns: rows::COLUMNS
            .iter()
            .zip(widths)
            .map(|(c, w)| (c.to_string(), w))
            .collect(),
        rows: Vec::new(),
    };
    let help = |c: &str, what: &str, example: &str| {
        vec![Cell::from(c), Cell::from(what), Cell::from(example)]
    };
    let guide = Sheet {
        name: "填写说明".into(),
        columns: vec![
            ("列".into(), 12.0),
            ("填写要求".into(), 70.0),
            ("示例".into(), 30.0),
        ],
        rows: vec![
            help("条款", "意见针对的条款：条号（12）、条号.款号（12.2）、“第十二条第二款”，或条文中能唯一确定该条款的几个字。须为正在征求意见的部分。", "12.2"),
            help("意见类型", "赞成、反对 或 修改建议", "修改建议"),
            help("意见内容", "群众意见的内容，不超过 5000 字", "建议将室温标准提高到二十摄氏度。"),
            help("收集方式", "座谈会、走访、意见箱、来信 或 电话", "座谈会"),
            help("代表人数", "这条意见代表的群众人数，1 至 100000 的整数；不填按 1 人", "15"),
            help("收集日期", "收集意见的日期，如 2026-12-05；不能晚于今天", "2026-12-05"),
            help("", "每行一条意见。在“意见”工作表中从第二行开始填写，不要修改第一行的列名。同一文件重复导入不会产生重复意见。", ""),
        ],
    };
    crate::sheet::write_xlsx(&[opinions, guide])
}
