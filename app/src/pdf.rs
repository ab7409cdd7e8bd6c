//! Printing to PDF: the 意见汇编 for the committee and the draft as a handout for stations'
//! meetings. The server renders the same views the pages show into a standalone HTML document
//! (the site's stylesheet inlined; its content security policy allows no script and no fetch)
//! and has headless Chromium print it: its layout engine breaks Chinese lines, repeats table
//! headers, keeps table rows whole and embeds the fonts with a Unicode map (the text can be
//! searched and copied), which a hand-made PDF writer would not.
//!
//! Needs a Chromium (`--pdf-browser`, or `chromium` / `chromium-browser` / `google-chrome` on
//! the PATH) and a Chinese font (Debian: `fonts-noto-cjk`). Without either, the download says
//! what to install and the pages can still be printed from the browser.

use crate::draft::view::DraftText;
use crate::draft::DraftVersionView;
use crate::error::AppError;
use crate::feedback::pages::Compilation;
use crate::feedback::FeedbackReport;
use leptos::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;

/// One Chromium at a time: each takes a few hundred MB while it prints.
static PRINTING: Semaphore = Semaphore::const_new(1);

/// Longest a print may take before it is abandoned.
const PRINT_TIMEOUT: Duration = Duration::from_secs(120);

const STYLE: &str = include_str!("../../style/main.css");

/// Page numbers in the bottom margin (Chromium draws `@page` margin boxes).
const PDF_STYLE: &str = r#"
@page { size: A4; margin: 18mm 15mm 20mm;
  @bottom-center { content: "第 " counter(page) " 页 / 共 " counter(pages) " 页"; font-size: 9pt; color: #555; } }
body { margin: 0; }
"#;

/// A standalone HTML document around rendered body HTML.
fn standalone(title: &str, body: &str) -> String {
    let title = escape(title);
    format!(
        "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\
         <title>{title}</title><style>{STYLE}{PDF_STYLE}</style></head><body><main>{body}</main></body></html>"
    )
}

/// The 意见汇编 as a standalone HTML document.
pub fn compilation(report: &FeedbackReport) -> String {
    let title = format!("《{}》公开征求意见汇编", report.draft_title);
    let report = report.clone();
    let body = Owner::new().with(|| view! { <Compilation report/> }.to_html());
    standalone(&title, &body)
}

/// The closed loop's periodic report (通报) as a standalone HTML document: the tables and notes
/// of `/office/report`.
pub fn loop_report(report: &crate::suggestion::PeriodReport) -> String {
    let title = format!("代表建议办理情况通报（{}）", report.label);
    let report = report.clone();
    let body = Owner::new()
        .with(|| view! { <crate::suggestion::pages::ReportTables report print=true/> }.to_html());
    standalone(&title, &body)
}

/// The draft's text as a handout for a station's meeting: which parts are open and until
/// when, where to send opinions, the text, and a blank 意见反馈表 to fill in by hand (its
/// columns are those of the stations' import template).
pub fn handout(v: &DraftVersionView, public_base: &str) -> String {
    let title = format!("{}（{}）", v.title, v.label);
    let link = format!(
        "{}/drafts/{}",
        public_base.trim_end_matches('/'),
        crate::components::urlencode(&v.slug)
    );
    let windows: Vec<String> = v
        .windows
        .iter()
        .map(|w| format!("{}：{}", w.part_label, w.describe()))
        .collect();
    let tree = v.tree.clone();
    let label = v.label.clone();
    let heading = v.title.clone();
    let body = Owner::new().with(|| {
        view! {
            <div class="handout">
                <h1 class="draft-title">{heading}</h1>
                <p class="handout-meta">{format!("（{label} · 公开征求意见）")}</p>
                <ul class="handout-windows">
                    {windows.into_iter().map(|w| view! { <li>{w}</li> }).collect_view()}
                </ul>
                <p class="handout-how">{format!("提出意见：打开 {link} 在条文旁填写，或填写本材料末页的意见反馈表交所在代表之家（联系点）。")}</p>
                <DraftText tree/>
                <section class="handout-form">
                    <h2>"意见反馈表"</h2>
                    <p>"姓名（可不填）：________________　联系方式（可不填）：________________　所在村（社区）：________________"</p>
                    <table class="data">
                        <thead><tr><th>"条款（如：第十二条第二款）"</th><th>"态度（赞成/反对/修改建议）"</th><th>"意见和理由"</th></tr></thead>
                        <tbody>
                            {(0..12).map(|_| view! { <tr><td></td><td></td><td></td></tr> }).collect_view()}
                        </tbody>
                    </table>
                </section>
            </div>
        }
        .to_html()
    });
    standalone(&title, &body)
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The browser that prints: the configured one, else the first known name on the PATH.
pub fn find_browser(configured: Option<&Path>) -> Option<PathBuf> {
    if let Some(p) = configured {
        return Some(p.to_path_buf());
    }
    let path = std::env::var_os("PATH")?;
    [
        "chromium",
        "chromium-browser",
        "google-chrome",
        "google-chrome-stable",
    ]
    .iter()
    .flat_map(|name| std::env::split_paths(&path).map(move |dir| dir.join(name)))
    .find(|p| p.is_file())
}

/// Whether fontconfig knows a Chinese font; without one every character prints as a box.
async fn has_chinese_font() -> bool {
    match tokio::process::Command::new("fc-list")
        .args([":lang=zh", "family"])
        .output()
        .await
    {
        Ok(out) => out.status.success() && !out.stdout.trim_ascii().is_empty(),
        Err(_) => false,
    }
}

/// Printed documents by the digest of their HTML, newest last. A handout changes only when
/// its version's windows do, yet every station downloads it when a part opens: one print
/// serves them all.
static PRINTED: std::sync::Mutex<Vec<(String, Arc<Vec<u8>>)>> = std::sync::Mutex::new(Vec::new());
const PRINTED_KEPT: usize = 16;
/// Taken while a document missing from the cache is printed, so that those asking for the
/// same one meanwhile find it printed instead of printing it again.
static PRINTING_CACHED: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

fn cached(key: &str) -> Option<Arc<Vec<u8>>> {
    let kept = PRINTED.lock().unwrap_or_else(|e| e.into_inner());
    kept.iter()
        .find(|(k, _)| k == key)
        .map(|(_, pdf)| pdf.clone())
}

/// Like [`print`], from the cache when the same document was printed before.
pub async fn print_cached(html: &str, browser: Option<&Path>) -> Result<Arc<Vec<u8>>, AppError> {
    use sha2::Digest;
    let key = hex::encode(sha2::Sha256::digest(html.as_bytes()));
    if let Some(pdf) = cached(&key) {
        return Ok(pdf);
    }
    let _turn = PRINTING_CACHED.lock().await;
    if let Some(pdf) = cached(&key) {
        return Ok(pdf);
    }
    let pdf = Arc::new(print(html, browser).await?);
    let mut kept = PRINTED.lock().unwrap_or_else(|e| e.into_inner());
    if kept.len() >= PRINTED_KEPT {
        kept.remove(0);
    }
    kept.push((key, pdf.clone()));
    Ok(pdf)
}

/// Prints the HTML document to PDF bytes.
pub async fn print(html: &str, browser: Option<&Path>) -> Result<Vec<u8>, AppError> {
    let browser = find_browser(browser).ok_or_else(|| {
        AppError::Unsupported(
            "服务器未安装用于生成 PDF 的 Chromium（可用 --pdf-browser 指定）。请在浏览器中打开意见汇编并打印为 PDF。"
                .into(),
        )
    })?;
    if !has_chinese_font().await {
        return Err(AppError::Unsupported(
            "服务器没有中文字体（如 Debian 的 fonts-noto-cjk），生成的 PDF 会缺字，因此未生成。请安装字体，或在浏览器中打印意见汇编。"
                .into(),
        ));
    }
    let _turn = PRINTING.acquire().await.map_err(|_| AppError::Internal)?;
    let dir = std::env::temp_dir().join(format!("yijian-pdf-{:016x}", rand::random::<u64>()));
    tokio::fs::create_dir_all(&dir).await?;
    let result = print_in(&dir, html, &browser).await;
    if let Err(e) = tokio::fs::remove_dir_all(&dir).await {
        tracing::warn!(error = %e, dir = %dir.display(), "could not remove the print directory");
    }
    result
}

async fn print_in(dir: &Path, html: &str, browser: &Path) -> Result<Vec<u8>, AppError> {
    let page = dir.join("compilation.html");
    let out = dir.join("compilation.pdf");
    tokio::fs::write(&page, html).await?;
    let mut cmd = tokio::process::Command::new(browser);
    // The document is our own (escaped text, and its content security policy allows neither
    // scripts nor fetches), so Chromium's sandbox guards nothing here, and Chromium refuses to
    // start as root without this flag. (Turning scripts off by flag stops it printing at all.)
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--no-pdf-header-footer",
    ])
    .arg(format!("--user-data-dir={}", dir.join("profile").display()))
    .arg(format!("--print-to-pdf={}", out.display()))
    .arg(format!("file://{}", page.display()))
    .stdin(std::process::Stdio::null())
    .stdout(std::process::Stdio::null())
    .stderr(std::process::Stdio::piped())
    .kill_on_drop(true);
    let run = cmd.output();
    let output = match tokio::time::timeout(PRINT_TIMEOUT, run).await {
        Ok(Ok(o)) => o,
        Ok(Err(e)) => {
            tracing::error!(error = %e, browser = %browser.display(), "could not start the PDF browser");
            return Err(AppError::Unsupported(
                "无法启动用于生成 PDF 的浏览器，请检查 --pdf-browser 设置。".into(),
            ));
        }
        Err(_) => {
            tracing::error!("printing the compilation to PDF timed out");
            return Err(AppError::Internal);
        }
    };
    let pdf = tokio::fs::read(&out).await.unwrap_or_default();
    if !output.status.success() || !pdf.starts_with(b"%PDF") {
        tracing::error!(
            status = %output.status,
            stderr = %String::from_utf8_lossy(&output.stderr),
            "the PDF browser did not print"
        );
        return Err(AppError::Internal);
    }
    Ok(pdf)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::feedback::{FeedbackArticle, FeedbackGroup};

    #[test]
    fn the_handout_says_where_to_send_opinions_and_ends_with_a_form() {
        let parsed =
            crate::draft::parse::parse_text("# 供热条例\n\n第一条 为了<保障>供热。\n").unwrap();
        let v = DraftVersionView {
            slug: "gr".into(),
            title: "供热条例".into(),
            number: 2,
            label: "二审稿".into(),
            tree: parsed.tree,
            windows: vec![crate::draft::Window {
                id: 0,
                part_label: "第一章".into(),
                opens_at: 0,
                closes_at: 0,
                state: crate::draft::WindowState::Closed,
                article_uids: vec![],
            }],
            versions: vec![],
            withheld: false,
        };
        let html = handout(&v, "https://yj.cn/");
        assert!(html.contains("<title>供热条例（二审稿）</title>"));
        assert!(html.contains("https://yj.cn/drafts/gr 在条文旁填写"));
        assert!(html.contains("第一章："));
        assert!(html.contains("为了&lt;保障&gt;供热"));
        assert!(!html.contains("<script") && !html.contains("<link"));
        let text = html.find("第一条").expect("the text");
        let form = html.find("<h2>意见反馈表").expect("the form");
        assert!(text < form, "the form comes last");
    }

    #[test]
    fn the_document_is_standalone_and_escaped() {
        let report = FeedbackReport {
            slug: "s".into(),
            draft_title: "供热<条例>".into(),
            published_at: None,
            versions: ("一审稿".into(), "二审稿".into()),
            articles: vec![FeedbackArticle {
                uid: "art-1".into(),
                label: "第一条".into(),
                received: 2,
                unique: 2,
                campaigns: 0,
                groups: vec![FeedbackGroup {
                    summary: "提高室温<script>".into(),
                    keywords: "室温".into(),
                    other: false,
                    received: 2,
                    unique: 2,
                    stances: (0, 0, 2),
                    disposition: "采纳".into(),
                    reason: "已修改".into(),
                    sources: "网上 2".into(),
                }],
                by_disposition: vec![],
                original: "旧".into(),
                revised: "新".into(),
            }],
        };
        let html = compilation(&report);
        assert!(html.starts_with("<!DOCTYPE html><html lang=\"zh-CN\">"));
        assert!(html.contains("《供热&lt;条例&gt;》公开征求意见汇编"));
        assert!(html.contains("提高室温&lt;script&gt;"));
        assert!(!html.contains("<script"), "no script reaches the printer");
        assert!(
            !html.contains("<link"),
            "nothing is fetched: the style is inline"
        );
        assert!(html.contains("counter(pages)"));
        assert!(html.contains("原条文（一审稿）"));
    }
}
