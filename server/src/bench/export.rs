//! `yijian bench export`: a million comments written as CSV and as XLSX through the same code as
//! the committee's downloads, with the peak memory of the XLSX export.

use crate::bench::emit;
use crate::bench::search::load_sentences;
use crate::cli::{DataArgs, ExportBenchArgs};
use anyhow::{anyhow, Result};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::time::Instant;

fn rss_mb(field: &str) -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with(field)).and_then(|l| {
                l.split_whitespace()
                    .nth(1)
                    .and_then(|v| v.parse::<f64>().ok())
            })
        })
        .map(|kb| kb / 1024.0)
        .unwrap_or(0.0)
}

/// Restarts the kernel's peak-RSS counter (VmHWM) so the next reading covers only what follows.
fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

pub async fn run(args: ExportBenchArgs) -> Result<()> {
    let sentences = load_sentences(&args.corpus)?;
    let dir = std::env::temp_dir().join(format!("yijian-bench-export-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let data = DataArgs {
        data_dir: dir.clone(),
        database_url: None,
    };
    let db = crate::run::open_database(&data).await?;
    crate::demo::seed_stations(&db)
        .await
        .map_err(|e| anyhow!("{e:?}"))?;
    let draft_id: i64 = sqlx::query_scalar(
        "insert into draft (slug, title, created_at, updated_at) values ('bench', '基准测试草案', 0, 0) returning id",
    )
    .fetch_one(&db.pool)
    .await?;
    let stations: Vec<i64> = sqlx::query_scalar("select id from station where level >= 3")
        .fetch_all(&db.pool)
        .await?;
    // Generate the rows (not timed).
    let started = Instant::now();
    let mut rng = StdRng::seed_from_u64(5);
    let mut tx = db.begin().await?;
    let mut sql = String::new();
    let mut in_statement = 0;
    for i in 0..args.rows {
        let reason: String = (0..rng.gen_range(1..=3))
            .map(|_| sentences[rng.gen_range(0..sentences.len())].as_str())
            .collect::<String>()
            .replace('\'', "''");
        let article = rng.gen_range(1..=60);
        let station = rng
            .gen_bool(0.2)
            .then(|| stations[rng.gen_range(0..stations.len())]);
        if in_statement == 0 {
            sql = String::from(
                "insert into comment (draft_id, version_number, unit_uid, unit_label, stance, reason, \
                 tracking, status, channel, station_id, created_at, seq) values ",
            );
        } else {
            sql.push(',');
        }
        sql.push_str(&format!(
            "({draft_id}, 1, 'art-{article}', '第{}条', '{}', '{reason}', 'B{i}', 'published', '{}', {}, {}, {})",
            app::draft::parse::numerals::to_chinese(article),
            ["support", "oppose", "amend"][i % 3],
            if station.is_some() { "station" } else { "online" },
            station.map(|s| s.to_string()).unwrap_or_else(|| "null".into()),
            1_795_708_800_000i64 + i as i64 * 1000,
            i + 1
        ));
        in_statement += 1;
        if in_statement == 500 || i + 1 == args.rows {
            sqlx::query(&sql).execute(&mut *tx).await?;
            in_statement = 0;
        }
    }
    tx.commit().await?;
    emit("export", "setup_s", started.elapsed().as_secs_f64(), "s");
    let filter = app::export::Filter {
        draft_id,
        slug: "bench".into(),
        draft_title: "基准测试草案".into(),
        ..Default::default()
    };

    // CSV, drained as a client would read it.
    let started = Instant::now();
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Vec<u8>>(8);
    let reader = tokio::spawn(async move {
        let mut bytes = 0usize;
        while let Some(chunk) = rx.recv().await {
            bytes += chunk.len();
        }
        bytes
    });
    let n = app::export::csv(&db, &filter, &tx)
        .await
        .map_err(|e| anyhow!("{e:?}"))?;
    drop(tx);
    let bytes = reader.await?;
    emit("export", "csv_1m_s", started.elapsed().as_secs_f64(), "s");
    emit("export", "csv_rows", n as f64, "rows");
    emit("export", "csv_mb", bytes as f64 / 1048576.0, "MiB");

    // XLSX: summary + a sheet per article, then one flat sheet.
    for (metric, by_article) in [("xlsx_1m_s", true), ("xlsx_flat_1m_s", false)] {
        reset_peak();
        let base = rss_mb("VmRSS:");
        let path = dir.join(format!("{metric}.xlsx"));
        let started = Instant::now();
        let n = app::export::xlsx(&db, &filter, by_article, &path)
            .await
            .map_err(|e| anyhow!("{e:?}"))?;
        emit("export", metric, started.elapsed().as_secs_f64(), "s");
        let peak = rss_mb("VmHWM:");
        let suffix = if by_article { "" } else { "_flat" };
        emit("export", &format!("xlsx{suffix}_peak_mb"), peak, "MiB");
        emit(
            "export",
            &format!("xlsx{suffix}_rss_before_mb"),
            base,
            "MiB",
        );
        emit("export", &format!("xlsx{suffix}_rows"), n as f64, "rows");
        emit(
            "export",
            &format!("xlsx{suffix}_mb"),
            std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0) as f64 / 1048576.0,
            "MiB",
        );
    }
    db.pool.close().await;
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}
