//! Caching for readers: the public reading pages rendered once per change, validators and
//! `Cache-Control` for anonymous readers, and a year of caching for the content-hashed static
//! files.
//!
//! A page is served from the cache only to a request that carries none of this site's cookies
//! that change what a page shows (a session, a flash message, a refused form's fields): the
//! rendering is then the same for every such reader. Any state-changing request (`POST` …)
//! answered by this server empties the cache, since a publication, a withdrawal, a moderation
//! decision or a published feedback report may change what the reading pages show; entries
//! also expire after `Settings::page_cache_s`, which bounds how long a page can lag a change
//! made on another server sharing the database or by time alone (a comment window opening).
//! Renders are single-flight: readers arriving while a page is rendered wait for that render.
//!
//! Responses to anyone logged in keep `no-store` (`middleware::security_headers`): this layer
//! never sees them as cacheable, and that layer overrides whatever is set here when a request
//! carries a session or its response sets a cookie.

use app::ssr::web::cookie_value;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::header::{self, HeaderMap, HeaderValue};
use http::{Method, StatusCode};
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Browsers and shared caches may reuse a reading page this long without asking…
pub const PAGE_MAX_AGE_S: u64 = 30;
/// …and show a stale one this long while they revalidate it in the background.
pub const PAGE_STALE_WHILE_REVALIDATE_S: u64 = 300;
/// Content-hashed static files never change under their name.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// Cookies that change a page's rendering; a request carrying one bypasses the cache. The
/// receipts a browser remembers (`yj_mine`) only show on receipt pages, which are not cached.
const PERSONAL_COOKIES: &[&str] = &["yj_session", "yj_flash", "yj_form"];
/// Entries kept at most (pages × query strings); beyond, pages are rendered without storing.
const MAX_ENTRIES: usize = 2_000;
/// Largest page kept.
const MAX_PAGE_BYTES: usize = 8 << 20;

/// The rendered public pages of one server (one per router).
pub struct PageCache {
    ttl: Duration,
    generation: AtomicU64,
    slots: Mutex<HashMap<String, Arc<tokio::sync::Mutex<Slot>>>>,
}

enum Slot {
    Empty,
    /// A page rendered at `generation`.
    Page {
        generation: u64,
        born: Instant,
        page: Arc<Page>,
    },
    /// The path answered with something not cacheable (an error page, a cookie): render it per
    /// request until the next change rather than queueing readers behind one another.
    Bypass {
        generation: u64,
        born: Instant,
    },
}

struct Page {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
    gzip: Option<Bytes>,
    etag: HeaderValue,
}

impl PageCache {
    pub fn new(ttl_s: u64) -> Arc<PageCache> {
        Arc::new(PageCache {
            ttl: Duration::from_secs(ttl_s),
            generation: AtomicU64::new(0),
            slots: Mutex::new(HashMap::new()),
        })
    }

    /// Forgets every page: something may have changed what they show.
    pub fn invalidate(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
        if let Ok(mut slots) = self.slots.lock() {
            slots.clear();
        }
    }

    fn slot(&self, key: &str) -> Option<Arc<tokio::sync::Mutex<Slot>>> {
        let mut slots = self.slots.lock().ok()?;
        if let Some(s) = slots.get(key) {
            return Some(s.clone());
        }
        if slots.len() >= MAX_ENTRIES {
            return None;
        }
        let s = Arc::new(tokio::sync::Mutex::new(Slot::Empty));
        slots.insert(key.to_string(), s.clone());
        Some(s)
    }

    fn fresh(&self, generation: u64, born: Instant) -> bool {
        generation == self.generation.load(Ordering::SeqCst) && born.elapsed() < self.ttl
    }
}

/// The public reading pages: the home page, the draft list, a draft's text (any version), the
/// comparison of two versions and the published feedback report. Comment pages are not among
/// them: their form carries a per-reader idempotency key (and sometimes a challenge).
pub fn is_public_reading_page(path: &str) -> bool {
    if path == "/" || path == "/drafts" {
        return true;
    }
    let Some(rest) = path.strip_prefix("/drafts/") else {
        return false;
    };
    let parts: Vec<&str> = rest.split('/').collect();
    match parts.as_slice() {
        [slug] => !slug.is_empty(),
        [slug, "compare" | "feedback"] => !slug.is_empty(),
        [slug, "v", n] => {
            !slug.is_empty() && !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())
        }
        _ => false,
    }
}

fn has_personal_cookie(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|c| {
            PERSONAL_COOKIES
                .iter()
                .any(|name| cookie_value(c, name).is_some())
        })
}

/// Static files: a year for the content-hashed ones (`pkg/yijian.<hash>…`), an hour for
/// others (the icon, a site built without hashing). The files themselves, precompressed
/// `.gz` copies included, are served by Leptos' file handler.
pub async fn static_cache_headers(req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    let mut res = next.run(req).await;
    if !matches!(res.status(), StatusCode::OK | StatusCode::NOT_MODIFIED)
        || res.headers().contains_key(header::CACHE_CONTROL)
    {
        return res;
    }
    let name = path.rsplit('/').next().unwrap_or("");
    let value = if path.starts_with("/pkg/") && is_hashed_name(name) {
        IMMUTABLE
    } else if path.starts_with("/pkg/") || is_static_file(name) {
        "public, max-age=3600"
    } else {
        return res;
    };
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
    res
}

/// `yijian.0123456789abcdef.js`, `yijian.0123456789abcdef_bg.wasm(.gz)`: a 16-hex-digit
/// content hash after the first dot.
pub fn is_hashed_name(name: &str) -> bool {
    name.split('.').nth(1).is_some_and(|h| {
        let h = h.strip_suffix("_bg").unwrap_or(h);
        h.len() == 16 && h.bytes().all(|b| b.is_ascii_hexdigit())
    })
}

fn is_static_file(name: &str) -> bool {
    matches!(
        name.rsplit_once('.').map(|(_, ext)| ext),
        Some("svg" | "png" | "ico" | "woff2" | "webmanifest")
    )
}

/// Serves anonymous readers' public pages from the cache (or renders and stores them), with an
/// ETag, a public `Cache-Control` and 304 for a matching `If-None-Match`; empties the cache
/// after every state-changing request.
pub async fn page_cache(State(cache): State<Arc<PageCache>>, req: Request, next: Next) -> Response {
    let method = req.method().clone();
    if !(method == Method::GET || method == Method::HEAD) {
        let res = next.run(req).await;
        // After the change is committed: a render started earlier carries the old generation.
        // Refused requests change nothing (and must not let anyone flush the cache at will).
        if res.status().as_u16() < 400 {
            cache.invalidate();
        }
        return res;
    }
    if method != Method::GET
        || !is_public_reading_page(req.uri().path())
        || has_personal_cookie(req.headers())
    {
        return next.run(req).await;
    }
    let key = req
        .uri()
        .path_and_query()
        .map_or_else(|| req.uri().path().to_string(), |p| p.as_str().to_string());
    let if_none_match = req.headers().get(header::IF_NONE_MATCH).cloned();
    let gzip_ok = accepts_gzip(req.headers());

    let slot = if cache.ttl.is_zero() {
        None
    } else {
        cache.slot(&key)
    };
    let Some(slot) = slot else {
        return match render(req, next).await {
            Ok(page) => serve(&page, if_none_match.as_ref(), gzip_ok),
            Err(res) => res,
        };
    };
    let mut guard = slot.lock().await;
    match &*guard {
        Slot::Page {
            generation,
            born,
            page,
        } if cache.fresh(*generation, *born) => {
            let page = page.clone();
            drop(guard);
            return serve(&page, if_none_match.as_ref(), gzip_ok);
        }
        Slot::Bypass { generation, born } if cache.fresh(*generation, *born) => {
            drop(guard);
            return next.run(req).await;
        }
        _ => {}
    }
    // Render while holding the slot: readers of this page arriving meanwhile wait for it.
    let generation = cache.generation.load(Ordering::SeqCst);
    let born = Instant::now();
    match render(req, next).await {
        Ok(page) => {
            let page = Arc::new(page);
            *guard = Slot::Page {
                generation,
                born,
                page: page.clone(),
            };
            drop(guard);
            serve(&page, if_none_match.as_ref(), gzip_ok)
        }
        Err(res) => {
            *guard = Slot::Bypass { generation, born };
            res
        }
    }
}

/// Renders the page; the copy served to every anonymous reader keeps the CSP nonce of its
/// render, which is safe: whatever markup a page holds was fixed before that nonce was drawn,
/// so no injected text can carry it. `Err` carries a response that must not be shared (not 200, sets a
/// cookie, too large, not HTML).
async fn render(req: Request, next: Next) -> Result<Page, Response> {
    let res = next.run(req).await;
    let shareable = res.status() == StatusCode::OK
        && !res.headers().contains_key(header::SET_COOKIE)
        && !res.headers().contains_key(header::CONTENT_ENCODING)
        && !res.headers().contains_key(header::CACHE_CONTROL)
        && res
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/html"));
    if !shareable {
        return Err(res);
    }
    let (parts, body) = res.into_parts();
    let body = match axum::body::to_bytes(body, MAX_PAGE_BYTES).await {
        Ok(b) => b,
        Err(e) => {
            tracing::warn!(error = %e, "page too large to cache");
            return Err(StatusCode::INTERNAL_SERVER_ERROR.into_response());
        }
    };
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    body.hash(&mut hasher);
    let etag = HeaderValue::from_str(&format!("W/\"{:016x}-{:x}\"", hasher.finish(), body.len()))
        .expect("ASCII etag");
    let gzip = {
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(6));
        enc.write_all(&body)
            .ok()
            .and_then(|_| enc.finish().ok())
            .map(Bytes::from)
    };
    Ok(Page {
        status: parts.status,
        headers: parts.headers,
        body,
        gzip,
        etag,
    })
}

fn accepts_gzip(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|e| {
            let mut it = e.split(';');
            let coding = it.next().unwrap_or("").trim();
            let refused = it.any(|p| {
                p.trim()
                    .strip_prefix("q=")
                    .and_then(|q| q.trim().parse::<f32>().ok())
                    .is_some_and(|q| q == 0.0)
            });
            (coding.eq_ignore_ascii_case("gzip") || coding == "*") && !refused
        })
}

/// Whether `If-None-Match` names this ETag (weak comparison, as RFC 9110 asks for it).
fn etag_matches(if_none_match: &HeaderValue, etag: &HeaderValue) -> bool {
    let Ok(inm) = if_none_match.to_str() else {
        return false;
    };
    let ours = etag.to_str().unwrap_or("");
    let strip = |t: &str| t.trim().trim_start_matches("W/").to_string();
    inm.trim() == "*" || inm.split(',').any(|t| strip(t) == strip(ours))
}

fn public_headers(h: &mut HeaderMap, etag: &HeaderValue) {
    h.insert(header::ETAG, etag.clone());
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_str(&format!(
            "public, max-age={PAGE_MAX_AGE_S}, stale-while-revalidate={PAGE_STALE_WHILE_REVALIDATE_S}"
        ))
        .expect("ASCII"),
    );
    // A logged-in reader's request carries a session cookie: caches must not hand them the
    // anonymous rendering.
    h.insert(
        header::VARY,
        HeaderValue::from_static("Accept-Encoding, Cookie"),
    );
}

fn serve(page: &Page, if_none_match: Option<&HeaderValue>, gzip_ok: bool) -> Response {
    if if_none_match.is_some_and(|v| etag_matches(v, &page.etag)) {
        let mut res = StatusCode::NOT_MODIFIED.into_response();
        public_headers(res.headers_mut(), &page.etag);
        return res;
    }
    let (body, gzipped) = match (&page.gzip, gzip_ok) {
        (Some(gz), true) => (gz.clone(), true),
        _ => (page.body.clone(), false),
    };
    let mut res = Response::new(Body::from(body.clone()));
    *res.status_mut() = page.status;
    *res.headers_mut() = page.headers.clone();
    let h = res.headers_mut();
    h.remove(header::CONTENT_LENGTH);
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(body.len()));
    if gzipped {
        h.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
    }
    public_headers(h, &page.etag);
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reading_pages_are_recognised() {
        for p in [
            "/",
            "/drafts",
            "/drafts/a",
            "/drafts/a/v/2",
            "/drafts/a/compare",
            "/drafts/a/feedback",
        ] {
            assert!(is_public_reading_page(p), "{p}");
        }
        for p in [
            "/drafts/a/comment/u1",
            "/drafts/a/handout.pdf",
            "/drafts/a/v/x",
            "/drafts/",
            "/committee/drafts/a/articles",
            "/receipt/YJ-1",
            "/search",
        ] {
            assert!(!is_public_reading_page(p), "{p}");
        }
    }

    #[test]
    fn hashed_names() {
        assert!(is_hashed_name("yijian.0123456789abcdef.js"));
        assert!(is_hashed_name("yijian.0123456789abcdef_bg.wasm"));
        assert!(is_hashed_name("yijian.0123456789abcdef_bg.wasm.gz"));
        assert!(is_hashed_name("yijian.0123456789abcdef.css"));
        assert!(!is_hashed_name("yijian.js"));
        assert!(!is_hashed_name("yijian_bg.wasm"));
    }

    #[test]
    fn etags_compare_weakly_and_in_lists() {
        let ours = HeaderValue::from_static("W/\"ab-1\"");
        assert!(etag_matches(&HeaderValue::from_static("W/\"ab-1\""), &ours));
        assert!(etag_matches(
            &HeaderValue::from_static("\"x\", \"ab-1\""),
            &ours
        ));
        assert!(etag_matches(&HeaderValue::from_static("*"), &ours));
        assert!(!etag_matches(
            &HeaderValue::from_static("W/\"ab-2\""),
            &ours
        ));
    }

    #[test]
    fn gzip_acceptance() {
        let mut h = HeaderMap::new();
        assert!(!accepts_gzip(&h));
        h.insert(
            header::ACCEPT_ENCODING,
            HeaderValue::from_static("gzip, br"),
        );
        assert!(accepts_gzip(&h));
        h.insert(
            header::ACCEPT_ENCODING,
            HeaderValue::from_static("br, gzip;q=0"),
        );
        assert!(!accepts_gzip(&h));
    }
}
