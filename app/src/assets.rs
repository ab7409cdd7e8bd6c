//! The names of the built site's static files. `.ci/build-site` gives them content-hashed names
//! (`yijian.<hash>.css` …) listed in `pkg/assets.txt`; the server reads that list at start
//! ([`set_stylesheet`]; the script and wasm names go to Leptos as its output name).

use std::sync::OnceLock;

static STYLESHEET: OnceLock<String> = OnceLock::new();

/// Records the stylesheet's file name under `/pkg/` (first call wins).
pub fn set_stylesheet(file_name: &str) {
    let _ = STYLESHEET.set(format!("/pkg/{file_name}"));
}

/// The stylesheet's URL: the hashed name when the site was built with one.
pub fn stylesheet_href() -> &'static str {
    STYLESHEET.get().map_or("/pkg/yijian.css", String::as_str)
}

static LIGHT_SCRIPT: OnceLock<String> = OnceLock::new();

/// Records the light script's file name under `/pkg/` (first call wins).
pub fn set_light_script(file_name: &str) {
    let _ = LIGHT_SCRIPT.set(format!("/pkg/{file_name}"));
}

/// The light script's URL, when the site was built with one.
pub fn light_script_href() -> Option<&'static str> {
    LIGHT_SCRIPT.get().map(String::as_str)
}

/// The public reading pages an anonymous reader gets without the application bundle: the
/// home page, the draft list, a draft's reading page (also an earlier version's, the
/// comparison and the feedback report), an article's comment page, a receipt and the receipt
/// lookup. Everything else (logins, search, every working page) hydrates.
pub fn is_light_path(path: &str) -> bool {
    let parts: Vec<&str> = path.trim_end_matches('/').split('/').skip(1).collect();
    let plain = |s: &str| !s.is_empty() && !s.contains('.');
    match parts.as_slice() {
        [] | ["drafts"] | ["track"] => true,
        ["drafts", slug] => plain(slug),
        ["drafts", slug, "compare" | "feedback"] => plain(slug),
        ["drafts", slug, "v", n] => plain(slug) && n.bytes().all(|b| b.is_ascii_digit()),
        ["drafts", slug, "comment", uid] => plain(slug) && plain(uid),
        ["receipt", t] => plain(t),
        _ => false,
    }
}

/// The file names listed in `pkg/assets.txt` (`js: …`, `wasm: …`, `css: …` lines).
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Manifest {
    pub js: Option<String>,
    pub wasm: Option<String>,
    pub css: Option<String>,
    /// The light script of anonymous readers' pages.
    pub light: Option<String>,
}

impl Manifest {
    pub fn parse(text: &str) -> Manifest {
        let mut m = Manifest::default();
        for line in text.lines() {
            let Some((k, v)) = line.split_once(':') else {
                continue;
            };
            let v = v.trim();
            // A file name, never a path.
            if v.is_empty() || v.contains('/') || v.contains("..") {
                continue;
            }
            match k.trim() {
                "js" => m.js = Some(v.to_string()),
                "wasm" => m.wasm = Some(v.to_string()),
                "css" => m.css = Some(v.to_string()),
                "light" => m.light = Some(v.to_string()),
                _ => {}
            }
        }
        m
    }

    /// Leptos' output name: the script's name without `.js`, when the wasm file is named after
    /// it as Leptos expects (`<name>_bg.wasm`).
    pub fn output_name(&self) -> Option<&str> {
        let name = self.js.as_deref()?.strip_suffix(".js")?;
        (self.wasm.as_deref() == Some(&format!("{name}_bg.wasm"))).then_some(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifest_names_the_hashed_files() {
        let m = Manifest::parse(
            "js: yijian.0123456789abcdef.js\nwasm: yijian.0123456789abcdef_bg.wasm\ncss: yijian.fedcba9876543210.css\n",
        );
        assert_eq!(m.output_name(), Some("yijian.0123456789abcdef"));
        assert_eq!(m.css.as_deref(), Some("yijian.fedcba9876543210.css"));
        let bad = Manifest::parse("js: ../x.js\nwasm: other_bg.wasm\n");
        assert_eq!(bad.output_name(), None);
        assert_eq!(
            Manifest::parse("light: light.0123456789abcdef.js")
                .light
                .as_deref(),
            Some("light.0123456789abcdef.js")
        );
    }

    #[test]
    fn only_public_reading_pages_are_light() {
        for p in [
            "/",
            "/drafts",
            "/drafts/",
            "/drafts/changji-urban-heating",
            "/drafts/changji-urban-heating/v/2",
            "/drafts/changji-urban-heating/compare",
            "/drafts/changji-urban-heating/feedback",
            "/drafts/changji-urban-heating/comment/art-3-p-2",
            "/receipt/YJ-AB12-CD34",
            "/track",
        ] {
            assert!(is_light_path(p), "{p}");
        }
        for p in [
            "/login",
            "/search",
            "/account",
            "/committee/drafts/changji-urban-heating",
            "/drafts/changji-urban-heating/v/x",
            "/drafts/changji-urban-heating/comment",
            "/drafts/x/comment/a/b",
            "/station/requests",
            "/pkg/yijian.css",
            "/drafts/a.b",
        ] {
            assert!(!is_light_path(p), "{p}");
        }
    }
}
