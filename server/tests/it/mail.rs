//! The outbox against a real SMTP server on loopback (Debian's python3-aiosmtpd, started here):
//! delivery in UTF-8, queueing while the server is down, no double sending, permanent refusals.

use crate::support::*;
use app::auth::Role;
use app::outbox::ssr::{send_due, Delivery};
use http::StatusCode;
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

const SLUG: &str = "changji-urban-heating";

pub(crate) struct Smtp {
    child: Child,
    pub(crate) port: u16,
    dir: PathBuf,
}

impl Smtp {
    pub(crate) fn start(port: u16, dir: &Path) -> Smtp {
        std::fs::create_dir_all(dir).unwrap();
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it/smtp_sink.py");
        let mut child = Command::new("/usr/bin/python3")
            .arg(&script)
            .arg(port.to_string())
            .arg(dir)
            .stdout(Stdio::piped())
            .spawn()
            .expect("python3 with aiosmtpd (apt install python3-aiosmtpd; .ci/setup does)");
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        assert_eq!(line.trim(), "ready", "the SMTP server started");
        Smtp {
            child,
            port,
            dir: dir.to_path_buf(),
        }
    }

    pub(crate) fn received(&self) -> Vec<serde_json::Value> {
        let mut out: Vec<_> = std::fs::read_dir(&self.dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        out.sort();
        out.into_iter()
            .map(|p| serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap())
            .collect()
    }
}

impl Drop for Smtp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub(crate) fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

pub(crate) fn temp_dir(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("yijian-{name}-{:x}", rand::random::<u64>()))
}

pub(crate) fn smtp_delivery(port: u16) -> Delivery {
    Delivery::from_config(
        Some(&format!("smtp://127.0.0.1:{port}")),
        temp_dir("unused"),
    )
    .unwrap()
}

pub(crate) fn from() -> lettre::message::Mailbox {
    "意见平台 <noreply@yijian.test>".parse().unwrap()
}

async fn comment_with_email(app: &TestApp, email: &str, key: &str) -> String {
    // The demo's publication notices to 437 stations are tested on their own below.
    sqlx::query("delete from outbox where kind <> 'comment_receipt'")
        .execute(&app.db.pool)
        .await
        .unwrap();
    let res = app
        .post_form(
            "/api/comments/submit",
            &[
                ("slug", SLUG),
                ("uid", "art-2"),
                ("stance", "support"),
                ("reason", "赞成。"),
                ("contact", email),
                ("idempotency_key", key),
            ],
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    serde_json::from_str(&res.body).unwrap()
}

async fn outbox_status(app: &TestApp) -> Vec<(String, String, i64)> {
    sqlx::query_as("select recipient, status, attempts from outbox order by id")
        .fetch_all(&app.db.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn the_receipt_arrives_over_smtp_in_utf8_once() {
    let app = TestApp::new().await;
    server::demo::seed(&app.db).await.unwrap();
    let smtp = Smtp::start(free_port(), &temp_dir("smtp"));
    let tracking = comment_with_email(&app, "li@example.cn", "key-smtp-00000000001").await;
    let delivery = smtp_delivery(smtp.port);
    assert_eq!(send_due(&app.db, &delivery, &from()).await.unwrap(), 1);
    let got = smtp.received();
    assert_eq!(got.len(), 1);
    let m = &got[0];
    assert_eq!(m["rcpt"], serde_json::json!(["li@example.cn"]));
    assert_eq!(
        m["subject"],
        format!("您的意见已收到（回执编号 {tracking}）")
    );
    assert!(m["from"].as_str().unwrap().contains("意见平台"));
    let text = m["text"].as_str().unwrap();
    assert!(text.contains("《昌吉回族自治州城镇供热条例》第二条") && text.contains(&tracking));
    assert_eq!(m["html"], true, "an HTML alternative is attached");
    assert_eq!(
        outbox_status(&app).await,
        vec![("li@example.cn".into(), "sent".into(), 1)]
    );
    // Nothing is sent twice: a later run (or a restarted server) finds nothing due.
    let again = smtp_delivery(smtp.port);
    assert_eq!(send_due(&app.db, &again, &from()).await.unwrap(), 0);
    assert_eq!(smtp.received().len(), 1);
}

#[tokio::test]
async fn mail_waits_while_the_smtp_server_is_down_and_goes_when_it_is_back() {
    let app = TestApp::new().await;
    server::demo::seed(&app.db).await.unwrap();
    let port = free_port();
    comment_with_email(&app, "wang@example.cn", "key-smtp-00000000002").await;
    let delivery = smtp_delivery(port);
    // No server listening: the attempt fails, the mail stays queued for a later attempt.
    assert_eq!(send_due(&app.db, &delivery, &from()).await.unwrap(), 1);
    let (status, attempts, error, next): (String, i64, String, i64) =
        sqlx::query_as("select status, attempts, last_error, next_attempt_at from outbox")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert_eq!((status.as_str(), attempts), ("queued", 1));
    assert!(!error.is_empty());
    assert!(next > app::ssr::now_ms(), "retried later, with backoff");
    assert_eq!(
        send_due(&app.db, &delivery, &from()).await.unwrap(),
        0,
        "not due yet"
    );
    // The server comes back; time passes.
    let smtp = Smtp::start(port, &temp_dir("smtp"));
    sqlx::query("update outbox set next_attempt_at = 0")
        .execute(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(send_due(&app.db, &delivery, &from()).await.unwrap(), 1);
    assert_eq!(smtp.received().len(), 1);
    assert_eq!(outbox_status(&app).await[0].1, "sent");
}

#[tokio::test]
async fn a_refused_address_fails_at_once_and_the_admin_can_retry_it() {
    let app = TestApp::new().await;
    server::demo::seed(&app.db).await.unwrap();
    let smtp = Smtp::start(free_port(), &temp_dir("smtp"));
    comment_with_email(&app, "rejected@example.cn", "key-smtp-00000000003").await;
    let delivery = smtp_delivery(smtp.port);
    send_due(&app.db, &delivery, &from()).await.unwrap();
    let (status, error): (String, String) = sqlx::query_as("select status, last_error from outbox")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(status, "failed", "550 is permanent: no retries");
    assert!(error.contains("550"), "{error}");
    assert!(smtp.received().is_empty());
    let admin = app.login(Role::Admin).await;
    let page = app.get("/admin/outbox", Some(&admin)).await;
    assert!(page.body.contains("rejected@example.cn") && page.body.contains("发送失败"));
    let id: i64 = sqlx::query_scalar("select id from outbox")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let res = app
        .post_form(
            "/api/admin/outbox/retry",
            &[("id", &id.to_string())],
            Some(&admin),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(outbox_status(&app).await[0].1, "queued");
    // A message that has not failed cannot be "retried".
    let res = app
        .post_form(
            "/api/admin/outbox/retry",
            &[("id", &id.to_string())],
            Some(&admin),
        )
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT);
}

#[tokio::test]
async fn without_smtp_mail_is_written_as_eml_files() {
    let app = TestApp::new().await;
    server::demo::seed(&app.db).await.unwrap();
    let tracking = comment_with_email(&app, "zhao@example.cn", "key-smtp-00000000004").await;
    let dir = temp_dir("eml");
    let delivery = Delivery::from_config(None, dir.clone()).unwrap();
    assert_eq!(send_due(&app.db, &delivery, &from()).await.unwrap(), 1);
    let files: Vec<_> = std::fs::read_dir(&dir).unwrap().collect();
    assert_eq!(files.len(), 1);
    let eml = std::fs::read_to_string(files[0].as_ref().unwrap().path()).unwrap();
    assert!(
        eml.contains("To: zhao@example.cn") && eml.contains("Subject: "),
        "{eml}"
    );
    assert!(!eml.is_empty() && !tracking.is_empty());
    assert_eq!(outbox_status(&app).await[0].1, "sent");
}

#[tokio::test]
async fn stations_get_the_publication_notice_by_mail() {
    let app = TestApp::new().await;
    server::demo::seed(&app.db).await.unwrap();
    let stations = app
        .count("select count(*) from station where active = 1 and email <> ''")
        .await;
    assert_eq!(
        app.count("select count(*) from outbox where kind = 'publication_notice'")
            .await,
        2 * stations,
        "both demo publications were mailed to every station"
    );
    // Deliver the first station's notice only (the rest would take a while over SMTP).
    sqlx::query(
        "delete from outbox where id <> (select min(id) from outbox where kind = 'publication_notice')",
    )
    .execute(&app.db.pool)
    .await
    .unwrap();
    let smtp = Smtp::start(free_port(), &temp_dir("smtp"));
    assert_eq!(
        send_due(&app.db, &smtp_delivery(smtp.port), &from())
            .await
            .unwrap(),
        1
    );
    let got = smtp.received();
    // (The subject's double space inside 总  则 is folded by the header encoding.)
    assert!(
        got[0]["subject"]
            .as_str()
            .unwrap()
            .starts_with("【征求意见】《昌吉回族自治州城镇供热条例》第一章"),
        "{}",
        got[0]["subject"]
    );
    let text = got[0]["text"].as_str().unwrap();
    assert!(
        text.contains("/drafts/changji-urban-heating") && text.contains("/station/notices"),
        "{text}"
    );
}
