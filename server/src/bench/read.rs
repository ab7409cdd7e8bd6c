//! `yijian bench read`: anonymous readers over HTTP on loopback against a real `yijian serve`:
//! the draft list, the reading page of a 526-article draft (民法典合同编, published whole) and
//! comment pages; then a burst of ten times the readers at once. Run with the server's page
//! cache on (`--page-cache-seconds`) and off, so the figures show what rendering once per
//! change buys.

use super::{percentile, ServerProcess};
use crate::bench::args::ReadBenchArgs;
use anyhow::{Context, Result};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

/// The slug the benchmark saves the 合同编 under.
pub const SLUG: &str = "bench-civil-code-contracts";

fn emit(cache: &str, target: &str, metric: &str, value: f64, unit: &str) {
    println!(
        "{}",
        serde_json::json!({
            "bench": "read", "page_cache": cache, "target": target, "metric": metric,
            "value": (value * 1000.0).round() / 1000.0, "unit": unit,
        })
    );
}

#[derive(Default)]
struct Tally {
    latencies: Vec<f64>,
    ok: u64,
    bytes: u64,
    refused_with_retry_after: u64,
    other: u64,
    /// Statuses other than 200 and 429/503 with Retry-After, by code.
    other_codes: std::collections::BTreeMap<u16, u64>,
    io_errors: u64,
}

impl Tally {
    fn merge(&mut self, o: Tally) {
        self.latencies.extend(o.latencies);
        self.ok += o.ok;
        self.bytes += o.bytes;
        self.refused_with_retry_after += o.refused_with_retry_after;
        self.other += o.other;
        for (k, v) in o.other_codes {
            *self.other_codes.entry(k).or_default() += v;
        }
        self.io_errors += o.io_errors;
    }
}

/// One reader: GETs the paths in turn over one keep-alive connection until the deadline or
/// `max` requests, accepting gzip as browsers do.
async fn reader(
    addr: SocketAddr,
    paths: Vec<String>,
    offset: usize,
    until: Instant,
    max: u64,
) -> Tally {
    let mut t = Tally::default();
    let Ok(mut conn) = crate::httpc::Conn::connect(addr).await else {
        t.io_errors += 1;
        return t;
    };
    let mut i = 0u64;
    while Instant::now() < until && i < max {
        let path = &paths[(offset + i as usize) % paths.len()];
        i += 1;
        let start = Instant::now();
        match conn
            .get_raw(
                path,
                &[("Accept", "text/html"), ("Accept-Encoding", "gzip")],
            )
            .await
        {
            Ok((status, headers, body)) => {
                t.latencies.push(start.elapsed().as_secs_f64() * 1000.0);
                let retry_after = headers
                    .iter()
                    .any(|(k, _)| k.eq_ignore_ascii_case("retry-after"));
                match status {
                    200 => {
                        t.ok += 1;
                        t.bytes += body.len() as u64;
                    }
                    429 | 503 if retry_after => t.refused_with_retry_after += 1,
                    _ => {
                        t.other += 1;
                        *t.other_codes.entry(status).or_default() += 1;
                    }
                }
            }
            Err(_) => {
                t.io_errors += 1;
                match crate::httpc::Conn::connect(addr).await {
                    Ok(c) => conn = c,
                    Err(_) => break,
                }
            }
        }
    }
    t
}

async fn run_readers(
    addr: SocketAddr,
    paths: &[String],
    clients: usize,
    seconds: u64,
    max: u64,
) -> Result<(Tally, f64)> {
    let start = Instant::now();
    let until = start + Duration::from_secs(seconds);
    let tasks: Vec<_> = (0..clients)
        .map(|c| tokio::spawn(reader(addr, paths.to_vec(), c, until, max)))
        .collect();
    let mut all = Tally::default();
    for t in tasks {
        all.merge(t.await?);
    }
    all.latencies.sort_by(|a, b| a.total_cmp(b));
    Ok((all, start.elapsed().as_secs_f64()))
}

/// `yijian bench read`.
pub async fn run(args: ReadBenchArgs) -> Result<()> {
    let exe = std::env::current_exe().context("cannot find the yijian executable")?;
    let text = std::fs::read_to_string(&args.file)
        .with_context(|| format!("cannot read {}", args.file.display()))?;
    println!(
        "{}",
        serde_json::json!({
            "bench": "read",
            "note": format!(
                "{} readers (one keep-alive connection each, Accept-Encoding: gzip), {} s per \
                 target, then a burst of {} connections x {} requests on the reading page; \
                 build: {}",
                args.clients, args.seconds, args.clients * 10, args.burst_requests,
                if cfg!(debug_assertions) { "debug" } else { "release" }
            )
        })
    );
    for cache_s in [args.page_cache_seconds, 0] {
        run_one(&exe, &text, cache_s, &args).await?;
        if args.page_cache_seconds == 0 {
            break;
        }
    }
    Ok(())
}

async fn run_one(
    exe: &std::path::Path,
    text: &str,
    cache_s: u64,
    args: &ReadBenchArgs,
) -> Result<()> {
    let cache = if cache_s > 0 {
        format!("{cache_s}s")
    } else {
        "off".to_string()
    };
    let dir = std::env::temp_dir().join(format!("yijian-bench-read-{:x}", rand::random::<u64>()));
    let cache_flag = cache_s.to_string();
    let server =
        ServerProcess::start(exe, &dir, None, &["--page-cache-seconds", &cache_flag]).await?;
    // The 合同编 saved and published whole (articles 463-988), as the committee would.
    let db =
        app::ssr::db::connect(&format!("sqlite://{}", dir.join("yijian.db").display())).await?;
    app::draft::ssr::import_version(&db, SLUG, "征求意见稿", text)
        .await
        .map_err(|e| anyhow::anyhow!("saving the draft: {e:?}"))?;
    let at = |offset: i64| app::draft::time::format_local(app::ssr::now_ms() + offset);
    app::draft::ssr::publish(
        &db,
        SLUG,
        app::draft::ssr::PartSpec {
            articles: Some("463-988".into()),
            whole_text: true,
            ..Default::default()
        },
        &at(0),
        &at(30 * 86_400_000),
        None,
        &format!("http://{}", server.addr),
    )
    .await
    .map_err(|e| anyhow::anyhow!("publishing the draft: {e:?}"))?;
    db.pool.close().await;

    let reading = format!("/drafts/{SLUG}");
    let comment_pages: Vec<String> = (463..=988)
        .step_by(7)
        .map(|n| format!("/drafts/{SLUG}/comment/art-{n}"))
        .collect();
    // Check the pages answer before timing them.
    let mut conn = crate::httpc::Conn::connect(server.addr).await?;
    for p in ["/drafts", reading.as_str(), comment_pages[0].as_str()] {
        let (status, _, body) = conn.get_raw(p, &[("Accept", "text/html")]).await?;
        anyhow::ensure!(status == 200, "{p} answered {status}");
        if p == reading {
            emit(
                &cache,
                "reading_page",
                "html_kb",
                body.len() as f64 / 1024.0,
                "KiB",
            );
        }
    }
    let targets: [(&str, Vec<String>); 3] = [
        ("draft_list", vec!["/drafts".to_string()]),
        ("reading_page_526", vec![reading.clone()]),
        ("comment_pages", comment_pages),
    ];
    for (name, paths) in &targets {
        let (t, secs) =
            run_readers(server.addr, paths, args.clients, args.seconds, u64::MAX).await?;
        emit(&cache, name, "requests_per_s", t.ok as f64 / secs, "1/s");
        emit(&cache, name, "p50_ms", percentile(&t.latencies, 0.5), "ms");
        emit(&cache, name, "p99_ms", percentile(&t.latencies, 0.99), "ms");
        emit(
            &cache,
            name,
            "transferred_kb_per_request",
            t.bytes as f64 / 1024.0 / t.ok.max(1) as f64,
            "KiB",
        );
        emit(
            &cache,
            name,
            "errors",
            (t.other + t.io_errors + t.refused_with_retry_after) as f64,
            "count",
        );
    }

    // Ten times the readers at once, each reading the 526-article page a few times.
    let burst_clients = args.clients * 10;
    let (t, secs) = run_readers(
        server.addr,
        std::slice::from_ref(&reading),
        burst_clients,
        120,
        args.burst_requests,
    )
    .await?;
    emit(
        &cache,
        "burst_reading_page",
        "connections",
        burst_clients as f64,
        "count",
    );
    emit(&cache, "burst_reading_page", "ok", t.ok as f64, "count");
    emit(
        &cache,
        "burst_reading_page",
        "refused_with_retry_after",
        t.refused_with_retry_after as f64,
        "count",
    );
    emit(
        &cache,
        "burst_reading_page",
        "other_status",
        t.other as f64,
        "count",
    );
    for (code, n) in &t.other_codes {
        emit(
            &cache,
            "burst_reading_page",
            &format!("status_{code}"),
            *n as f64,
            "count",
        );
    }
    emit(
        &cache,
        "burst_reading_page",
        "connection_errors",
        t.io_errors as f64,
        "count",
    );
    emit(
        &cache,
        "burst_reading_page",
        "requests_per_s",
        t.ok as f64 / secs,
        "1/s",
    );
    emit(
        &cache,
        "burst_reading_page",
        "p99_ms",
        percentile(&t.latencies, 0.99),
        "ms",
    );
    emit(
        &cache,
        "server",
        "rss_mb",
        server.rss_mb().unwrap_or(0.0),
        "MiB",
    );
    drop(server);
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}
