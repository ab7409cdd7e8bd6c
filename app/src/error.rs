//! The one error type every server function and route returns.
//!
//! It crosses the wire (server functions serialise it as JSON), so it carries only what a
//! citizen may see: a kind and a Chinese message. Driver and I/O errors are logged on the
//! server and become `Internal`, whose message says nothing about the cause.

use serde::{Deserialize, Serialize};
use server_fn_error::{FromServerFnError, ServerFnErrorErr};
use std::fmt;

// Re-exported under a private name so the rest of the crate names the leptos types once.
mod server_fn_error {
    pub use leptos::server_fn::codec::JsonEncoding;
    pub use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
}

/// One invalid form field: the field's `name` attribute and a message for the person filling it in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// The request was malformed before any business rule ran (bad encoding, missing argument).
    #[error("{0}")]
    BadRequest(String),
    /// Not logged in, or the session ended. `expired` tells the two apart for the message.
    #[error("unauthorized")]
    Unauthorized { expired: bool },
    /// Logged in, but the role may not do this.
    #[error("forbidden")]
    Forbidden,
    /// The role may do this in general, but not here (work assigned to someone else); the
    /// message says whose it is.
    #[error("{0}")]
    Refused(String),
    /// This server cannot do it as set up (a missing program or font); the message says what
    /// to install.
    #[error("{0}")]
    Unsupported(String),
    #[error("not found")]
    NotFound,
    /// Wrong name or password. One variant for both so that a login failure does not tell
    /// whether the account exists.
    #[error("bad credentials")]
    BadCredentials,
    #[error("validation failed")]
    Validation(Vec<FieldError>),
    #[error("{0}")]
    Conflict(String),
    /// Too many attempts; try again after this many seconds.
    #[error("rate limited")]
    RateLimited { retry_after_s: u64 },
    /// The request came from another site (or did not say where it came from).
    #[error("cross-site request refused")]
    CrossSite,
    #[error("payload too large")]
    PayloadTooLarge { limit_bytes: u64 },
    /// The server is saturated (the intake queue is full); try again after this many seconds.
    #[error("service unavailable")]
    Unavailable { retry_after_s: u64 },
    #[error("internal error")]
    Internal,
}

impl AppError {
    pub fn validation(field: &str, message: impl Into<String>) -> Self {
        AppError::Validation(vec![FieldError {
            field: field.to_string(),
            message: message.into(),
        }])
    }

    /// The HTTP status this error is answered with, whichever path (form post, fetch, route) it took.
    pub fn status(&self) -> u16 {
        match self {
            AppError::BadRequest(_) => 400,
            AppError::Unauthorized { .. } | AppError::BadCredentials => 401,
            AppError::Forbidden | AppError::CrossSite | AppError::Refused(_) => 403,
            AppError::NotFound => 404,
            AppError::Conflict(_) => 409,
            AppError::PayloadTooLarge { .. } => 413,
            AppError::Validation(_) => 422,
            AppError::RateLimited { .. } => 429,
            AppError::Internal => 500,
            AppError::Unavailable { .. } | AppError::Unsupported(_) => 503,
        }
    }

    /// Seconds for a `Retry-After` header, for the errors that have one.
    pub fn retry_after(&self) -> Option<u64> {
        match self {
            AppError::RateLimited { retry_after_s } | AppError::Unavailable { retry_after_s } => {
                Some(*retry_after_s)
            }
            _ => None,
        }
    }

    /// The message shown to a person, in Chinese. Never contains internal detail.
    pub fn message(&self) -> String {
        match self {
            AppError::BadRequest(m) => format!("请求无效：{m}"),
            AppError::Unauthorized { expired: true } => "登录已过期，请重新登录。".into(),
            AppError::Unauthorized { expired: false } => "请先登录。".into(),
            AppError::Forbidden => "您的账户没有执行此操作的权限。".into(),
            AppError::NotFound => "找不到您要的内容。".into(),
            AppError::BadCredentials => "用户名或密码错误。".into(),
            AppError::Validation(errors) => errors
                .iter()
                .map(|e| e.message.as_str())
                .collect::<Vec<_>>()
                .join("；"),
            AppError::Conflict(m) | AppError::Refused(m) | AppError::Unsupported(m) => m.clone(),
            AppError::RateLimited { retry_after_s } => {
                format!("操作过于频繁，请在 {} 后再试。", wait_text(*retry_after_s))
            }
            AppError::Unavailable { retry_after_s } => format!(
                "提交的人很多，服务器正在排队处理，请在 {} 后重试。您填写的内容不会丢失，请勿关闭页面。",
                wait_text(*retry_after_s)
            ),
            AppError::CrossSite => {
                "请求来源无法验证（缺少或不匹配的 Origin），已拒绝。请从本站页面提交。".into()
            }
            AppError::PayloadTooLarge { limit_bytes } => {
                format!("提交的内容过大（上限 {} KB）。", limit_bytes / 1024)
            }
            AppError::Internal => "服务器内部错误，请稍后再试。".into(),
        }
    }
}

fn wait_text(seconds: u64) -> String {
    if seconds < 60 {
        format!("{} 秒", seconds.max(1))
    } else {
        format!("{} 分钟", seconds.div_ceil(60))
    }
}

impl FromServerFnError for AppError {
    type Encoder = server_fn_error::JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::MissingArg(_) => {
                AppError::BadRequest("表单字段缺失或格式不正确".into())
            }
            ServerFnErrorErr::Request(_) | ServerFnErrorErr::Response(_) => {
                AppError::BadRequest("网络请求失败，请检查网络后重试".into())
            }
            _ => AppError::Internal,
        }
    }
}

/// Lets views print an error with `{err}` in the user's language.
pub struct Shown<'a>(pub &'a AppError);

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.message())
    }
}

#[cfg(feature = "ssr")]
mod ssr_conversions {
    use super::AppError;

    impl From<sqlx::Error> for AppError {
        fn from(e: sqlx::Error) -> Self {
            if is_contention(&e) {
                // Another writer held the database longer than we wait: the request can be
                // repeated, and nothing the person typed is lost.
                tracing::warn!(error = ?e, "database busy");
                return AppError::Unavailable { retry_after_s: 2 };
            }
            tracing::error!(error = ?e, "database error");
            AppError::Internal
        }
    }

    /// A lock or load condition that passes: SQLite busy or locked (any extended code), a
    /// PostgreSQL serialization failure, deadlock or lock timeout, or no pooled connection
    /// free in time.
    pub fn is_contention(e: &sqlx::Error) -> bool {
        match e {
            sqlx::Error::PoolTimedOut => true,
            sqlx::Error::Database(d) => {
                let code = d.code().unwrap_or_default();
                match code.parse::<i32>() {
                    // SQLite result codes: the primary code is the low byte.
                    Ok(n) => matches!(n & 0xff, 5 | 6),
                    Err(_) => matches!(code.as_ref(), "40001" | "40P01" | "55P03"),
                }
            }
            _ => false,
        }
    }

    impl From<std::io::Error> for AppError {
        fn from(e: std::io::Error) -> Self {
            tracing::error!(error = ?e, "i/o error");
            AppError::Internal
        }
    }

    impl From<tokio::task::JoinError> for AppError {
        fn from(e: tokio::task::JoinError) -> Self {
            tracing::error!(error = ?e, "background task failed");
            AppError::Internal
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_message_reveals_nothing() {
        let m = AppError::Internal.message();
        assert!(!m.to_lowercase().contains("sql"));
        assert_eq!(AppError::Internal.status(), 500);
    }

    #[test]
    fn round_trips_as_json() {
        let e = AppError::RateLimited { retry_after_s: 90 };
        let s = serde_json::to_string(&e).unwrap();
        assert_eq!(serde_json::from_str::<AppError>(&s).unwrap(), e);
        assert!(e.message().contains("2 分钟"));
    }
}
