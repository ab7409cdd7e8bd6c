//! The state every request handler and server function can reach.

use super::db::Db;
use crate::error::AppError;
use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use leptos::prelude::use_context;
use std::sync::Arc;

/// Runtime settings derived from the command line (see `yijian serve --help`).
#[derive(Clone, Debug)]
pub struct Settings {
    /// The public origin (`https://yijian.example.gov.cn`), used for links in mail and the
    /// cross-site check. `None` means "whatever Host the request came to".
    pub public_url: Option<url::Url>,
    /// Mark cookies `Secure`; on whenever the public URL is https.
    pub secure_cookies: bool,
    /// How long a login lasts without activity, in seconds.
    pub session_ttl_s: i64,
    /// Failed logins allowed per account within `login_window_s`.
    pub login_max_per_account: i64,
    /// Failed logins allowed per client IP within `login_window_s`.
    pub login_max_per_ip: i64,
    pub login_window_s: i64,
    /// Largest form body accepted, in bytes.
    pub form_limit_bytes: usize,
    /// Take the client address from `X-Forwarded-For` (only behind our own proxy).
    pub trust_proxy: bool,
    /// Comments public only after approval (pre) or at once unless flagged (post).
    pub moderation: crate::comment::Moderation,
    /// Comment submissions one client address may make per minute (then 429).
    pub comment_per_ip_per_min: u32,
    /// From this many submissions per minute, an address must answer a challenge.
    pub comment_challenge_from_per_min: u32,
    /// Comments one phone number or e-mail address may leave per hour.
    pub comment_per_contact_per_hour: u32,
    /// Comments waiting to be written before new ones get 503 + Retry-After.
    pub intake_queue: usize,
    /// Where this server keeps its search index; `None` keeps it in memory (rebuilt from the
    /// database at every start).
    pub search_dir: Option<std::path::PathBuf>,
    /// The Chromium that prints PDFs; `None` looks for one on the PATH.
    pub pdf_browser: Option<std::path::PathBuf>,
    /// How long an anonymous reader's public page (draft list, reading page …) is served from
    /// this server's cache of rendered pages; any change made through this server empties it
    /// at once. 0 renders every request.
    pub page_cache_s: u64,
    /// Anonymous readers' public reading pages go out with the light script instead of the
    /// application bundle (see `shell`); off, every page hydrates.
    pub light_reading_pages: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            public_url: None,
            secure_cookies: false,
            session_ttl_s: 7 * 24 * 3600,
            login_max_per_account: 5,
            login_max_per_ip: 30,
            login_window_s: 15 * 60,
            form_limit_bytes: 64 * 1024,
            trust_proxy: false,
            moderation: crate::comment::Moderation::Pre,
            comment_per_ip_per_min: 60,
            comment_challenge_from_per_min: 10,
            comment_per_contact_per_hour: 30,
            intake_queue: 4096,
            search_dir: None,
            pdf_browser: None,
            page_cache_s: 0,
            light_reading_pages: true,
        }
    }
}

#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: Db,
    pub settings: Arc<Settings>,
    /// The comment intake: group commit, rate limits, unit cache.
    pub intake: Arc<crate::comment::intake::Intake>,
    /// This server's search index, following the database.
    pub search: Arc<crate::search::feed::SearchIndex>,
}

/// The state inside a server function or a rendered page. Missing state is a wiring bug in
/// the server, reported as an internal error rather than a panic.
pub fn app_state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState missing from the reactive context");
        AppError::Internal
    })
}
