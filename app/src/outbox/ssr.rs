//! The outbox sender: delivers the mail written to the `outbox` table (always in the same
//! transaction as the event that causes it) over SMTP, or — without SMTP configured — as .eml
//! files in the data directory, so the embedded demo still shows what was sent.
//!
//! Each message is claimed with a lease before it is sent (`next_attempt_at` moved ahead), so
//! several servers sharing one database do not send it twice; it is marked sent only after the
//! SMTP server accepted it. Transient failures retry with growing delays; a permanent refusal
//! (e.g. 550 unknown recipient) or the last attempt marks it failed, listed for the admin.

use super::OutboxItem;
use crate::error::AppError;
use crate::ssr::{now_ms, Db};
use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::path::PathBuf;
use std::time::Duration;

/// Attempts before a message is given up as failed.
pub const MAX_ATTEMPTS: i64 = 8;
/// How long a claimed message is reserved for the server that claimed it.
const LEASE_MS: i64 = 5 * 60_000;

pub enum Delivery {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    /// Write each message as `<id>.eml` into this directory.
    Files(PathBuf),
}

impl Delivery {
    /// `smtp://user:pass@host:587?tls=required` (STARTTLS), `smtps://…:465`, or plain `smtp://host:25`.
    pub fn from_config(smtp_url: Option<&str>, eml_dir: PathBuf) -> Result<Delivery, String> {
        match smtp_url {
            Some(url) => AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                .map(|b| Delivery::Smtp(b.timeout(Some(Duration::from_secs(20))).build()))
                .map_err(|e| format!("invalid --smtp-url {url:?}: {e}")),
            None => Ok(Delivery::Files(eml_dir)),
        }
    }
}

/// Queues one message, on the caller's connection or transaction (so it is sent only if what
/// causes it commits). The HTML part is made from the text.
pub async fn enqueue(
    conn: &mut sqlx::AnyConnection,
    kind: &str,
    recipient: &str,
    subject: &str,
    text: &str,
) -> Result<(), AppError> {
    let now = now_ms();
    sqlx::query(
        "insert into outbox (kind, recipient, subject, body_text, body_html, next_attempt_at, \
         created_at) values ($1, $2, $3, $4, $5, $6, $6)",
    )
    .bind(kind)
    .bind(recipient)
    .bind(subject)
    .bind(text)
    .bind(super::templates::html_of(text))
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Delay before attempt `n` (1-based) is retried: 30 s, 1 min, 2 min, … capped at 1 h.
pub fn backoff_ms(attempts: i64) -> i64 {
    (30_000i64 << (attempts - 1).clamp(0, 7)).min(3_600_000)
}

#[derive(sqlx::FromRow)]
struct Queued {
    id: i64,
    recipient: String,
    subject: String,
    body_text: String,
    body_html: String,
    attempts: i64,
}

/// Sends what is due, one message at a time, until nothing is due; returns how many were
/// handled. The background loop calls it every second; tests call it directly.
pub async fn send_due(db: &Db, delivery: &Delivery, from: &Mailbox) -> Result<usize, AppError> {
    let mut handled = 0;
    loop {
        let now = now_ms();
        let next: Option<Queued> = sqlx::query_as(
            "select id, recipient, subject, body_text, body_html, attempts from outbox \
             where status = 'queued' and next_attempt_at <= $1 order by id limit 1",
        )
        .bind(now)
        .fetch_optional(&db.pool)
        .await?;
        let Some(m) = next else { return Ok(handled) };
        // Claim it: only one server wins the update.
        let claimed = sqlx::query(
            "update outbox set next_attempt_at = $1, attempts = attempts + 1 \
             where id = $2 and status = 'queued' and next_attempt_at <= $3",
        )
        .bind(now + LEASE_MS)
        .bind(m.id)
        .bind(now)
        .execute(&db.pool)
        .await?
        .rows_affected();
        if claimed == 0 {
            continue;
        }
        let attempts = m.attempts + 1;
        let outcome = deliver(delivery, from, &m).await;
        match outcome {
            Ok(()) => {
                sqlx::query("update outbox set status = 'sent', sent_at = $1, last_error = '' where id = $2")
                    .bind(now_ms())
                    .bind(m.id)
                    .execute(&db.pool)
                    .await?;
            }
            Err((permanent, error)) => {
                let give_up = permanent || attempts >= MAX_ATTEMPTS;
                tracing::warn!(id = m.id, attempts, permanent, %error, "mail not delivered");
                sqlx::query(
                    "update outbox set status = $1, last_error = $2, next_attempt_at = $3 where id = $4",
                )
                .bind(if give_up { "failed" } else { "queued" })
                .bind(&error)
                .bind(now_ms() + backoff_ms(attempts))
                .bind(m.id)
                .execute(&db.pool)
                .await?;
            }
        }
        handled += 1;
    }
}

/// Ok, or (permanent?, reason).
async fn deliver(delivery: &Delivery, from: &Mailbox, m: &Queued) -> Result<(), (bool, String)> {
    let to: Mailbox = m
        .recipient
        .parse()
        .map_err(|e| (true, format!("invalid recipient {:?}: {e}", m.recipient)))?;
    let builder = Message::builder()
        .from(from.clone())
        .to(to)
        .subject(m.subject.clone());
    let message = if m.body_html.is_empty() {
        builder.body(m.body_text.clone())
    } else {
        builder.multipart(MultiPart::alternative_plain_html(
            m.body_text.clone(),
            m.body_html.clone(),
        ))
    }
    .map_err(|e| (true, format!("cannot build the message: {e}")))?;
    match delivery {
        Delivery::Smtp(t) => t
            .send(message)
            .await
            .map(|_| ())
            .map_err(|e| (e.is_permanent(), e.to_string())),
        Delivery::Files(dir) => {
            let path = dir.join(format!("{}.eml", m.id));
            tokio::fs::create_dir_all(dir)
                .await
                .and(tokio::fs::write(&path, message.formatted()).await)
                .map_err(|e| (false, format!("cannot write {}: {e}", path.display())))
        }
    }
}

/// Runs the sender for the life of the server: wakes every second.
pub async fn run(db: Db, delivery: Delivery, from: Mailbox) {
    loop {
        if let Err(e) = send_due(&db, &delivery, &from).await {
            tracing::error!(error = ?e, "outbox sender");
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

#[derive(sqlx::FromRow)]
struct ListRow {
    id: i64,
    kind: String,
    recipient: String,
    subject: String,
    status: String,
    attempts: i64,
    last_error: String,
    created_at: i64,
    next_attempt_at: i64,
}

/// Failed and waiting mail, newest first, for the admin page.
pub async fn list(db: &Db) -> Result<Vec<OutboxItem>, AppError> {
    let rows: Vec<ListRow> = sqlx::query_as(
        "select id, kind, recipient, subject, status, attempts, last_error, created_at, \
         next_attempt_at from outbox where status <> 'sent' order by id desc limit 200",
    )
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| OutboxItem {
            id: r.id,
            kind: r.kind,
            recipient: r.recipient,
            subject: r.subject,
            failed: r.status == "failed",
            attempts: r.attempts,
            last_error: r.last_error,
            created_at: crate::draft::time::format_local(r.created_at),
            next_attempt_at: crate::draft::time::format_local(r.next_attempt_at),
        })
        .collect())
}

/// Puts a failed message back in the queue, due now.
pub async fn retry(db: &Db, id: i64) -> Result<(), AppError> {
    let n = sqlx::query(
        "update outbox set status = 'queued', attempts = 0, next_attempt_at = $1 \
         where id = $2 and status = 'failed'",
    )
    .bind(now_ms())
    .bind(id)
    .execute(&db.pool)
    .await?
    .rows_affected();
    if n == 0 {
        return Err(AppError::Conflict("该邮件不在发送失败列表中".into()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn backoff_grows_and_is_capped() {
        assert_eq!(super::backoff_ms(1), 30_000);
        assert_eq!(super::backoff_ms(2), 60_000);
        assert_eq!(super::backoff_ms(20), 3_600_000);
    }
}
