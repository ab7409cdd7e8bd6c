//! Durability: a server killed with SIGKILL in the middle of a stream of comments loses none
//! it acknowledged, and retries after the restart create no duplicates.

use crate::support::*;
use server::bench::{bench_comment, ServerProcess};
use server::httpc::Conn;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Mutex;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_mid_stream_loses_no_acknowledged_comment() {
    let exe_path = crate::support::yijian_bin();
    let exe = exe_path.as_path();
    let (url, dir) = fresh_database_url().await;
    let data = dir.unwrap_or_else(|| {
        std::env::temp_dir().join(format!("yijian-crash-{:x}", rand::random::<u64>()))
    });
    let pg = wants_postgres().then_some(url.as_str());
    let flags = [
        "--comment-per-ip-per-min",
        "1000000000",
        "--comment-challenge-from-per-min",
        "1000000000",
    ];
    let mut server = ServerProcess::start(exe, &data, pg, &flags).await.unwrap();
    let addr = server.addr;
    let salt: u64 = rand::random();
    // (client, i) → tracking number, for every acknowledged submission; and those sent but
    // not answered when the server died.
    let acked = Arc::new(Mutex::new(HashMap::<(usize, u64), String>::new()));
    let unanswered = Arc::new(Mutex::new(Vec::<(usize, u64)>::new()));
    let clients: Vec<_> = (0..16)
        .map(|c| {
            let (acked, unanswered) = (acked.clone(), unanswered.clone());
            tokio::spawn(async move {
                let Ok(mut conn) = Conn::connect(addr).await else {
                    return;
                };
                for i in 0.. {
                    match conn
                        .post_form("/api/comments/submit", &bench_comment(c, i, salt))
                        .await
                    {
                        Ok(r) if r.status == 200 => {
                            let t: String = serde_json::from_str(&r.body).unwrap();
                            acked.lock().await.insert((c, i), t);
                        }
                        Ok(r) => panic!("unexpected {}: {}", r.status, r.body),
                        Err(_) => {
                            unanswered.lock().await.push((c, i));
                            return;
                        }
                    }
                }
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    server.kill();
    for c in clients {
        c.await.unwrap();
    }
    let acked = acked.lock().await.clone();
    let unanswered = unanswered.lock().await.clone();
    assert!(
        acked.len() > 100,
        "the stream was running ({} acknowledged)",
        acked.len()
    );

    // Every acknowledged number is stored.
    let db = app::ssr::db::connect(&match pg {
        Some(u) => u.to_string(),
        None => format!("sqlite://{}", data.join("yijian.db").display()),
    })
    .await
    .unwrap();
    let mut missing = Vec::new();
    for t in acked.values() {
        let n: i64 = sqlx::query_scalar("select count(*) from comment where tracking = $1")
            .bind(t)
            .fetch_one(&db.pool)
            .await
            .unwrap();
        if n != 1 {
            missing.push(t.clone());
        }
    }
    assert!(
        missing.is_empty(),
        "acknowledged but not stored: {missing:?}"
    );

    // After a restart the unanswered ones are retried with their keys: each is stored once,
    // whether or not it had reached the disk before the kill.
    let server = ServerProcess::start(exe, &data, pg, &flags).await.unwrap();
    let mut conn = Conn::connect(server.addr).await.unwrap();
    for &(c, i) in &unanswered {
        let r = conn
            .post_form("/api/comments/submit", &bench_comment(c, i, salt))
            .await
            .unwrap();
        assert_eq!(r.status, 200, "{}", r.body);
    }
    // And a retry of an acknowledged one gives its first number.
    if let Some(((c, i), t)) = acked.iter().next() {
        let r = conn
            .post_form("/api/comments/submit", &bench_comment(*c, *i, salt))
            .await
            .unwrap();
        assert_eq!(&serde_json::from_str::<String>(&r.body).unwrap(), t);
    }
    let pattern = format!("bench-{salt:x}-%");
    let (rows, keys): (i64, i64) = sqlx::query_as(
        "select count(*), count(distinct idempotency_key) from comment where idempotency_key like $1",
    )
    .bind(&pattern)
    .fetch_one(&db.pool)
    .await
    .unwrap();
    assert_eq!(rows, keys, "no comment appears twice");
    assert_eq!(
        rows as usize,
        acked.len() + unanswered.len(),
        "exactly the acknowledged and the retried comments are stored"
    );
    db.pool.close().await;
    drop(server);
    let _ = std::fs::remove_dir_all(&data);
}
