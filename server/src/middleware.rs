//! Request layers around every route: metrics, security headers, the cross-site request check,
//! form-body limits and encoding, error mapping for server functions, and the session lookup.

use crate::metrics::Metrics;
use app::auth::ssr::{encode_flash, load_viewer, SESSION_COOKIE};
use app::error::AppError;
use app::ssr::web::{cookie_value, ClientIp, FLASH_COOKIE};
use app::ssr::AppState;
use axum::body::Body;
use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use http::header::{self, HeaderName, HeaderValue};
use http::{Method, StatusCode};
use std::net::{IpAddr, SocketAddr};
use std::sync::LazyLock;
use std::time::Instant;

pub static METRICS: LazyLock<Metrics> = LazyLock::new(Metrics::default);

/// Endpoints that take a whole draft text.
const DRAFT_ENDPOINTS: &[&str] = &[
    "/api/drafts/import",
    "/api/drafts/upload",
    "/api/stations/upload",
    "/api/opinions/import",
];

/// The header server functions put on error responses (server_fn's `SERVER_FN_ERROR_HEADER`).
const SERVER_FN_ERROR_HEADER: &str = "serverfnerror";

pub async fn record_metrics(req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = req.method().to_string();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "(unmatched)".into());
    let res = next.run(req).await;
    METRICS.observe(
        &method,
        &route,
        res.status().as_u16(),
        started.elapsed().as_secs_f64(),
    );
    res
}

pub async fn security_headers(State(state): State<AppState>, req: Request, next: Next) -> Response {
    // A response to someone logged in (or that logs someone in or out) is theirs alone: no
    // shared cache or back button may keep it. The staff areas are never cached at all.
    let personal = req
        .headers()
        .get(header::COOKIE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|c| cookie_value(c, SESSION_COOKIE).is_some_and(|v| !v.is_empty()))
        || PRIVATE_PREFIXES
            .iter()
            .any(|p| req.uri().path().starts_with(p));
    // The content-hashed script, wasm and stylesheet are the same for everyone: a logged-in
    // reader's browser keeps them too (no cookie is ever set on them).
    let personal = personal
        && !req
            .uri()
            .path()
            .strip_prefix("/pkg/")
            .is_some_and(|name| !name.contains('/') && crate::page_cache::is_hashed_name(name));
    let mut res = next.run(req).await;
    let sets_cookie = res.headers().contains_key(header::SET_COOKIE);
    let status = res.status();
    let h = res.headers_mut();
    let set = |h: &mut http::HeaderMap, name: HeaderName, value: &'static str| {
        h.entry(name).or_insert(HeaderValue::from_static(value));
    };
    if personal || sets_cookie {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if state
        .settings
        .public_url
        .as_ref()
        .is_some_and(|u| u.scheme() == "https")
    {
        set(
            h,
            header::STRICT_TRANSPORT_SECURITY,
            "max-age=31536000; includeSubDomains",
        );
    }
    // Overloaded (the intake queue full, no database connection free in time): clients and
    // proxies are told when to come back rather than to give up.
    if status == StatusCode::SERVICE_UNAVAILABLE {
        set(h, header::RETRY_AFTER, "5");
    }
    set(h, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(
        h,
        header::REFERRER_POLICY,
        "strict-origin-when-cross-origin",
    );
    set(h, header::X_FRAME_OPTIONS, "DENY");
    // Pages set their own policy with a script nonce; everything else gets the strict default.
    // Not on a 304: a cache would put it on the page it keeps, whose nonce it does not allow.
    if status != StatusCode::NOT_MODIFIED {
        set(
            h,
            header::CONTENT_SECURITY_POLICY,
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
             object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
        );
    }
    set(
        h,
        HeaderName::from_static("cross-origin-opener-policy"),
        "same-origin",
    );
    set(
        h,
        HeaderName::from_static("permissions-policy"),
        "camera=(), microphone=(), geolocation=()",
    );
    res
}

/// Paths whose responses are never cached, with or without a session: the staff areas, the
/// personal pages and the API.
const PRIVATE_PREFIXES: &[&str] = &[
    "/committee",
    "/admin",
    "/station",
    "/deputy",
    "/unit",
    "/office",
    "/requests/",
    "/account",
    "/my/",
    "/api/",
    "/login",
    "/receipt/",
    "/track",
    "/metrics",
];

/// The answer to a request whose handler panicked: logged, and a plain 500 that says nothing of
/// the cause.
pub fn panic_response(panic: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let what = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("(no message)");
    tracing::error!(panic = %what, "a request handler panicked");
    error_response(&AppError::Internal, false)
}

pub fn wants_html(headers: &http::HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"))
}

/// An error answered by a layer before any handler ran: a short Chinese page for browsers
/// posting forms, the JSON-encoded [`AppError`] for script callers (which server-function
/// clients decode like any other error).
/// A short Chinese page for a request refused before any handler ran.
fn refusal_page(status: StatusCode, message: &str) -> Response {
    let body = format!(
        "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>请求未被接受 · 意见</title><link rel=\"stylesheet\" href=\"{}\"></head>\
         <body><main id=\"main\" class=\"error-page\"><h1>请求未被接受</h1><p>{}</p>\
         <p><a href=\"/\">返回首页</a></p></main></body></html>",
        app::assets::stylesheet_href(),
        html_escape(message)
    );
    (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        body,
    )
        .into_response()
}

/// Longest URL (path and query) answered; longer ones get 414. Searches and exports put their
/// filters in the query; 8 KB is far beyond any real one.
pub const MAX_URL_BYTES: usize = 8 * 1024;
/// Most header bytes (names and values, cookies included) answered; more get 431.
pub const MAX_HEADER_BYTES: usize = 32 * 1024;

/// Answers over-long URLs (414) and header sets (431) with the Chinese page, whatever the
/// session: nothing behind this layer sees them.
pub async fn request_limits(req: Request, next: Next) -> Response {
    let url = req.uri().path_and_query().map_or(0, |p| p.as_str().len());
    if url > MAX_URL_BYTES {
        return refusal_page(
            StatusCode::URI_TOO_LONG,
            &format!(
                "网址太长（{url} 字节，上限 {MAX_URL_BYTES}）。检索词请控制在 200 字以内；如果是从别处复制的链接，请检查是否完整。"
            ),
        );
    }
    let headers: usize = req
        .headers()
        .iter()
        .map(|(k, v)| k.as_str().len() + v.len() + 4)
        .sum();
    if headers > MAX_HEADER_BYTES {
        return refusal_page(
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            "请求头太大（多半是浏览器中本站的 Cookie 过多）。请清除本站的 Cookie 后重新登录。",
        );
    }
    next.run(req).await
}

pub fn error_response(err: &AppError, html: bool) -> Response {
    let status = StatusCode::from_u16(err.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut res = if html {
        refusal_page(status, &err.message())
    } else {
        let body = serde_json::to_string(err).unwrap_or_else(|_| "\"Internal\"".into());
        (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
    };
    if let Some(retry_after_s) = err.retry_after() {
        if let Ok(v) = HeaderValue::from_str(&retry_after_s.to_string()) {
            res.headers_mut().insert(header::RETRY_AFTER, v);
        }
    }
    res
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Refuses state-changing requests that a browser says came from another site, and those that
/// say nothing about their origin. Browsers send `Sec-Fetch-Site` (or at least `Origin`) on
/// every form post and fetch, so plain HTML forms keep working without tokens.
pub async fn cross_site_guard(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    match check_origin(req.headers(), state.settings.public_url.as_ref()) {
        Ok(()) => next.run(req).await,
        Err(e) => {
            tracing::warn!(path = %req.uri().path(), "cross-site request refused");
            error_response(&e, wants_html(req.headers()))
        }
    }
}

pub fn check_origin(
    headers: &http::HeaderMap,
    public_url: Option<&url::Url>,
) -> Result<(), AppError> {
    let get = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(site) = get("sec-fetch-site") {
        return match site {
            "same-origin" | "none" => Ok(()),
            _ => Err(AppError::CrossSite),
        };
    }
    let Some(origin) = get("origin").and_then(|o| url::Url::parse(o).ok()) else {
        return Err(AppError::CrossSite);
    };
    let origin_host = match (origin.host_str(), origin.port_or_known_default()) {
        (Some(h), Some(p)) => format!("{h}:{p}"),
        _ => return Err(AppError::CrossSite),
    };
    let expected = match public_url {
        Some(u) => match (u.host_str(), u.port_or_known_default()) {
            (Some(h), Some(p)) => format!("{h}:{p}"),
            _ => return Err(AppError::CrossSite),
        },
        None => {
            let host = get("host").ok_or(AppError::CrossSite)?;
            if host.contains(':') {
                host.to_string()
            } else {
                format!("{host}:{}", origin.port_or_known_default().unwrap_or(80))
            }
        }
    };
    if origin_host.eq_ignore_ascii_case(&expected) {
        Ok(())
    } else {
        Err(AppError::CrossSite)
    }
}

/// Limits form bodies, refuses bodies that are not valid UTF-8, and turns server-function
/// errors into the right HTTP status — or, for a browser posting without JavaScript, into a
/// redirect back to the form with the message in a one-time cookie.
pub async fn form_guard(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if req.method() != Method::POST || !req.uri().path().starts_with("/api/") {
        return next.run(req).await;
    }
    let html = wants_html(req.headers());
    let referer = req
        .headers()
        .get(header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(|r| url::Url::parse(r).ok())
        .map(|u| match u.query() {
            Some(q) => format!("{}?{q}", u.path()),
            None => u.path().to_string(),
        });
    // Draft texts are pasted or uploaded whole; every other form is small.
    let limit = if req.uri().path() == "/api/drafts/upload" {
        app::draft::MAX_DRAFT_FILE_BYTES + 64 * 1024
    } else if DRAFT_ENDPOINTS.contains(&req.uri().path()) {
        app::draft::MAX_DRAFT_BYTES + 64 * 1024
    } else {
        state.settings.form_limit_bytes
    };
    let (parts, body) = req.into_parts();
    let bytes = match axum::body::to_bytes(body, limit).await {
        Ok(b) => b,
        Err(_) => {
            return error_response(
                &AppError::PayloadTooLarge {
                    limit_bytes: limit as u64,
                },
                html,
            )
        }
    };
    let is_form = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if is_form && !form_is_utf8(&bytes) {
        return error_response(
            &AppError::BadRequest("表单内容不是有效的 UTF-8 文本".into()),
            html,
        );
    }
    let action = parts.uri.path().to_string();
    let kept = is_form.then(|| bytes.clone());
    let res = next
        .run(Request::from_parts(parts, Body::from(bytes)))
        .await;
    if !res.headers().contains_key(SERVER_FN_ERROR_HEADER) {
        return res;
    }
    let (mut res_parts, body) = res.into_parts();
    let body = axum::body::to_bytes(body, 1 << 20)
        .await
        .unwrap_or_default();
    let err: AppError = serde_json::from_slice(&body).unwrap_or(AppError::Internal);
    if html {
        // What was typed is kept for the form to show again (nothing is lost without
        // JavaScript); the browser lands on the form's error summary.
        let stashed = match &kept {
            Some(body) => match app::form::ssr::stash(&state.db, &action, body, &err).await {
                Ok(id) => Some(id),
                Err(e) => {
                    tracing::warn!(error = ?e, "a refused form could not be kept");
                    None
                }
            },
            None => None,
        };
        // Back to the form — only ever a path on this site (a forged `Referer: //evil.example`
        // must not become an open redirect).
        let mut location = app::ssr::web::location(referer.as_deref().unwrap_or("/"));
        // A field in error gets the focus (`autofocus`, which scrolls it into view; browsers
        // skip it when the address names a target); any other refusal lands on the form's
        // error summary.
        if stashed.is_some() && app::form::errors_of(&err).is_empty() {
            location.push_str("#form-error");
        }
        let mut res = Response::new(Body::empty());
        *res.status_mut() = StatusCode::SEE_OTHER;
        let h = res.headers_mut();
        if let Ok(v) = HeaderValue::from_str(&location) {
            h.insert(header::LOCATION, v);
        }
        if let Some(id) = stashed {
            let cookie = format!(
                "{}={id}; Path=/; Max-Age=600; HttpOnly; SameSite=Lax",
                app::form::FORM_COOKIE
            );
            if let Ok(v) = HeaderValue::from_str(&cookie) {
                h.append(header::SET_COOKIE, v);
            }
        }
        let cookie = format!(
            "{FLASH_COOKIE}={}; Path=/; Max-Age=120; HttpOnly; SameSite=Lax",
            encode_flash(&err.message())
        );
        if let Ok(v) = HeaderValue::from_str(&cookie) {
            h.append(header::SET_COOKIE, v);
        }
        // The rejected status stays visible to logs and tests even though browsers follow the
        // redirect.
        if let Ok(v) = HeaderValue::from_str(&err.status().to_string()) {
            h.insert(HeaderName::from_static("x-yijian-error-status"), v);
        }
        return res;
    }
    res_parts.status =
        StatusCode::from_u16(err.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    if let Some(retry_after_s) = err.retry_after() {
        if let Ok(v) = HeaderValue::from_str(&retry_after_s.to_string()) {
            res_parts.headers.insert(header::RETRY_AFTER, v);
        }
    }
    Response::from_parts(res_parts, Body::from(body))
}

/// Every key and value of an url-encoded form must decode to UTF-8; serde would otherwise
/// replace bad bytes silently or fail with an opaque message.
pub fn form_is_utf8(body: &[u8]) -> bool {
    body.split(|b| *b == b'&').all(|pair| {
        let mut decoded = Vec::with_capacity(pair.len());
        let mut i = 0;
        while i < pair.len() {
            match pair[i] {
                b'%' if i + 2 < pair.len() => {
                    let hex = std::str::from_utf8(&pair[i + 1..i + 3]).ok();
                    match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                        Some(b) => decoded.push(b),
                        None => return false,
                    }
                    i += 3;
                }
                b'%' => return false,
                b'+' => {
                    decoded.push(b' ');
                    i += 1;
                }
                b => {
                    decoded.push(b);
                    i += 1;
                }
            }
        }
        std::str::from_utf8(&decoded).is_ok()
    })
}

/// Resolves the session cookie to a [`app::auth::ssr::Viewer`] and the client address, and
/// stores both in the request for the guard and the rate limits.
pub async fn session_layer(
    State(state): State<AppState>,
    mut req: Request,
    next: Next,
) -> Response {
    let ip = client_ip(&req, state.settings.trust_proxy);
    if let Some(ip) = ip {
        req.extensions_mut().insert(ClientIp(ip));
    }
    let token = req
        .headers()
        .get(header::COOKIE)
        .and_then(|v| v.to_str().ok())
        .and_then(|c| cookie_value(c, SESSION_COOKIE))
        .map(str::to_string);
    match load_viewer(&state.db, token.as_deref(), state.settings.session_ttl_s).await {
        Ok(viewer) => {
            let must_change = viewer.user().is_some_and(|u| u.must_change_password);
            if must_change && !open_before_password_change(req.uri().path()) {
                return if req.method() == Method::GET || req.method() == Method::HEAD {
                    Redirect::to("/account?must=1").into_response()
                } else {
                    error_response(
                        &AppError::Conflict(
                            "管理员重置了您的密码：请先在“我的账户”设置新密码".into(),
                        ),
                        wants_html(req.headers()),
                    )
                };
            }
            req.extensions_mut().insert(viewer);
            next.run(req).await
        }
        Err(e) => error_response(&e, wants_html(req.headers())),
    }
}

/// What a user whose password an administrator reset may reach before setting their own: the
/// password form and what it needs, logging out, and static files.
fn open_before_password_change(path: &str) -> bool {
    matches!(
        path,
        "/account" | "/login" | "/logout" | "/healthz" | "/favicon.svg" | "/favicon.ico"
    ) || [
        "/api/account/password",
        "/api/auth/",
        "/api/session/",
        "/pkg/",
        "/assets/",
    ]
    .iter()
    .any(|p| path.starts_with(p))
}

fn client_ip(req: &Request, trust_proxy: bool) -> Option<IpAddr> {
    if trust_proxy {
        // The last hop is the one our own proxy appended; earlier entries are client-supplied.
        let forwarded = req
            .headers()
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.rsplit(',').next())
            .and_then(|ip| ip.trim().parse().ok());
        if forwarded.is_some() {
            return forwarded;
        }
    }
    req.extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> http::HeaderMap {
        let mut h = http::HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn origin_rules() {
        assert!(check_origin(&headers(&[("sec-fetch-site", "same-origin")]), None).is_ok());
        assert!(check_origin(&headers(&[("sec-fetch-site", "cross-site")]), None).is_err());
        assert!(check_origin(&headers(&[("sec-fetch-site", "same-site")]), None).is_err());
        assert!(check_origin(
            &headers(&[
                ("origin", "http://127.0.0.1:3000"),
                ("host", "127.0.0.1:3000")
            ]),
            None
        )
        .is_ok());
        assert!(check_origin(
            &headers(&[
                ("origin", "http://evil.example"),
                ("host", "127.0.0.1:3000")
            ]),
            None
        )
        .is_err());
        assert!(check_origin(&headers(&[("host", "127.0.0.1:3000")]), None).is_err());
        let public = url::Url::parse("https://yijian.example.gov.cn").unwrap();
        assert!(check_origin(
            &headers(&[
                ("origin", "https://yijian.example.gov.cn"),
                ("host", "10.0.0.1:3000")
            ]),
            Some(&public)
        )
        .is_ok());
        assert!(check_origin(&headers(&[("origin", "null")]), Some(&public)).is_err());
    }

    #[test]
    fn utf8_check_on_forms() {
        assert!(form_is_utf8(b"name=%E5%BC%A0%E4%B8%89&pw=a+b"));
        assert!(!form_is_utf8(b"name=%FF%FE"));
        assert!(!form_is_utf8(b"name=%E5%BC"));
        assert!(!form_is_utf8(b"name=%G1"));
        assert!(!form_is_utf8(b"name=%"));
        assert!(form_is_utf8(b""));
    }
}
