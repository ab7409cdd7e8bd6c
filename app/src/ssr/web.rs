//! Helpers for server functions that are also plain HTML form targets.
//!
//! Without JavaScript a form posts with `Accept: text/html` and expects a redirect; with
//! JavaScript the same server function is called with `fetch` and returns data. These helpers
//! let one server function serve both.

use http::header::{ACCEPT, COOKIE};
use http::request::Parts;
use leptos::prelude::use_context;
use leptos_axum::ResponseOptions;
use std::net::{IpAddr, SocketAddr};

/// True when the current request is a browser form post without JavaScript.
pub fn is_plain_form_post() -> bool {
    use_context::<Parts>()
        .and_then(|p| {
            p.headers
                .get(ACCEPT)
                .and_then(|v| v.to_str().ok())
                .map(|v| v.contains("text/html"))
        })
        .unwrap_or(false)
}

/// After a successful plain form post, go to `path` instead of back to the form.
/// JavaScript callers get the data and navigate themselves.
pub fn redirect_plain_form(path: &str) {
    if is_plain_form_post() {
        redirect(path);
    }
}

/// Redirects to `path` if it is a path on this site (see [`safe_next`]), else to the home page;
/// never panics on what a request put into it.
pub fn redirect(path: &str) {
    leptos_axum::redirect(&location(path));
}

/// The `Location` value for a redirect to `path`: [`safe_next`]'s path, with anything outside
/// visible ASCII percent-encoded so it is always a valid header.
pub fn location(path: &str) -> String {
    let safe = safe_next(Some(path));
    let mut out = String::with_capacity(safe.len());
    for b in safe.bytes() {
        if b.is_ascii_graphic() {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// After a successful plain form post, go back to the page the form was on (its `Referer`,
/// reduced to a same-site path).
pub fn redirect_plain_form_back() {
    if !is_plain_form_post() {
        return;
    }
    let back = use_context::<Parts>().and_then(|p| {
        let r = p.headers.get(http::header::REFERER)?.to_str().ok()?;
        let u = url::Url::parse(r).ok()?;
        Some(match u.query() {
            Some(q) => format!("{}?{q}", u.path()),
            None => u.path().to_string(),
        })
    });
    redirect(back.as_deref().unwrap_or("/"));
}

/// The one rule for every redirect target (after login, after a form, back to a `Referer`):
/// a path on this site. Anything else — another origin, a scheme-relative `//host`, a
/// backslash (`/\\host`), control characters or white space (`/%09/host`: browsers drop the
/// tab and read `//host`), or an absurd length — becomes the home page.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if is_local_path(n) => n.into(),
        _ => "/".into(),
    }
}

fn is_local_path(n: &str) -> bool {
    n.starts_with('/')
        && !n.starts_with("//")
        && !n.contains('\\')
        && n.len() <= 4096
        && !n.chars().any(|c| c.is_control() || c.is_whitespace())
}

pub fn append_set_cookie(value: &str) {
    if let (Some(res), Ok(v)) = (
        use_context::<ResponseOptions>(),
        http::HeaderValue::from_str(value),
    ) {
        res.append_header(http::header::SET_COOKIE, v);
    }
}

/// A cookie's value from a `Cookie` header.
pub fn cookie_value<'a>(cookie_header: &'a str, name: &str) -> Option<&'a str> {
    cookie_header.split(';').find_map(|kv| {
        let (k, v) = kv.trim().split_once('=')?;
        (k == name).then_some(v)
    })
}

pub fn request_cookie(name: &str) -> Option<String> {
    let parts = use_context::<Parts>()?;
    let header = parts.headers.get(COOKIE)?.to_str().ok()?;
    cookie_value(header, name).map(str::to_string)
}

/// The client's address as seen by the server (set by the server's connection layer).
pub fn client_ip() -> Option<IpAddr> {
    let parts = use_context::<Parts>()?;
    if let Some(ip) = parts.extensions.get::<ClientIp>() {
        return Some(ip.0);
    }
    parts
        .extensions
        .get::<axum::extract::ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())
}

/// The key limits count a client under: its IPv4 address, or its IPv6 /64 (one household or
/// phone usually has a whole /64, so counting single IPv6 addresses would count nothing).
pub fn client_key(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => format!("ip:{v4}"),
        IpAddr::V6(v6) => {
            let s = v6.segments();
            format!("ip:{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
    }
}

/// The client IP after proxy handling, inserted by the server when it trusts a proxy header.
#[derive(Clone, Copy, Debug)]
pub struct ClientIp(pub IpAddr);

/// Name of the short-lived cookie carrying an error message across a no-JavaScript redirect.
pub const FLASH_COOKIE: &str = "yj_flash";

/// The fields of a plain multipart form (a file upload), as (name, bytes), in order.
pub async fn multipart_fields(
    data: leptos::server_fn::codec::MultipartData,
) -> Result<Vec<(String, Vec<u8>)>, crate::error::AppError> {
    Ok(multipart_parts(data)
        .await?
        .into_iter()
        .map(|p| (p.name, p.bytes))
        .collect())
}

/// One part of a multipart form.
pub struct Part {
    pub name: String,
    /// The file's name as the browser gave it, for file fields.
    pub file_name: Option<String>,
    pub bytes: Vec<u8>,
}

/// The parts of a plain multipart form, in order, with file names.
pub async fn multipart_parts(
    data: leptos::server_fn::codec::MultipartData,
) -> Result<Vec<Part>, crate::error::AppError> {
    use crate::error::AppError;
    let mut form = data
        .into_inner()
        .ok_or_else(|| AppError::BadRequest("需要以 multipart 表单上传".into()))?;
    let mut out = Vec::new();
    while let Ok(Some(field)) = form.next_field().await {
        let name = field.name().unwrap_or_default().to_string();
        let file_name = field.file_name().map(str::to_string);
        let value = field
            .bytes()
            .await
            .map_err(|_| AppError::BadRequest("上传中断或文件过大".into()))?;
        out.push(Part {
            name,
            file_name,
            bytes: value.to_vec(),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_is_kept_on_site() {
        assert_eq!(safe_next(Some("/admin/users")), "/admin/users");
        assert_eq!(safe_next(Some("/search?q=a&b=c")), "/search?q=a&b=c");
        for bad in [
            "//evil.example",
            "https://evil.example",
            "/\\evil",
            "/\t/evil.example",
            "/\n/evil.example",
            "/\u{b}/evil.example",
            "/\r\nSet-Cookie: a=b",
            " //evil.example",
            "/\u{3000}/evil.example",
            "javascript:alert(1)",
            "",
        ] {
            assert_eq!(safe_next(Some(bad)), "/", "{bad:?}");
        }
        assert_eq!(safe_next(None), "/");
    }

    #[test]
    fn locations_are_always_valid_headers() {
        assert_eq!(
            location("/drafts/a?q=供热"),
            "/drafts/a?q=%E4%BE%9B%E7%83%AD"
        );
        assert_eq!(location("/a\nb"), "/");
        for s in ["/x\u{7f}", "/é", "/%0a", "/\u{feff}"] {
            assert!(http::HeaderValue::from_str(&location(s)).is_ok(), "{s:?}");
        }
    }

    #[test]
    fn finds_cookie() {
        assert_eq!(
            cookie_value("a=1; yj_session=abc; b=2", "yj_session"),
            Some("abc")
        );
        assert_eq!(cookie_value("a=1", "yj_session"), None);
    }
}
