//! `yijian bench search`: tantivy with Chinese segmentation against the way a team without it
//! would search — PostgreSQL `ILIKE` (and `pg_trgm`) and SQLite `LIKE` — on the same generated
//! comments, in the same run.

use crate::bench::emit;
use crate::cli::SearchBenchArgs;
use anyhow::{bail, Context, Result};
use app::search::index::{comment_document, CommentDoc, Searchable};
use app::search::SearchParams;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::collections::HashMap;
use std::io::BufRead;
use std::path::Path;
use std::time::Instant;

/// Sentences of the real messages (subjects and the sentences of their details).
pub fn load_sentences(path: &Path) -> Result<Vec<String>> {
    let file = std::fs::File::open(path).with_context(|| {
        format!(
            "cannot open the comment corpus {} (it lives in ../shared/corpus/comments/)",
            path.display()
        )
    })?;
    let reader = std::io::BufReader::new(flate2::read::GzDecoder::new(file));
    let mut out = Vec::new();
    for line in reader.lines() {
        let line = line.context("reading the corpus")?;
        let v: serde_json::Value =
            serde_json::from_str(&line).context("a corpus line is not JSON")?;
        if let Some(s) = v["subject"].as_str() {
            out.push(s.trim().to_string());
        }
        if let Some(d) = v["detail"].as_str() {
            let mut cur = String::new();
            for c in d.chars() {
                if c == '\n' || c == '\t' || c == '\r' {
                    continue;
                }
                cur.push(c);
                if matches!(c, '。' | '！' | '？' | '；') {
                    let s = cur.trim().to_string();
                    if s.chars().count() >= 6 {
                        out.push(s);
                    }
                    cur.clear();
                }
            }
        }
    }
    if out.len() < 1000 {
        bail!(
            "the corpus {} has too few sentences ({})",
            path.display(),
            out.len()
        );
    }
    Ok(out)
}

const DAY0_MS: i64 = 1_795_708_800_000; // 2026-11-26 16:00 UTC = 2026-11-27 00:00 China time

/// The i-th generated comment: deterministic, so every engine gets the same data without
/// holding it all in memory.
pub fn generate(i: usize, sentences: &[String]) -> CommentDoc {
    let mut rng = StdRng::seed_from_u64(i as u64 ^ 0x9e37_79b9_7f4a_7c15);
    let n = rng.gen_range(1..=4);
    let mut reason = String::new();
    for _ in 0..n {
        reason.push_str(&sentences[rng.gen_range(0..sentences.len())]);
    }
    let station = rng.gen_bool(0.2);
    let level = if station {
        rng.gen_range(1..=4).to_string()
    } else {
        String::new()
    };
    CommentDoc {
        id: i as i64 + 1,
        slug: "bench".into(),
        draft_title: "基准测试草案".into(),
        version: 1,
        unit_uid: format!("art-{}-p-1", rng.gen_range(1..=60)),
        unit_label: String::new(),
        reason,
        suggested: String::new(),
        station: if station {
            format!("联系点{}", rng.gen_range(1..=437))
        } else {
            String::new()
        },
        county: if station {
            {
                let c = crate::demo::COUNTIES;
                c[rng.gen_range(0..c.len())].0.into()
            }
        } else {
            String::new()
        },
        level,
        channel: if station { "station" } else { "online" }.into(),
        stance: ["support", "oppose", "amend"][rng.gen_range(0..3)].into(),
        status: if rng.gen_bool(0.8) {
            "published"
        } else {
            "received"
        }
        .into(),
        disposition: String::new(),
        created_at: DAY0_MS + rng.gen_range(0..30 * 86_400_000i64),
        tracking: format!("B{i}"),
    }
}

/// One query of the mix: the search box text and filters, and what the substring baselines do
/// for it.
struct BenchQuery {
    q: &'static str,
    stance: Option<&'static str>,
    channel: Option<&'static str>,
    /// `where` clause over `reason`/`stance`/`channel` with `%s` for the LIKE operator.
    sql: &'static str,
}

const QUERIES: &[BenchQuery] = &[
    BenchQuery {
        q: "供热",
        stance: None,
        channel: None,
        sql: "reason %s '%供热%'",
    },
    BenchQuery {
        q: "噪音",
        stance: None,
        channel: None,
        sql: "reason %s '%噪音%'",
    },
    BenchQuery {
        q: "物业",
        stance: None,
        channel: None,
        sql: "reason %s '%物业%'",
    },
    BenchQuery {
        q: "停车",
        stance: None,
        channel: None,
        sql: "reason %s '%停车%'",
    },
    BenchQuery {
        q: "学校",
        stance: Some("oppose"),
        channel: None,
        sql: "reason %s '%学校%' and stance = 'oppose'",
    },
    BenchQuery {
        q: "拆迁 补偿",
        stance: None,
        channel: None,
        sql: "reason %s '%拆迁%' and reason %s '%补偿%'",
    },
    BenchQuery {
        q: "\"小区物业\"",
        stance: None,
        channel: None,
        sql: "reason %s '%小区物业%'",
    },
    BenchQuery {
        q: "噪音 OR 扰民",
        stance: None,
        channel: None,
        sql: "(reason %s '%噪音%' or reason %s '%扰民%')",
    },
    BenchQuery {
        q: "垃圾 -分类",
        stance: None,
        channel: None,
        sql: "reason %s '%垃圾%' and not reason %s '%分类%'",
    },
    BenchQuery {
        q: "公交",
        stance: None,
        channel: Some("station"),
        sql: "reason %s '%公交%' and channel = 'station'",
    },
    BenchQuery {
        q: "幼儿园",
        stance: Some("amend"),
        channel: Some("online"),
        sql: "reason %s '%幼儿园%' and stance = 'amend' and channel = 'online'",
    },
    BenchQuery {
        q: "扶贫",
        stance: None,
        channel: None,
        sql: "reason %s '%扶贫%'",
    },
];

fn percentile(xs: &mut [f64], p: f64) -> f64 {
    xs.sort_by(|a, b| a.total_cmp(b));
    xs[((xs.len() as f64 - 1.0) * p).round() as usize]
}

fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| {
                l.split_whitespace()
                    .nth(1)
                    .and_then(|v| v.parse::<f64>().ok())
            })
        })
        .map(|kb| kb / 1024.0)
        .unwrap_or(0.0)
}

fn dir_size(path: &Path) -> u64 {
    std::fs::read_dir(path)
        .map(|es| {
            es.flatten()
                .map(|e| match e.metadata() {
                    Ok(m) if m.is_dir() => dir_size(&e.path()),
                    Ok(m) => m.len(),
                    Err(_) => 0,
                })
                .sum()
        })
        .unwrap_or(0)
}

pub async fn run(args: SearchBenchArgs) -> Result<()> {
    let sentences = load_sentences(&args.corpus)?;
    let n = args.docs;
    let tmp = std::env::temp_dir().join(format!("yijian-bench-search-{}", std::process::id()));
    std::fs::create_dir_all(&tmp)?;
    let result = run_in(&args, &sentences, n, &tmp).await;
    let _ = std::fs::remove_dir_all(&tmp);
    result
}

async fn run_in(args: &SearchBenchArgs, sentences: &[String], n: usize, tmp: &Path) -> Result<()> {
    println!(
        "{}",
        serde_json::json!({"bench": "search", "note": format!(
            "{n} comments from {} real sentences; {} queries x {} for tantivy, once per baseline",
            sentences.len(), QUERIES.len(), args.repeat)})
    );
    // --- tantivy ---
    let (schema, fields) = app::search::index::schema();
    let index_dir = tmp.join("index");
    std::fs::create_dir_all(&index_dir)?;
    let index = tantivy::Index::create_in_dir(&index_dir, schema)?;
    app::search::index::register_tokenizers(&index);
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2);
    let started = Instant::now();
    {
        let mut writer: tantivy::IndexWriter =
            index.writer_with_num_threads(threads, args.heap_mb << 20)?;
        // Documents are built (and tokenised, inside add_document's indexing threads) while the
        // generator runs on this thread.
        for i in 0..n {
            writer.add_document(comment_document(&fields, &generate(i, sentences)))?;
        }
        writer.commit()?;
        writer.wait_merging_threads()?;
    }
    let index_s = started.elapsed().as_secs_f64();
    emit("search", "index_docs_per_s", n as f64 / index_s, "1/s");
    emit("search", "index_s", index_s, "s");
    emit(
        "search",
        "index_mb",
        dir_size(&index_dir) as f64 / 1048576.0,
        "MiB",
    );
    let searchable = Searchable::new(index)?;
    searchable.reader.reload()?;
    let no_labels = HashMap::new();
    let mut times = Vec::new();
    let mut per_query_p50 = Vec::new();
    let mut tantivy_hits = Vec::new();
    for q in QUERIES {
        let params = SearchParams {
            q: Some(q.q.to_string()),
            stance: q.stance.map(Into::into),
            channel: q.channel.map(Into::into),
            ..SearchParams::default()
        };
        let mut mine = Vec::new();
        let mut hits = 0;
        for _ in 0..args.repeat {
            let t = Instant::now();
            let r = searchable
                .search(&params, false, &no_labels)
                .map_err(|e| anyhow::anyhow!("search failed: {e:?}"))?;
            let ms = t.elapsed().as_secs_f64() * 1000.0;
            mine.push(ms);
            times.push(ms);
            hits = r.total;
        }
        per_query_p50.push(percentile(&mut mine, 0.5));
        tantivy_hits.push(hits);
    }
    let p50 = percentile(&mut times, 0.5);
    emit("search", "p50_ms", p50, "ms");
    emit("search", "p99_ms", percentile(&mut times, 0.99), "ms");
    emit("search", "peak_rss_mb", peak_rss_mb(), "MiB");
    emit(
        "search",
        "hits_tantivy",
        tantivy_hits.iter().sum::<i64>() as f64,
        "count",
    );
    drop(searchable);

    // --- SQLite LIKE ---
    if !args.no_sqlite {
        let (p50_like, hits) = sqlite_baseline(sentences, n, tmp).await?;
        emit("search", "sqlite_like_p50_ms", p50_like, "ms");
        emit("search", "hits_sqlite_like", hits as f64, "count");
        emit("search", "speedup_vs_sqlite_like_p50", p50_like / p50, "x");
    }
    // --- PostgreSQL ILIKE (and pg_trgm) ---
    if let Some(url) = &args.database_url {
        let (ilike, trgm, hits, trgm_build_s) =
            pg_baseline(url, args.pg_trgm, sentences, n).await?;
        emit("search", "pg_ilike_p50_ms", ilike, "ms");
        emit("search", "hits_pg_ilike", hits as f64, "count");
        emit("search", "speedup_vs_pg_ilike_p50", ilike / p50, "x");
        if let Some((trgm, build_s)) = trgm.zip(trgm_build_s) {
            emit("search", "pg_trgm_index_build_s", build_s, "s");
            emit("search", "pg_trgm_p50_ms", trgm, "ms");
            emit("search", "speedup_vs_pg_trgm_p50", trgm / p50, "x");
        }
    }
    Ok(())
}

/// The `where` clause of a query for a LIKE operator.
fn where_clause(q: &BenchQuery, op: &str) -> String {
    q.sql.replace("%s", op)
}

/// The same work as the search page: the count and the newest 20 rows.
async fn sqlite_baseline(sentences: &[String], n: usize, tmp: &Path) -> Result<(f64, i64)> {
    use sqlx::sqlite::SqliteConnectOptions;
    use sqlx::{ConnectOptions, Connection};
    let path = tmp.join("like.db");
    let mut conn = SqliteConnectOptions::new()
        .filename(&path)
        .create_if_missing(true)
        .journal_mode(sqlx::sqlite::SqliteJournalMode::Off)
        .synchronous(sqlx::sqlite::SqliteSynchronous::Off)
        .connect()
        .await?;
    sqlx::query(
        "create table c (id integer primary key, reason text, stance text, channel text, created_at integer)",
    )
    .execute(&mut conn)
    .await?;
    let mut tx = conn.begin().await?;
    for i in 0..n {
        let d = generate(i, sentences);
        sqlx::query("insert into c values (?, ?, ?, ?, ?)")
            .bind(d.id)
            .bind(&d.reason)
            .bind(&d.stance)
            .bind(&d.channel)
            .bind(d.created_at)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    let mut times = Vec::new();
    let mut hits = 0;
    for q in QUERIES {
        let w = where_clause(q, "like");
        let t = Instant::now();
        let count: i64 = sqlx::query_scalar(&format!("select count(*) from c where {w}"))
            .fetch_one(&mut conn)
            .await?;
        let _rows: Vec<(i64,)> = sqlx::query_as(&format!(
            "select id from c where {w} order by created_at desc limit 20"
        ))
        .fetch_all(&mut conn)
        .await?;
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        hits += count;
    }
    Ok((percentile(&mut times, 0.5), hits))
}

async fn pg_baseline(
    url: &str,
    trgm_wanted: bool,
    sentences: &[String],
    n: usize,
) -> Result<(f64, Option<f64>, i64, Option<f64>)> {
    use sqlx::Connection;
    let mut conn = sqlx::PgConnection::connect(url)
        .await
        .with_context(|| format!("cannot connect to {}", app::ssr::db::redact_url(url)))?;
    let table = format!("yijian_bench_search_{}", std::process::id());
    sqlx::query(&format!(
        "create table {table} (id bigint primary key, reason text, stance text, channel text, created_at bigint)"
    ))
    .execute(&mut conn)
    .await?;
    let result = async {
        let mut copy = conn
            .copy_in_raw(&format!(
                "copy {table} (id, reason, stance, channel, created_at) from stdin"
            ))
            .await?;
        let mut buf = String::new();
        for i in 0..n {
            let d = generate(i, sentences);
            let reason = d.reason.replace('\\', "\\\\").replace(['\t', '\n'], " ");
            buf.push_str(&format!(
                "{}\t{}\t{}\t{}\t{}\n",
                d.id, reason, d.stance, d.channel, d.created_at
            ));
            if buf.len() > 1 << 20 {
                copy.send(std::mem::take(&mut buf).into_bytes()).await?;
            }
        }
        copy.send(buf.into_bytes()).await?;
        copy.finish().await?;
        sqlx::query(&format!("analyze {table}"))
            .execute(&mut conn)
            .await?;
        let mut times = Vec::new();
        let mut hits = 0;
        for q in QUERIES {
            let w = where_clause(q, "ilike");
            let t = Instant::now();
            let count: i64 = sqlx::query_scalar(&format!("select count(*) from {table} where {w}"))
                .fetch_one(&mut conn)
                .await?;
            let _rows: Vec<(i64,)> = sqlx::query_as(&format!(
                "select id from {table} where {w} order by created_at desc limit 20"
            ))
            .fetch_all(&mut conn)
            .await?;
            times.push(t.elapsed().as_secs_f64() * 1000.0);
            hits += count;
        }
        let ilike = percentile(&mut times, 0.5);
        // pg_trgm, when the extension can be created here.
        let mut trgm = None;
        let mut build = None;
        if trgm_wanted
            && sqlx::query("create extension if not exists pg_trgm")
                .execute(&mut conn)
                .await
                .is_ok()
        {
            let t = Instant::now();
            sqlx::query(&format!(
                "create index {table}_trgm on {table} using gin (reason gin_trgm_ops)"
            ))
            .execute(&mut conn)
            .await?;
            build = Some(t.elapsed().as_secs_f64());
            let mut times = Vec::new();
            for q in QUERIES {
                let w = where_clause(q, "ilike");
                let t = Instant::now();
                let _: i64 = sqlx::query_scalar(&format!("select count(*) from {table} where {w}"))
                    .fetch_one(&mut conn)
                    .await?;
                times.push(t.elapsed().as_secs_f64() * 1000.0);
            }
            trgm = Some(percentile(&mut times, 0.5));
        }
        Ok::<_, anyhow::Error>((ilike, trgm, hits, build))
    }
    .await;
    let _ = sqlx::query(&format!("drop table if exists {table}"))
        .execute(&mut conn)
        .await;
    result
}
