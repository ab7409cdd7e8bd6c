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

/// The file names listed in `pkg/assets.txt` (`js: …`, `wasm: …`, `css: …` lines).
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Manifest {
    pub js: Option<String>,
    pub wasm: Option<String>,
    pub css: Option<String>,
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
    }
}
