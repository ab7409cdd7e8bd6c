//! `yijian bench …`: benchmarks that print one JSON line per figure, e.g.
//! `{"bench":"parse","metric":"parse_ms","value":12.3,"unit":"ms"}`.

use anyhow::{Context, Result};
use std::path::PathBuf;
use std::time::Instant;

fn emit(bench: &str, metric: &str, value: f64, unit: &str) {
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
    Ok(())
}
