//! Search over comments and draft text: tantivy with Chinese word segmentation, facets,
//! highlighted snippets; the committee searches every comment, the public only published
//! comments and published drafts.

// The search server functions take one argument per URL parameter (plain GET/POST forms).
#![allow(clippy::too_many_arguments)]

#[cfg(feature = "ssr")]
pub mod feed;
#[cfg(feature = "ssr")]
pub mod index;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod tokenize;

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

pub const PAGE_SIZE: i64 = 20;

/// A search as written in the URL (`/committee/search?q=供热&stance=oppose&page=2`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchParams {
    pub q: Option<String>,
    /// `comment` or `draft` (public search: both by default).
    pub kind: Option<String>,
    pub draft: Option<String>,
    pub article: Option<String>,
    pub stance: Option<String>,
    pub channel: Option<String>,
    pub level: Option<String>,
    pub county: Option<String>,
    pub disposition: Option<String>,
    pub status: Option<String>,
    pub day: Option<String>,
    /// Submitted from / to (inclusive), `YYYY-MM-DD`, China time.
    pub from: Option<String>,
    pub to: Option<String>,
    /// `relevance` (default with a query) or `date` (newest first).
    pub sort: Option<String>,
    pub page: Option<i64>,
}

impl SearchParams {
    /// The parameters of a query string, read through `get` (which returns a parameter by name,
    /// `None` when absent): the search pages and the exports read the same names.
    pub fn from_query(get: impl Fn(&str) -> Option<String>) -> SearchParams {
        let get = |k: &str| {
            get(k)
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        SearchParams {
            q: get("q"),
            kind: get("kind"),
            draft: get("draft"),
            article: get("article"),
            stance: get("stance"),
            channel: get("channel"),
            level: get("level"),
            county: get("county"),
            disposition: get("disposition"),
            status: get("status"),
            day: get("day"),
            from: get("from"),
            to: get("to"),
            sort: get("sort"),
            page: get("page").and_then(|p| p.parse().ok()),
        }
    }

    /// The facet filters that are set, as (name, value).
    pub fn filters(&self) -> impl Iterator<Item = (&'static str, &str)> {
        [
            ("draft", &self.draft),
            ("article", &self.article),
            ("stance", &self.stance),
            ("channel", &self.channel),
            ("level", &self.level),
            ("county", &self.county),
            ("disposition", &self.disposition),
            ("status", &self.status),
            ("day", &self.day),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.as_deref().filter(|v| !v.is_empty()).map(|v| (k, v)))
    }

    /// The URL query string of these parameters, with `change` applied (`None` removes).
    pub fn query_string(&self, change: &[(&str, Option<&str>)]) -> String {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        let mut push = |k: &'static str, v: &Option<String>| {
            if let Some(v) = v.as_deref().filter(|v| !v.is_empty()) {
                pairs.push((k, v.to_string()));
            }
        };
        push("q", &self.q);
        push("kind", &self.kind);
        push("draft", &self.draft);
        push("article", &self.article);
        push("stance", &self.stance);
        push("channel", &self.channel);
        push("level", &self.level);
        push("county", &self.county);
        push("disposition", &self.disposition);
        push("status", &self.status);
        push("day", &self.day);
        push("from", &self.from);
        push("to", &self.to);
        push("sort", &self.sort);
        if let Some(p) = self.page.filter(|p| *p > 1) {
            pairs.push(("page", p.to_string()));
        }
        for (k, v) in change {
            pairs.retain(|(pk, _)| pk != k);
            if let Some(v) = v {
                pairs.push((k, v.to_string()));
            }
        }
        pairs
            .iter()
            .map(|(k, v)| format!("{k}={}", encode(v)))
            .collect::<Vec<_>>()
            .join("&")
    }
}

/// Percent-encodes a query-string value.
pub fn encode(v: &str) -> String {
    let mut out = String::new();
    for b in v.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hit {
    /// `comment` or `draft`.
    pub kind: String,
    pub comment_id: Option<i64>,
    pub slug: String,
    pub draft_title: String,
    pub version: i64,
    pub unit_uid: String,
    pub unit_label: String,
    pub stance: String,
    pub status: String,
    pub channel: String,
    pub station: String,
    pub disposition: String,
    pub day: String,
    /// Empty in public results.
    pub tracking: String,
    /// Escaped text with the matched words in `<b>`.
    pub snippet_html: String,
    pub wording_html: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FacetCount {
    pub value: String,
    pub label: String,
    pub count: i64,
    pub active: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FacetGroup {
    pub name: String,
    pub heading: String,
    pub values: Vec<FacetCount>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchResults {
    pub total: i64,
    pub page: i64,
    pub pages: i64,
    pub hits: Vec<Hit>,
    pub facets: Vec<FacetGroup>,
    /// A hint for the reader (nothing found, query without words, page past the end).
    pub message: Option<String>,
}

/// Committee: search every comment (any moderation status) with facets.
#[server(prefix = "/api", endpoint = "search/comments")]
pub async fn search_comments(
    q: Option<String>,
    kind: Option<String>,
    draft: Option<String>,
    article: Option<String>,
    stance: Option<String>,
    channel: Option<String>,
    level: Option<String>,
    county: Option<String>,
    disposition: Option<String>,
    status: Option<String>,
    day: Option<String>,
    from: Option<String>,
    to: Option<String>,
    sort: Option<String>,
    page: Option<i64>,
) -> Result<SearchResults, AppError> {
    use crate::auth::Role;
    crate::auth::ssr::require(&[Role::Committee, Role::Admin])?;
    let p = SearchParams {
        q,
        kind,
        draft,
        article,
        stance,
        channel,
        level,
        county,
        disposition,
        status,
        day,
        from,
        to,
        sort,
        page,
    };
    ssr::run(p, false).await
}

/// Everyone: search published comments and the text of published drafts.
#[server(prefix = "/api", endpoint = "search/public")]
pub async fn search_public(
    q: Option<String>,
    kind: Option<String>,
    draft: Option<String>,
    article: Option<String>,
    stance: Option<String>,
    channel: Option<String>,
    level: Option<String>,
    county: Option<String>,
    day: Option<String>,
    from: Option<String>,
    to: Option<String>,
    sort: Option<String>,
    page: Option<i64>,
) -> Result<SearchResults, AppError> {
    let p = SearchParams {
        q,
        kind,
        draft,
        article,
        stance,
        channel,
        level,
        county,
        day,
        from,
        to,
        sort,
        page,
        ..SearchParams::default()
    };
    ssr::run(p, true).await
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use super::{SearchParams, SearchResults};
    use crate::error::AppError;
    use std::collections::HashMap;

    pub async fn run(p: SearchParams, public: bool) -> Result<SearchResults, AppError> {
        let state = crate::ssr::app_state()?;
        search(&state, p, public).await
    }

    /// Runs a search on this server's index (off the async threads: tokenising and scoring are
    /// CPU work).
    pub async fn search(
        state: &crate::ssr::AppState,
        p: SearchParams,
        public: bool,
    ) -> Result<SearchResults, AppError> {
        let articles = article_labels(state, &p).await;
        let searchable = state.search.searchable();
        tokio::task::spawn_blocking(move || searchable.search(&p, public, &articles))
            .await
            .map_err(|e| {
                tracing::error!(error = %e, "search task failed");
                AppError::Internal
            })?
    }

    /// `slug#art-N` → the article's label in the draft's latest version, for the drafts the
    /// search may show.
    async fn article_labels(
        state: &crate::ssr::AppState,
        p: &SearchParams,
    ) -> HashMap<String, String> {
        let slugs: Vec<String> = match p.draft.as_deref().filter(|d| !d.is_empty()) {
            Some(d) => vec![d.to_string()],
            None => sqlx::query_scalar("select slug from draft order by id")
                .fetch_all(&state.db.pool)
                .await
                .unwrap_or_default(),
        };
        let mut out = HashMap::new();
        for slug in slugs {
            if let Ok(labels) = state.intake.article_labels(&slug).await {
                for (uid, label) in labels {
                    out.insert(format!("{slug}#{uid}"), label);
                }
            }
        }
        out
    }
}
