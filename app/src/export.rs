//! Exports of a draft's comments for the committee: CSV (UTF-8 with BOM, for Excel and WPS),
//! XLSX (a summary sheet and one sheet per article, or one flat sheet) and JSON open data
//! (published comments only, personal data removed). The search page's filters apply. Rows
//! stream from the database to the client (CSV, JSON) or to a temporary workbook on disk
//! (XLSX), so memory stays bounded whatever the size.

use crate::comment::screen::mask;
use crate::draft::time::{format_local, normalize_day, parse_local};
use crate::error::AppError;
use crate::search::index::article_of;
use crate::search::SearchParams;
use crate::ssr::{AppState, Db};
use crate::workbench::{disposition_label, DISPOSITIONS};
use futures::TryStreamExt;
use std::collections::HashMap;

/// Which comments: a draft and the search page's filters.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    pub draft_id: i64,
    pub slug: String,
    pub draft_title: String,
    pub search: SearchParams,
    /// Comment ids from the search index, when the text or a station facet is used.
    pub ids: Option<Vec<i64>>,
    /// JSON open data: published comments only.
    pub public: bool,
}

fn bad(field: &str, message: impl Into<String>) -> AppError {
    AppError::validation(field, message)
}

/// Reads and checks the query string of an export; an impossible filter is refused with what is
/// wrong with it.
pub async fn filter(
    state: &AppState,
    q: &HashMap<String, String>,
    public: bool,
) -> Result<Filter, AppError> {
    let all = SearchParams::from_query(|k| q.get(k).cloned());
    let slug = all
        .draft
        .clone()
        .ok_or_else(|| bad("draft", "请指定草案（draft=…）"))?;
    let (draft_id, draft_title) = crate::workbench::ssr::draft_of(&state.db, &slug).await?;
    // An export is every match in one file: no kind, order or page; the day facet is read below
    // as a one-day range.
    let p = SearchParams {
        kind: None,
        sort: None,
        page: None,
        day: None,
        ..all.clone()
    };
    if let Some(s) = &p.stance {
        if !["support", "oppose", "amend"].contains(&s.as_str()) {
            return Err(bad(
                "stance",
                format!("态度“{s}”无效：应为 support、oppose 或 amend"),
            ));
        }
    }
    if let Some(c) = &p.channel {
        if !["online", "station"].contains(&c.as_str()) {
            return Err(bad(
                "channel",
                format!("渠道“{c}”无效：应为 online 或 station"),
            ));
        }
    }
    if let Some(s) = &p.status {
        if !["received", "reviewing", "published", "rejected"].contains(&s.as_str()) {
            return Err(bad("status", format!("状态“{s}”无效")));
        }
    }
    if let Some(d) = &p.disposition {
        if d != "none" && !DISPOSITIONS.iter().any(|(v, _)| v == d) {
            return Err(bad("disposition", format!("处理意见“{d}”无效")));
        }
    }
    if let Some(a) = &p.article {
        let digits = a.strip_prefix("art-").unwrap_or("");
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad(
                "article",
                format!("条文“{a}”无效：应为 art-12 这样的条文标识"),
            ));
        }
    }
    if let Some(l) = &p.level {
        if !["1", "2", "3", "4"].contains(&l.as_str()) {
            return Err(bad("level", format!("层级“{l}”无效：应为 1 至 4")));
        }
    }
    let day = |k: &str, v: &Option<String>| -> Result<Option<String>, AppError> {
        match v {
            None => Ok(None),
            Some(d) => normalize_day(d)
                .map(Some)
                .ok_or_else(|| bad(k, format!("日期“{d}”无效：应为 2026-11-27 这样的日期"))),
        }
    };
    // A day chosen on the search page's facet is a one-day range.
    let one_day = day("day", &all.day)?;
    let (from, to) = (
        day("from", &p.from)?.or(one_day.clone()),
        day("to", &p.to)?.or(one_day),
    );
    if let (Some(f), Some(t)) = (&from, &to) {
        if f > t {
            return Err(bad(
                "to",
                format!("开始日期 {f} 晚于结束日期 {t}，没有意见能同时满足"),
            ));
        }
    }
    if p.q
        .as_deref()
        .is_some_and(|q| q.chars().count() > crate::search::index::MAX_QUERY_CHARS)
    {
        return Err(bad("q", "检索词太长"));
    }
    let needs_index = p.q.is_some() || p.level.is_some() || p.county.is_some();
    let ids = if needs_index {
        match state.search.searchable().matching_comment_ids(&p)? {
            Some(ids) => Some(ids),
            None => return Err(bad("q", "检索词中没有可检索的词语")),
        }
    } else {
        None
    };
    Ok(Filter {
        draft_id,
        slug,
        draft_title,
        search: SearchParams { from, to, ..p },
        ids,
        public,
    })
}

/// One exported comment.
#[derive(sqlx::FromRow)]
pub struct Line {
    pub id: i64,
    pub tracking: String,
    pub unit_uid: String,
    pub unit_label: String,
    pub version_number: i64,
    pub stance: String,
    pub reason: String,
    pub suggested: String,
    pub channel: String,
    pub station: Option<String>,
    pub residents: i64,
    pub name: String,
    pub region: String,
    pub category: String,
    pub status: String,
    pub disposition: String,
    pub disposition_reason: String,
    pub created_at: i64,
}

/// The SQL and its parameters for the filter (ids from the index are checked in Rust). With
/// `id_range`, two more parameters bound after these limit it to `lo < id <= hi`.
fn sql(f: &Filter, order_by_article: bool) -> (String, Vec<String>) {
    sql_in(f, LINE_COLUMNS, order_by_article, false)
}

const LINE_COLUMNS: &str =
    "c.id, c.tracking, c.unit_uid, c.unit_label, c.version_number, c.stance, \
     c.reason, c.suggested, c.channel, s.name as station, c.residents, c.name, c.region, \
     c.category, c.status, c.disposition, c.disposition_reason, c.created_at";

fn sql_in(
    f: &Filter,
    columns: &str,
    order_by_article: bool,
    id_range: bool,
) -> (String, Vec<String>) {
    let mut cond = vec!["c.draft_id = $1".to_string()];
    let mut params: Vec<String> = Vec::new();
    let mut bind = |cond: &mut Vec<String>, expr: &str, v: String| {
        params.push(v);
        cond.push(expr.replace('?', &format!("${}", params.len() + 1)));
    };
    let p = &f.search;
    if f.public {
        cond.push("c.status = 'published'".into());
    }
    if let Some(s) = &p.stance {
        bind(&mut cond, "c.stance = ?", s.clone());
    }
    if let Some(c) = &p.channel {
        bind(&mut cond, "c.channel = ?", c.clone());
    }
    if let Some(s) = &p.status {
        bind(&mut cond, "c.status = ?", s.clone());
    }
    match p.disposition.as_deref() {
        Some("none") => cond.push("c.disposition = ''".into()),
        Some(d) => bind(&mut cond, "c.disposition = ?", d.to_string()),
        None => {}
    }
    if let Some(a) = &p.article {
        params.push(a.clone());
        let n = params.len() + 1;
        params.push(format!("{a}-%"));
        cond.push(format!("(c.unit_uid = ${n} or c.unit_uid like ${})", n + 1));
    }
    let ms = |d: &Option<String>, end: bool| {
        d.as_deref()
            .and_then(parse_local)
            .map(|t| if end { t + 86_400_000 } else { t })
    };
    if let Some(t) = ms(&p.from, false) {
        cond.push(format!("c.created_at >= {t}"));
    }
    if let Some(t) = ms(&p.to, true) {
        cond.push(format!("c.created_at < {t}"));
    }
    if id_range {
        let n = params.len() + 2;
        cond.push(format!("c.id > ${n} and c.id <= ${}", n + 1));
    }
    let order = if order_by_article {
        "c.unit_uid, c.id"
    } else {
        "c.id"
    };
    (
        format!(
            "select {columns} from comment c left join station s on s.id = c.station_id \
             where {} order by {order}",
            cond.join(" and ")
        ),
        params,
    )
}

/// Streams the filtered comments to `each`, in id order (or grouped by article).
pub async fn for_each(
    db: &Db,
    f: &Filter,
    order_by_article: bool,
    mut each: impl FnMut(Line) -> Result<(), AppError>,
) -> Result<usize, AppError> {
    let (sql, params) = sql(f, order_by_article);
    let mut q = sqlx::query_as::<_, Line>(&sql).bind(f.draft_id);
    for p in &params {
        q = q.bind(p);
    }
    let mut conn = db.pool.acquire().await?;
    let mut rows = q.fetch(&mut *conn);
    let mut n = 0;
    while let Some(line) = rows.try_next().await? {
        if let Some(ids) = &f.ids {
            if ids.binary_search(&line.id).is_err() {
                continue;
            }
        }
        each(line)?;
        n += 1;
    }
    Ok(n)
}

fn stance_label(s: &str) -> &'static str {
    crate::comment::Stance::parse(s)
        .map(|s| s.label())
        .unwrap_or("")
}

/// Each opinion's group, as of the last clustering: the committee's name, else the point in the
/// opinions' own words (其他意见 for those in no group). Loaded once per export (a map from
/// comment to cluster), so the rows themselves stay a plain scan.
#[derive(Default)]
pub struct Groups {
    of: HashMap<i64, i64>,
    names: HashMap<i64, String>,
}

impl Groups {
    pub async fn load(db: &Db, draft_id: i64) -> Result<Groups, AppError> {
        let clusters: Vec<(i64, String, String, String)> = sqlx::query_as(
            "select id, label, summary, keywords from opinion_cluster where draft_id = $1",
        )
        .bind(draft_id)
        .fetch_all(&db.pool)
        .await?;
        let names = clusters
            .into_iter()
            .map(|(id, label, summary, keywords)| {
                let keywords: Vec<String> = keywords.split_whitespace().map(String::from).collect();
                (
                    id,
                    crate::workbench::cluster_name(&label, &summary, &keywords),
                )
            })
            .collect();
        let mut of = HashMap::new();
        let mut rows = sqlx::query_as::<_, (i64, i64)>(
            "select m.comment_id, m.cluster_id from cluster_member m \
             join opinion_cluster k on k.id = m.cluster_id where k.draft_id = $1",
        )
        .bind(draft_id)
        .fetch(&db.pool);
        while let Some((c, k)) = rows.try_next().await? {
            of.insert(c, k);
        }
        Ok(Groups { of, names })
    }

    /// The group's name of a comment (empty: not grouped yet).
    pub fn name(&self, comment: i64) -> &str {
        self.of
            .get(&comment)
            .and_then(|k| self.names.get(k))
            .map_or("", String::as_str)
    }
}

pub const COLUMNS: [&str; 17] = [
    "查询编号",
    "条款",
    "稿次",
    "态度",
    "意见",
    "建议条文",
    "渠道",
    "联系点",
    "代表人数",
    "姓名",
    "地区",
    "类别",
    "状态",
    "处理意见",
    "理由",
    "提交时间",
    "分组",
];

fn fields(l: &Line, group: &str) -> [String; 17] {
    [
        l.tracking.clone(),
        l.unit_label.clone(),
        l.version_number.to_string(),
        stance_label(&l.stance).into(),
        l.reason.clone(),
        l.suggested.clone(),
        if l.channel == "station" {
            "联系点"
        } else {
            "网上"
        }
        .into(),
        l.station.clone().unwrap_or_default(),
        l.residents.to_string(),
        l.name.clone(),
        l.region.clone(),
        l.category.clone(),
        crate::comment::ssr::status_label(&l.status).into(),
        if l.disposition.is_empty() {
            String::new()
        } else {
            disposition_label(&l.disposition).into()
        },
        l.disposition_reason.clone(),
        format_local(l.created_at),
        group.to_string(),
    ]
}

/// A row type of an export: it knows its comment id (for the search filter).
pub trait Keyed {
    fn id(&self) -> i64;
}

impl Keyed for Line {
    fn id(&self) -> i64 {
        self.id
    }
}

/// A CSV line built by the database (see [`csv`]).
#[derive(sqlx::FromRow)]
pub struct CsvLine {
    pub id: i64,
    pub created_at: i64,
    pub line: String,
}

impl Keyed for CsvLine {
    fn id(&self) -> i64 {
        self.id
    }
}

/// Streams the filtered comments (selecting `columns`) through `render` into chunks of about
/// 64 KiB sent to `out`, waiting while the client is slow, so memory stays bounded.
async fn pump<T>(
    db: &Db,
    f: &Filter,
    columns: &str,
    mut buf: Vec<u8>,
    mut render: impl FnMut(&T, &mut Vec<u8>) -> Result<(), AppError>,
    tail: &[u8],
    out: &tokio::sync::mpsc::Sender<Vec<u8>>,
) -> Result<usize, AppError>
where
    T: Keyed + Send + Unpin + 'static + for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow>,
{
    use futures::StreamExt;
    let gone = || AppError::BadRequest("the client went away".into());
    // Ranges of ids, each read by its own task (decoding rows is the slow part, and this way it
    // runs on another core than the formatting); at most two ranges are in memory.
    const RANGE: i64 = 20_000;
    let (lo, hi): (Option<i64>, Option<i64>) =
        sqlx::query_as("select min(id), max(id) from comment where draft_id = $1")
            .bind(f.draft_id)
            .fetch_one(&db.pool)
            .await?;
    let (lo, hi) = (lo.unwrap_or(1) - 1, hi.unwrap_or(0));
    let ranges: Vec<(i64, i64)> = (0..)
        .map(|k| (lo + k * RANGE, (lo + (k + 1) * RANGE).min(hi)))
        .take_while(|(a, _)| *a < hi)
        .collect();
    let (sql, params) = sql_in(f, columns, false, true);
    let (sql, params) = (std::sync::Arc::new(sql), std::sync::Arc::new(params));
    let draft_id = f.draft_id;
    let mut chunks = futures::stream::iter(ranges)
        .map(|(a, b)| {
            let (sql, params, pool) = (sql.clone(), params.clone(), db.pool.clone());
            tokio::spawn(async move {
                let mut q = sqlx::query_as::<_, T>(&sql).bind(draft_id);
                for p in params.iter() {
                    q = q.bind(p);
                }
                q.bind(a).bind(b).fetch_all(&pool).await
            })
        })
        .buffered(2);
    let mut n = 0;
    while let Some(rows) = chunks.next().await {
        for row in rows.map_err(|_| AppError::Internal)?? {
            if let Some(ids) = &f.ids {
                if ids.binary_search(&row.id()).is_err() {
                    continue;
                }
            }
            render(&row, &mut buf)?;
            n += 1;
            if buf.len() >= 64 * 1024 {
                out.send(std::mem::take(&mut buf))
                    .await
                    .map_err(|_| gone())?;
            }
        }
    }
    buf.extend_from_slice(tail);
    out.send(buf).await.map_err(|_| gone())?;
    Ok(n)
}

/// `case <column> when 'v' then 'label' … else '<other>' end` from a label table, so the
/// database writes the same labels as the Rust code.
fn case_sql(column: &str, labels: &[(&str, &str)], other: &str) -> String {
    let mut s = format!("case {column}");
    for (v, l) in labels {
        s.push_str(&format!(" when '{v}' then '{l}'"));
    }
    s.push_str(&format!(" else '{other}' end"));
    s
}

/// The CSV line of a comment, built by the database: decoding one text column per row instead
/// of eighteen is what makes a million rows fit the time budget. Text fields are always quoted.
fn csv_line_sql() -> String {
    // A cell a spreadsheet would run as a formula gets a leading ' (see `sheet::csv_quote`);
    // the tab and carriage return go into the SQL literal as themselves.
    let q = |c: &str| {
        format!(
            "'\"' || replace(case when substr({c}, 1, 1) in ('=', '+', '-', '@', '\t', '\r') \
             then '''' || {c} else {c} end, '\"', '\"\"') || '\"'"
        )
    };
    let stances: Vec<(&str, &str)> = crate::comment::Stance::ALL
        .iter()
        .map(|s| (s.as_str(), s.label()))
        .collect();
    let statuses: Vec<(&str, &str)> = ["received", "reviewing", "published", "rejected"]
        .iter()
        .map(|s| (*s, crate::comment::ssr::status_label(s)))
        .collect();
    let parts = [
        q("c.tracking"),
        q("c.unit_label"),
        "c.version_number".to_string(),
        case_sql("c.stance", &stances, ""),
        q("c.reason"),
        q("c.suggested"),
        case_sql("c.channel", &[("station", "联系点")], "网上"),
        q("coalesce(s.name, '')"),
        "c.residents".to_string(),
        q("c.name"),
        q("c.region"),
        q("c.category"),
        case_sql("c.status", &statuses, ""),
        case_sql("c.disposition", &DISPOSITIONS, ""),
        q("c.disposition_reason"),
    ];
    format!(
        "c.id, c.created_at, {} || ',' as line",
        parts.join(" || ',' || ")
    )
}

/// CSV with a BOM and Chinese column names.
pub async fn csv(
    db: &Db,
    f: &Filter,
    out: &tokio::sync::mpsc::Sender<Vec<u8>>,
) -> Result<usize, AppError> {
    use std::io::Write;
    let head = crate::sheet::write_csv(&COLUMNS, std::iter::empty()).into_bytes();
    let groups = Groups::load(db, f.draft_id).await?;
    pump(
        db,
        f,
        &csv_line_sql(),
        head,
        |l: &CsvLine, buf| {
            buf.extend_from_slice(l.line.as_bytes());
            let _ = write!(
                buf,
                "{},\"{}\"\r\n",
                format_local(l.created_at),
                groups.name(l.id).replace('"', "\"\"")
            );
            Ok(())
        },
        b"",
        out,
    )
    .await
}

/// JSON open data: an object with the draft and an array of published comments, personal data
/// removed (no name, region or contact; phone numbers, ID numbers, e-mail addresses and links
/// in the text masked).
pub async fn json(
    db: &Db,
    f: &Filter,
    out: &tokio::sync::mpsc::Sender<Vec<u8>>,
) -> Result<usize, AppError> {
    // Open data is for publishing: the committee's dispositions go in only once its feedback
    // report is public.
    let decided: i64 = sqlx::query_scalar(
        "select count(*) from feedback_publication p join draft d on d.id = p.draft_id \
         where d.slug = $1",
    )
    .bind(&f.slug)
    .fetch_one(&db.pool)
    .await?;
    let head = format!(
        "{{\"draft\":{},\"title\":{},\"comments\":[",
        serde_json::Value::String(f.slug.clone()),
        serde_json::Value::String(f.draft_title.clone())
    )
    .into_bytes();
    let mut first = true;
    pump(
        db,
        f,
        LINE_COLUMNS,
        head,
        |l: &Line, buf| {
            if !first {
                buf.push(b',');
            }
            first = false;
            let o = serde_json::json!({
                "tracking": l.tracking,
                "article": article_of(&l.unit_uid),
                "unit": l.unit_uid,
                "unit_label": l.unit_label,
                "version": l.version_number,
                "stance": l.stance,
                "text": mask(&l.reason),
                "suggested": mask(&l.suggested),
                "channel": l.channel,
                "station": l.station,
                "residents": l.residents,
                "disposition": if decided > 0 { l.disposition.as_str() } else { "" },
                "disposition_reason": if decided > 0 { l.disposition_reason.as_str() } else { "" },
                "submitted_at": format_local(l.created_at),
            });
            serde_json::to_writer(&mut *buf, &o).map_err(|_| AppError::Internal)
        },
        b"]}\n",
        out,
    )
    .await
}

/// XLSX written to `path`: with `by_article`, a summary sheet and one sheet per article; else
/// one flat sheet. Constant-memory mode keeps only the current row in memory.
pub async fn xlsx(
    db: &Db,
    f: &Filter,
    by_article: bool,
    path: &std::path::Path,
) -> Result<usize, AppError> {
    use rust_xlsxwriter::{Format, Workbook};
    let fail = |e: rust_xlsxwriter::XlsxError| {
        tracing::error!(error = %e, "XLSX export failed");
        AppError::Internal
    };
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let widths = [
        14.0, 16.0, 6.0, 8.0, 60.0, 40.0, 8.0, 16.0, 8.0, 10.0, 10.0, 10.0, 8.0, 12.0, 40.0, 17.0,
        30.0,
    ];
    let groups = Groups::load(db, f.draft_id).await?;
    let header = |ws: &mut rust_xlsxwriter::Worksheet| -> Result<(), AppError> {
        for (c, (t, w)) in COLUMNS.iter().zip(widths).enumerate() {
            ws.set_column_width(c as u16, w).map_err(fail)?;
            ws.write_string_with_format(0, c as u16, *t, &bold)
                .map_err(fail)?;
        }
        ws.set_freeze_panes(1, 0).map_err(fail)?;
        Ok(())
    };
    if by_article {
        // The summary first: per article, opinions by stance and by disposition.
        let (sql, params) = sql(f, true);
        let summary_sql = format!(
            "select x.unit_uid, max(x.unit_label), count(*), \
             sum(case when x.stance = 'support' then 1 else 0 end), \
             sum(case when x.stance = 'oppose' then 1 else 0 end), \
             sum(case when x.stance = 'amend' then 1 else 0 end), \
             sum(case when x.disposition <> '' then 1 else 0 end) from ({}) x group by x.unit_uid",
            sql.replace(" order by c.unit_uid, c.id", "")
        );
        let mut q = sqlx::query_as::<_, (String, String, i64, i64, i64, i64, i64)>(&summary_sql)
            .bind(f.draft_id);
        for p in &params {
            q = q.bind(p);
        }
        let per_unit = match &f.ids {
            None => q.fetch_all(&db.pool).await?,
            // Ids from the search index are checked here, as the rows are: the summary counts
            // the same opinions the article sheets list.
            Some(ids) => {
                let (light_sql, params) = sql_in(
                    f,
                    "c.id, c.unit_uid, c.unit_label, c.stance, c.disposition",
                    false,
                    false,
                );
                let mut q = sqlx::query_as::<_, (i64, String, String, String, String)>(&light_sql)
                    .bind(f.draft_id);
                for p in &params {
                    q = q.bind(p);
                }
                let mut per: std::collections::BTreeMap<String, (String, [i64; 5])> =
                    Default::default();
                for (id, uid, label, stance, disposition) in q.fetch_all(&db.pool).await? {
                    if ids.binary_search(&id).is_err() {
                        continue;
                    }
                    let e = per.entry(uid).or_insert_with(|| (label, [0; 5]));
                    e.1[0] += 1;
                    match stance.as_str() {
                        "support" => e.1[1] += 1,
                        "oppose" => e.1[2] += 1,
                        "amend" => e.1[3] += 1,
                        _ => {}
                    }
                    if !disposition.is_empty() {
                        e.1[4] += 1;
                    }
                }
                per.into_iter()
                    .map(|(uid, (label, v))| (uid, label, v[0], v[1], v[2], v[3], v[4]))
                    .collect()
            }
        };
        let mut per_article: Vec<(String, String, [i64; 5])> = Vec::new();
        for (uid, label, n, s, o, a, d) in per_unit {
            let art = article_of(&uid).to_string();
            match per_article.iter_mut().find(|x| x.0 == art) {
                Some(x) => {
                    for (k, v) in [n, s, o, a, d].iter().enumerate() {
                        x.2[k] += v;
                    }
                }
                None => per_article.push((
                    art,
                    label.split("第").take(2).collect::<Vec<_>>().join("第"),
                    [n, s, o, a, d],
                )),
            }
        }
        let ws = book.add_worksheet_with_constant_memory().map_err(fail)?;
        ws.set_name("汇总").map_err(fail)?;
        for (c, t) in ["条文", "意见", "赞成", "反对", "修改建议", "已处理"]
            .iter()
            .enumerate()
        {
            ws.set_column_width(c as u16, if c == 0 { 16.0 } else { 10.0 })
                .map_err(fail)?;
            ws.write_string_with_format(0, c as u16, *t, &bold)
                .map_err(fail)?;
        }
        for (r, (_, label, v)) in per_article.iter().enumerate() {
            ws.write_string(r as u32 + 1, 0, label).map_err(fail)?;
            for (c, x) in v.iter().enumerate() {
                ws.write_number(r as u32 + 1, c as u16 + 1, *x as f64)
                    .map_err(fail)?;
            }
        }
    }
    let mut current_article: Option<String> = None;
    let mut row: u32 = 0;
    let mut sheets = 0usize;
    let mut flat_started = false;
    let mut sheet_names = std::collections::HashSet::new();
    let n = for_each(db, f, by_article, |l| {
        if by_article {
            let art = article_of(&l.unit_uid).to_string();
            if current_article.as_deref() != Some(&art) {
                sheets += 1;
                let ws = book.add_worksheet_with_constant_memory().map_err(fail)?;
                // Sheet names: at most 31 characters, unique.
                let label: String = l
                    .unit_label
                    .split('第')
                    .take(2)
                    .collect::<Vec<_>>()
                    .join("第");
                // The article's own label (第七条); a number is added only when two
                // articles' labels would clash.
                let mut name: String = label.chars().take(24).collect();
                if !sheet_names.insert(name.clone()) {
                    name = format!("{name}-{sheets}");
                    sheet_names.insert(name.clone());
                }
                ws.set_name(name).map_err(fail)?;
                header(ws)?;
                current_article = Some(art);
                row = 0;
            }
        } else if !flat_started {
            let ws = book.add_worksheet_with_constant_memory().map_err(fail)?;
            ws.set_name("意见").map_err(fail)?;
            header(ws)?;
            flat_started = true;
        }
        row += 1;
        let ws = book.worksheets_mut().last_mut().ok_or(AppError::Internal)?;
        for (c, v) in fields(&l, groups.name(l.id)).iter().enumerate() {
            if matches!(c, 2 | 8) {
                ws.write_number(row, c as u16, v.parse::<f64>().unwrap_or(0.0))
                    .map_err(fail)?;
            } else if !v.is_empty() {
                ws.write_string(row, c as u16, v).map_err(fail)?;
            }
        }
        Ok(())
    })
    .await?;
    if book.worksheets_mut().is_empty() {
        let ws = book.add_worksheet();
        ws.set_name("意见").map_err(fail)?;
        header(ws)?;
    }
    let path = path.to_path_buf();
    tokio::task::spawn_blocking(move || book.save(&path))
        .await
        .map_err(|_| AppError::Internal)?
        .map_err(fail)?;
    Ok(n)
}
