//! `yijian bench …`: benchmarks that print one JSON line per figure, e.g.
//! `{"bench":"parse","metric":"parse_ms","value":12.3,"unit":"ms"}`.

pub mod args;
pub mod cluster;
pub mod export;
pub mod read;
pub mod search;

use anyhow::{Context, Result};
use std::path::PathBuf;
use std::time::Instant;

pub fn emit(bench: &str, metric: &str, value: f64, unit: &str) {
    println!(
        "{}",
        serde_json::json!({ "bench": bench, "metric": metric, "value": (value * 1000.0).round() / 1000.0, "unit": unit })
    );
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(|a, b| a.total_cmp(b));
    xs[xs.len() / 2]
}

/// The largest corpus file (民法典合同编, 526 articles), shipped as a fixture.
pub fn default_parse_file() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../app/tests/fixtures/laws/004-national-civil-code-book3-contracts.md")
}

/// Parses the file and renders its reading page `iterations` times; reports medians. The
/// baseline is the time to read the bytes as UTF-8 and split them into lines, measured in the
/// same run, so the ratio shows what the structure recognition itself costs.
pub fn parse(file: Option<PathBuf>, iterations: usize) -> Result<()> {
    use app::draft::parse::parse_bytes;
    use leptos::prelude::*;
    let file = file.unwrap_or_else(default_parse_file);
    let bytes = std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
    let iterations = iterations.max(3);
    let parsed = parse_bytes(&bytes).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;

    let mut baseline = Vec::new();
    let mut parse_times = Vec::new();
    let mut render_times = Vec::new();
    let mut html_len = 0;
    for _ in 0..iterations {
        let t = Instant::now();
        let n = std::str::from_utf8(&bytes)
            .map(|s| s.lines().count())
            .unwrap_or(0);
        std::hint::black_box(n);
        baseline.push(t.elapsed().as_secs_f64() * 1000.0);

        let t = Instant::now();
        let p = parse_bytes(&bytes).map_err(|e| anyhow::anyhow!("{e}"))?;
        parse_times.push(t.elapsed().as_secs_f64() * 1000.0);
        std::hint::black_box(&p);

        let tree = parsed.tree.clone();
        let t = Instant::now();
        let html = Owner::new().with(|| view! { <app::draft::view::DraftText tree/> }.to_html());
        render_times.push(t.elapsed().as_secs_f64() * 1000.0);
        html_len = html.len();
    }
    let parse_ms = median(parse_times);
    let base_ms = median(baseline);
    emit("parse", "articles", parsed.counts.tiao as f64, "count");
    emit("parse", "parse_ms", parse_ms, "ms");
    emit("parse", "baseline_split_lines_ms", base_ms, "ms");
    emit(
        "parse",
        "parse_vs_split_lines_ratio",
        parse_ms / base_ms.max(1e-6),
        "x",
    );
    emit("parse", "render_ms", median(render_times), "ms");
    emit("parse", "render_html_kb", html_len as f64 / 1024.0, "KiB");

    // The same text as a committee's Word file, 第X章/第X条/（X） from automatic numbering:
    // reading the package, the numbering and the paragraphs, then parsing.
    let docx = app::docx::draft_docx(&parsed.tree, app::docx::Labels::Automatic)
        .to_bytes()
        .context("writing the Word file")?;
    let tools = app::draft::import::Tools::default();
    let mut docx_times = Vec::new();
    let mut docx_articles = 0;
    for _ in 0..iterations {
        let t = Instant::now();
        let (_, p) = app::draft::import::parse_file(&docx, None, &tools)
            .map_err(|e| anyhow::anyhow!("the Word file: {e}"))?;
        docx_times.push(t.elapsed().as_secs_f64() * 1000.0);
        docx_articles = p.counts.tiao;
    }
    emit("parse", "docx_kb", docx.len() as f64 / 1024.0, "KiB");
    emit("parse", "docx_articles", docx_articles as f64, "count");
    emit("parse", "docx_parse_ms", median(docx_times), "ms");
    Ok(())
}

/// A `yijian serve` child process on a free loopback port, for benchmarks and crash tests.
pub struct ServerProcess {
    pub child: std::process::Child,
    pub addr: std::net::SocketAddr,
}

impl ServerProcess {
    /// Starts `exe serve --demo` on `data_dir` (and `database_url`, if given) with extra flags,
    /// and waits until `/healthz` answers.
    pub async fn start(
        exe: &std::path::Path,
        data_dir: &std::path::Path,
        database_url: Option<&str>,
        extra: &[&str],
    ) -> Result<ServerProcess> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let addr: std::net::SocketAddr = ([127, 0, 0, 1], port).into();
        std::fs::create_dir_all(data_dir)?;
        let log = std::fs::File::create(data_dir.join("server.log"))?;
        let mut cmd = std::process::Command::new(exe);
        cmd.arg("serve")
            .arg("--demo")
            .arg("--bind")
            .arg(addr.to_string())
            .arg("--data-dir")
            .arg(data_dir)
            .arg("--site-root")
            .arg(data_dir.join("site"))
            .args(extra)
            .env_remove("DATABASE_URL")
            .stdout(log.try_clone()?)
            .stderr(log);
        if let Some(url) = database_url {
            cmd.arg("--database-url").arg(url);
        }
        let child = cmd
            .spawn()
            .with_context(|| format!("cannot start {}", exe.display()))?;
        let mut p = ServerProcess { child, addr };
        let deadline = Instant::now() + std::time::Duration::from_secs(120);
        loop {
            if let Ok(mut c) = crate::httpc::Conn::connect(addr).await {
                if c.get("/healthz").await.is_ok_and(|r| r.status == 200) {
                    return Ok(p);
                }
            }
            if let Some(status) = p.child.try_wait()? {
                let log = std::fs::read_to_string(data_dir.join("server.log")).unwrap_or_default();
                anyhow::bail!("the server exited ({status}) before it was ready:\n{log}");
            }
            if Instant::now() > deadline {
                let _ = p.child.kill();
                anyhow::bail!("the server did not become ready within 120 s");
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
    }

    /// Resident memory of the server process, in MiB (Linux).
    pub fn rss_mb(&self) -> Option<f64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).ok()?;
        let kb: f64 = status
            .lines()
            .find(|l| l.starts_with("VmRSS:"))?
            .split_whitespace()
            .nth(1)?
            .parse()
            .ok()?;
        Some(kb / 1024.0)
    }

    /// SIGKILL: no shutdown handler runs, as in a crash or power cut of the process.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Units of the demo draft that are open for comments (chapter 1).
pub const OPEN_DEMO_UNITS: &[&str] = &[
    "art-1",
    "art-2",
    "art-3",
    "art-4",
    "art-4-p-2",
    "art-5",
    "art-5-p-2",
    "art-5-p-3",
    "art-6",
    "art-7",
    "art-8",
];

const SENTENCES: &[&str] = &[
    "建议明确供热期室内温度不低于十八摄氏度的检测方法。",
    "老旧小区管网漏损严重，应当规定改造的时限和资金来源。",
    "供热单位停热检修应当提前七日告知热用户。",
    "建议对低保家庭的采暖费给予减免。",
    "热计量收费应当逐步推行，做到多用多付。",
    "投诉电话应当二十四小时有人接听。",
    "新建小区交付时供热设施应当同步验收。",
    "罚款数额偏低，难以起到震慑作用。",
    "乡镇的供热管理力量薄弱，建议增加人员编制。",
    "清洁能源供热的补贴标准应当公开。",
];

/// One comment form as a browser posts it; the key makes it unique.
pub fn bench_comment(client: usize, i: u64, salt: u64) -> String {
    let uid = OPEN_DEMO_UNITS[(i as usize + client) % OPEN_DEMO_UNITS.len()];
    let stance = ["support", "oppose", "amend"][(i % 3) as usize];
    let reason = format!(
        "{}{}",
        SENTENCES[(i as usize * 7 + client) % SENTENCES.len()],
        SENTENCES[(i as usize + client * 3) % SENTENCES.len()]
    );
    let key = format!("bench-{salt:x}-{client}-{i}");
    crate::httpc::encode_form(&[
        ("slug", crate::demo::DEMO_DRAFT_SLUG),
        ("uid", uid),
        ("stance", stance),
        ("reason", &reason),
        ("region", "昌吉市"),
        ("idempotency_key", &key),
    ])
}

fn emit_for(backend: &str, metric: &str, value: f64, unit: &str) {
    println!(
        "{}",
        serde_json::json!({ "bench": "ingest", "backend": backend, "metric": metric, "value": (value * 1000.0).round() / 1000.0, "unit": unit })
    );
}

pub(crate) fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

#[derive(Default)]
struct Tally {
    latencies: Vec<f64>,
    acknowledged: Vec<String>,
    refused_with_retry_after: u64,
    refused_without_retry_after: u64,
    other: u64,
    io_errors: u64,
}

impl Tally {
    fn merge(&mut self, o: Tally) {
        self.latencies.extend(o.latencies);
        self.acknowledged.extend(o.acknowledged);
        self.refused_with_retry_after += o.refused_with_retry_after;
        self.refused_without_retry_after += o.refused_without_retry_after;
        self.other += o.other;
        self.io_errors += o.io_errors;
    }
}

/// One client: posts comments over one connection until the deadline (or `max` of them).
async fn client(
    addr: std::net::SocketAddr,
    id: usize,
    salt: u64,
    until: Instant,
    max: u64,
) -> Tally {
    let mut t = Tally::default();
    let mut conn = match crate::httpc::Conn::connect(addr).await {
        Ok(c) => c,
        Err(_) => {
            t.io_errors += 1;
            return t;
        }
    };
    let mut i = 0;
    while Instant::now() < until && i < max {
        let body = bench_comment(id, i, salt);
        i += 1;
        let start = Instant::now();
        match conn.post_form("/api/comments/submit", &body).await {
            Ok(r) => {
                t.latencies.push(start.elapsed().as_secs_f64() * 1000.0);
                match r.status {
                    200 => t
                        .acknowledged
                        .push(serde_json::from_str(&r.body).unwrap_or_default()),
                    429 | 503 if r.header("retry-after").is_some() => {
                        t.refused_with_retry_after += 1
                    }
                    429 | 503 => t.refused_without_retry_after += 1,
                    _ => t.other += 1,
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

/// `yijian bench ingest`.
pub async fn ingest(args: crate::cli::IngestArgs) -> Result<()> {
    let exe = std::env::current_exe().context("cannot find the yijian executable")?;
    ingest_backend(&exe, "sqlite", None, &args).await?;
    if let Some(admin_url) = &args.database_url {
        let admin = app::ssr::db::connect(admin_url).await?;
        let name = format!("yj_bench_{:x}", rand::random::<u32>());
        sqlx::query(&format!("create database {name}"))
            .execute(&admin.pool)
            .await
            .context("cannot create the benchmark database")?;
        let mut url = url::Url::parse(admin_url)?;
        url.set_path(&format!("/{name}"));
        let result = ingest_backend(&exe, "postgres", Some(url.as_str()), &args).await;
        // Connections of the killed server may linger for a moment.
        for _ in 0..20 {
            if sqlx::query(&format!("drop database if exists {name} with (force)"))
                .execute(&admin.pool)
                .await
                .is_ok()
            {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(250)).await;
        }
        result?;
    }
    Ok(())
}

async fn ingest_backend(
    exe: &std::path::Path,
    backend: &str,
    database_url: Option<&str>,
    args: &crate::cli::IngestArgs,
) -> Result<()> {
    let dir = std::env::temp_dir().join(format!("yijian-bench-{:x}", rand::random::<u64>()));
    let raised = "1000000000";
    let queue = args.intake_queue.to_string();
    let flags = [
        "--comment-per-ip-per-min",
        raised,
        "--comment-challenge-from-per-min",
        raised,
        "--comment-per-contact-per-hour",
        raised,
        "--intake-queue",
        &queue,
    ];
    let server = ServerProcess::start(exe, &dir, database_url, &flags).await?;
    println!(
        "{}",
        serde_json::json!({
            "bench": "ingest", "backend": backend,
            "note": format!(
                "rate limits for loopback raised by configuration for this run: {}; \
                 clients {}, {} s, then a burst of {} connections",
                flags.join(" "), args.clients, args.seconds, args.burst_clients
            )
        })
    );
    let db_url = database_url
        .map(str::to_string)
        .unwrap_or_else(|| format!("sqlite://{}", dir.join("yijian.db").display()));
    let db = app::ssr::db::connect(&db_url).await?;
    let before: i64 = sqlx::query_scalar("select count(*) from comment")
        .fetch_one(&db.pool)
        .await?;
    let salt: u64 = rand::random();
    let rss_start = server.rss_mb().unwrap_or(0.0);
    let mut rss = vec![rss_start];

    // Steady run.
    let start = Instant::now();
    let until = start + std::time::Duration::from_secs(args.seconds);
    let tasks: Vec<_> = (0..args.clients)
        .map(|c| tokio::spawn(client(server.addr, c, salt, until, u64::MAX)))
        .collect();
    let mut rss_mid = None;
    while Instant::now() < until {
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        rss.extend(server.rss_mb());
        if rss_mid.is_none() && start.elapsed().as_secs() * 2 >= args.seconds {
            rss_mid = server.rss_mb();
        }
    }
    let mut steady = Tally::default();
    for t in tasks {
        steady.merge(t.await?);
    }
    let elapsed = start.elapsed().as_secs_f64();
    let rss_end = server.rss_mb().unwrap_or(0.0);
    steady.latencies.sort_by(|a, b| a.total_cmp(b));
    emit_for(
        backend,
        "comments_per_s",
        steady.acknowledged.len() as f64 / elapsed,
        "1/s",
    );
    emit_for(backend, "p50_ms", percentile(&steady.latencies, 0.5), "ms");
    emit_for(backend, "p99_ms", percentile(&steady.latencies, 0.99), "ms");
    emit_for(backend, "rss_start_mb", rss_start, "MiB");
    // Memory at half time and at the end: equal when memory is flat (caches are bounded).
    emit_for(backend, "rss_mid_mb", rss_mid.unwrap_or(0.0), "MiB");
    emit_for(backend, "rss_end_mb", rss_end, "MiB");
    emit_for(
        backend,
        "refused_steady",
        (steady.refused_with_retry_after + steady.refused_without_retry_after + steady.other)
            as f64,
        "count",
    );

    // Overload burst: many connections at once, each posting a few comments back to back.
    let mut burst = Tally::default();
    let mut burst_s = 0.0;
    if args.burst_clients > 0 {
        let start = Instant::now();
        let until = start + std::time::Duration::from_secs(30);
        let tasks: Vec<_> = (0..args.burst_clients)
            .map(|c| tokio::spawn(client(server.addr, args.clients + c, salt, until, 5)))
            .collect();
        for t in tasks {
            burst.merge(t.await?);
        }
        burst_s = start.elapsed().as_secs_f64();
        rss.extend(server.rss_mb());
    }
    let peak = rss.iter().cloned().fold(0.0, f64::max);
    emit_for(backend, "peak_rss_mb", peak, "MiB");
    if args.burst_clients > 0 {
        burst.latencies.sort_by(|a, b| a.total_cmp(b));
        emit_for(
            backend,
            "burst_requests",
            burst.latencies.len() as f64,
            "count",
        );
        emit_for(
            backend,
            "burst_acknowledged",
            burst.acknowledged.len() as f64,
            "count",
        );
        emit_for(
            backend,
            "burst_refused_with_retry_after",
            burst.refused_with_retry_after as f64,
            "count",
        );
        emit_for(
            backend,
            "burst_refused_without_retry_after",
            burst.refused_without_retry_after as f64,
            "count",
        );
        emit_for(backend, "burst_other_status", burst.other as f64, "count");
        emit_for(
            backend,
            "burst_connection_errors",
            burst.io_errors as f64,
            "count",
        );
        emit_for(
            backend,
            "burst_p99_ms",
            percentile(&burst.latencies, 0.99),
            "ms",
        );
        emit_for(backend, "burst_s", burst_s, "s");
    }

    // Every acknowledged comment must be in the database, once.
    let mut acknowledged = steady.acknowledged;
    acknowledged.extend(burst.acknowledged);
    let after: i64 = sqlx::query_scalar("select count(*) from comment")
        .fetch_one(&db.pool)
        .await?;
    let mut found = 0i64;
    for chunk in acknowledged.chunks(500) {
        let placeholders: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "select count(*) from comment where tracking in ({})",
            placeholders.join(",")
        );
        let mut q = sqlx::query_scalar::<_, i64>(&sql);
        for t in chunk {
            q = q.bind(t);
        }
        found += q.fetch_one(&db.pool).await?;
    }
    emit_for(backend, "acknowledged", acknowledged.len() as f64, "count");
    emit_for(
        backend,
        "acknowledged_missing",
        (acknowledged.len() as i64 - found) as f64,
        "count",
    );
    emit_for(backend, "stored_new", (after - before) as f64, "count");
    db.pool.close().await;
    drop(server);
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}
