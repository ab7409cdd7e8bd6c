//! Forms that never lose what was typed.
//!
//! Without JavaScript a refused form post is sent back to its page (see the server's form
//! guard); what was typed is stashed server-side for one redisplay ([`StashedForm`], table
//! `form_stash`, named by a short-lived cookie) and the page's form fills itself from it
//! ([`FormMemory`]), with each field's error beside it. With JavaScript the form stays on the
//! page as typed and the same errors come from the server action's result. Either way the first
//! field in error gets the focus.

use crate::error::{AppError, FieldError};
use serde::{Deserialize, Serialize};

/// Name of the cookie that names a stashed form.
pub const FORM_COOKIE: &str = "yj_form";

/// Fields never stashed: secrets, and single-use answers.
pub const NEVER_KEPT: &[&str] = &[
    "password",
    "new_password",
    "current",
    "challenge_token",
    "challenge_answer",
];

/// What a refused form held, for one redisplay.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StashedForm {
    /// The server function's path the form posted to (`/api/comments/submit`).
    pub action: String,
    /// The fields as posted, in order (a name may repeat).
    pub fields: Vec<(String, String)>,
    pub errors: Vec<FieldError>,
    /// The refusal as a person reads it.
    pub message: String,
}

/// What a form shows again: the values typed and the errors per field. Empty when nothing was
/// stashed for this form.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FormMemory(Option<StashedForm>);

impl FormMemory {
    /// The memory of the form posting to `action`, from the session's stash.
    pub fn of(stash: Option<&StashedForm>, action: &str) -> FormMemory {
        FormMemory(stash.filter(|s| s.action == action).cloned())
    }

    /// Whether a refused submission of this form is being shown again.
    pub fn refused(&self) -> bool {
        self.0.is_some()
    }

    /// The typed value of a field, if the form is being shown again.
    pub fn value(&self, name: &str) -> Option<String> {
        self.0.as_ref().and_then(|s| {
            s.fields
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        })
    }

    /// The typed value, or `default` when the form is new.
    pub fn value_or(&self, name: &str, default: impl Into<String>) -> String {
        self.value(name).unwrap_or_else(|| default.into())
    }

    /// Whether a checkbox or radio button with this value was ticked.
    pub fn checked(&self, name: &str, value: &str) -> bool {
        self.0.as_ref().is_some_and(|s| {
            s.fields
                .iter()
                .any(|(k, v)| (k == name || k == &format!("{name}[]")) && v == value)
        })
    }

    /// The error of a field.
    pub fn error(&self, name: &str) -> Option<String> {
        self.0.as_ref().and_then(|s| field_error(&s.errors, name))
    }

    /// The refusal's message (for the summary beside the submit button).
    pub fn message(&self) -> Option<String> {
        self.0.as_ref().map(|s| s.message.clone())
    }

    /// The first field in error, to focus.
    pub fn first_error(&self) -> Option<String> {
        self.0
            .as_ref()
            .and_then(|s| s.errors.first().map(|e| e.field.clone()))
    }
}

/// The message of field `name` among validation errors.
pub fn field_error(errors: &[FieldError], name: &str) -> Option<String> {
    errors
        .iter()
        .find(|e| e.field == name)
        .map(|e| e.message.clone())
}

/// The field errors an error carries (validation), else none.
pub fn errors_of(e: &AppError) -> Vec<FieldError> {
    match e {
        AppError::Validation(list) => list.clone(),
        _ => Vec::new(),
    }
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use super::*;
    use crate::ssr::{now_ms, Db};

    /// Keeps a refused url-encoded form (without the fields in [`NEVER_KEPT`]) for one
    /// redisplay; returns its id for the cookie. Stashes older than an hour go.
    pub async fn stash(
        db: &Db,
        action: &str,
        body: &[u8],
        error: &AppError,
    ) -> Result<String, AppError> {
        let fields: Vec<(String, String)> = url::form_urlencoded::parse(body)
            .filter(|(k, _)| !NEVER_KEPT.contains(&k.as_ref()))
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        let id = crate::comment::intake::random_key();
        let now = now_ms();
        sqlx::query("delete from form_stash where created_at < $1")
            .bind(now - 3_600_000)
            .execute(&db.pool)
            .await?;
        let json = |v: serde_json::Result<String>| v.unwrap_or_default();
        sqlx::query(
            "insert into form_stash (id, action, fields_json, errors_json, created_at) \
             values ($1, $2, $3, $4, $5)",
        )
        .bind(&id)
        .bind(action)
        .bind(json(serde_json::to_string(&fields)))
        .bind(json(serde_json::to_string(&(
            errors_of(error),
            error.message(),
        ))))
        .bind(now)
        .execute(&db.pool)
        .await?;
        Ok(id)
    }

    /// Keeps an uploaded file for its uploader for a day (so a checked file can be imported
    /// without choosing it again); returns its id.
    pub async fn keep_upload(
        db: &Db,
        account_id: i64,
        name: &str,
        bytes: &[u8],
    ) -> Result<String, AppError> {
        let id = crate::comment::intake::random_key();
        let now = now_ms();
        sqlx::query("delete from upload_stash where created_at < $1")
            .bind(now - 86_400_000)
            .execute(&db.pool)
            .await?;
        sqlx::query(
            "insert into upload_stash (id, account_id, name, bytes, created_at) \
             values ($1, $2, $3, $4, $5)",
        )
        .bind(&id)
        .bind(account_id)
        .bind(name)
        .bind(bytes)
        .bind(now)
        .execute(&db.pool)
        .await?;
        Ok(id)
    }

    /// A file kept by [`keep_upload`], for its uploader only: (name, bytes).
    pub async fn kept_upload(
        db: &Db,
        account_id: i64,
        id: &str,
    ) -> Result<(String, Vec<u8>), AppError> {
        sqlx::query_as("select name, bytes from upload_stash where id = $1 and account_id = $2")
            .bind(id)
            .bind(account_id)
            .fetch_optional(&db.pool)
            .await?
            .ok_or_else(|| {
                AppError::validation("file", "找不到之前上传的文件（保留一天），请重新选择文件")
            })
    }

    /// The stashed form `id`, removed as it is read (it is shown once).
    pub async fn take(db: &Db, id: &str) -> Result<Option<StashedForm>, AppError> {
        let row: Option<(String, String, String)> = sqlx::query_as(
            "delete from form_stash where id = $1 returning action, fields_json, errors_json",
        )
        .bind(id)
        .fetch_optional(&db.pool)
        .await?;
        Ok(row.map(|(action, fields, errors)| {
            let (errors, message): (Vec<FieldError>, String) =
                serde_json::from_str(&errors).unwrap_or_default();
            StashedForm {
                action,
                fields: serde_json::from_str(&fields).unwrap_or_default(),
                errors,
                message,
            }
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_answers_only_for_its_own_form() {
        let stash = StashedForm {
            action: "/api/comments/submit".into(),
            fields: vec![
                ("stance".into(), "oppose".into()),
                ("reason".into(), "太长的理由".into()),
                ("levels[]".into(), "2".into()),
            ],
            errors: vec![FieldError {
                field: "contact".into(),
                message: "联系方式须为手机号码或电子邮箱".into(),
            }],
            message: "联系方式须为手机号码或电子邮箱".into(),
        };
        let m = FormMemory::of(Some(&stash), "/api/comments/submit");
        assert!(m.refused());
        assert_eq!(m.value("reason").as_deref(), Some("太长的理由"));
        assert!(m.checked("stance", "oppose") && !m.checked("stance", "support"));
        assert!(m.checked("levels", "2"));
        assert_eq!(m.first_error().as_deref(), Some("contact"));
        let other = FormMemory::of(Some(&stash), "/api/drafts/publish");
        assert!(!other.refused() && other.value("reason").is_none());
    }
}
