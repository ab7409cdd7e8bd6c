//! Draft files as committees receive them — Word (.docx, and .doc/.wps/.rtf/.odt through
//! LibreOffice), PDF (poppler's `pdftotext`), saved web pages, Markdown and plain text — turned
//! into the text the parser reads. The format is told by the content (magic bytes and the
//! package's parts), not by the file name, which only names the format in messages.
//!
//! The conversions that need another program run it as a child process with a time limit,
//! like the PDF printing runs Chromium; without the program the error names what to install.
//! Each conversion reports what it left out (footnotes, page headers and numbers, page
//! furniture) as warnings on the lines of the text it produced.

use super::parse::{self, lines, ParseError, Parsed};
use super::Warning;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Largest draft file accepted (Word and PDF files carry fonts and images; the text itself is
/// limited to [`parse::decode::MAX_BYTES`]).
pub const MAX_FILE_BYTES: usize = super::MAX_DRAFT_FILE_BYTES;

/// Longest a conversion may take.
const CONVERT_TIMEOUT: Duration = Duration::from_secs(120);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Markdown or plain text (the parser tells them apart).
    Text,
    /// A saved web page.
    Html,
    Docx,
    /// Word 97–2003 (also what WPS writes as .wps: the same container).
    Doc,
    Wps,
    Rtf,
    /// OpenDocument text (LibreOffice, WPS can save it).
    Odt,
    Pdf,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Html => "html",
            Format::Docx => "docx",
            Format::Doc => "doc",
            Format::Wps => "wps",
            Format::Rtf => "rtf",
            Format::Odt => "odt",
            Format::Pdf => "pdf",
        }
    }

    fn described(self) -> &'static str {
        match self {
            Format::Doc => "Word 97-2003 (.doc)",
            Format::Wps => "WPS (.wps)",
            Format::Rtf => "RTF",
            Format::Odt => "OpenDocument (.odt)",
            Format::Pdf => "PDF",
            _ => "text",
        }
    }
}

/// The programs conversions use; found on the PATH unless given.
#[derive(Clone, Debug, Default)]
pub struct Tools {
    pub soffice: Option<PathBuf>,
    pub pdftotext: Option<PathBuf>,
}

fn on_path(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    names
        .iter()
        .flat_map(|name| std::env::split_paths(&path).map(move |dir| dir.join(name)))
        .find(|p| p.is_file())
}

impl Tools {
    /// LibreOffice (`soffice` or `libreoffice`) and `pdftotext` from the PATH.
    pub fn from_path() -> Tools {
        Tools {
            soffice: on_path(&["soffice", "libreoffice"]).or_else(|| {
                [
                    "/usr/lib/libreoffice/program/soffice",
                    "/opt/libreoffice/program/soffice",
                    "/Applications/LibreOffice.app/Contents/MacOS/soffice",
                ]
                .iter()
                .map(PathBuf::from)
                .find(|p| p.is_file())
            }),
            pdftotext: on_path(&["pdftotext"]),
        }
    }
}

/// Whether `needle` occurs in `hay` as UTF-16LE (names in an OLE container's directory).
fn has_utf16_name(hay: &[u8], needle: &str) -> bool {
    let pattern: Vec<u8> = needle.encode_utf16().flat_map(u16::to_le_bytes).collect();
    hay.windows(pattern.len()).any(|w| w == pattern.as_slice())
}

fn zip_has(bytes: &[u8], name: &str) -> bool {
    zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .is_ok_and(|z| z.file_names().flatten().any(|n| n.starts_with(name)))
}

/// The format of a file, from its content; `name` only breaks ties (.wps and .doc share a
/// container).
pub fn detect(bytes: &[u8], name: Option<&str>) -> Result<Format, ParseError> {
    let ext = name
        .and_then(|n| Path::new(n).extension())
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let head = &bytes[..bytes.len().min(1024)];
    if head.windows(5).any(|w| w == b"%PDF-") {
        return Ok(Format::Pdf);
    }
    if bytes.starts_with(b"PK\x03\x04") {
        if zip_has(bytes, "word/document.xml") {
            return Ok(Format::Docx);
        }
        if zip_has(bytes, "xl/") {
            return Err(ParseError::UnsupportedFormat("Excel"));
        }
        if zip_has(bytes, "ppt/") {
            return Err(ParseError::UnsupportedFormat("PowerPoint"));
        }
        if bytes
            .windows(39)
            .take(200)
            .any(|w| w == b"application/vnd.oasis.opendocument.text")
        {
            return Ok(Format::Odt);
        }
        return Err(ParseError::UnsupportedFormat("zip"));
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        if has_utf16_name(bytes, "EncryptedPackage") {
            return Err(ParseError::Encrypted);
        }
        if has_utf16_name(bytes, "WordDocument") {
            return Ok(if ext == "wps" {
                Format::Wps
            } else {
                Format::Doc
            });
        }
        if has_utf16_name(bytes, "Workbook") || has_utf16_name(bytes, "Book") {
            return Err(ParseError::UnsupportedFormat("Excel"));
        }
        if has_utf16_name(bytes, "PowerPoint Document") {
            return Err(ParseError::UnsupportedFormat("PowerPoint"));
        }
        return Ok(if ext == "wps" {
            Format::Wps
        } else {
            Format::Doc
        });
    }
    if bytes.starts_with(b"{\\rtf") {
        return Ok(Format::Rtf);
    }
    let images: [&[u8]; 6] = [
        b"\x89PNG",
        b"\xFF\xD8\xFF",
        b"GIF87a",
        b"GIF89a",
        b"II*\0",
        b"MM\0*",
    ];
    if images.iter().any(|m| bytes.starts_with(m))
        || (bytes.starts_with(b"RIFF") && bytes.get(8..12) == Some(b"WEBP"))
    {
        return Err(ParseError::UnsupportedFormat("image"));
    }
    let start = String::from_utf8_lossy(&head[..head.len().min(256)])
        .trim_start_matches('\u{feff}')
        .trim_start()
        .to_ascii_lowercase();
    if start.starts_with("<!doctype html") || start.starts_with("<html") {
        return Ok(Format::Html);
    }
    Ok(Format::Text)
}

/// A file turned into draft text.
#[derive(Clone, Debug, PartialEq)]
pub struct Converted {
    pub format: Format,
    pub text: String,
    /// What the conversion left out, on lines of `text`.
    pub warnings: Vec<Warning>,
}

/// Turns a file into draft text (blocking: it may run LibreOffice or pdftotext).
pub fn convert(bytes: &[u8], name: Option<&str>, tools: &Tools) -> Result<Converted, ParseError> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(ParseError::TooLarge {
            bytes: bytes.len(),
            limit: MAX_FILE_BYTES,
        });
    }
    let format = detect(bytes, name)?;
    let converted = |text: String, warnings: Vec<Warning>| Converted {
        format,
        text,
        warnings,
    };
    match format {
        Format::Text => Ok(converted(parse::decode::decode(bytes)?, Vec::new())),
        Format::Html => {
            let html = parse::decode::decode(bytes)?;
            let text = lines::html_document_text(&html);
            Ok(converted(
                text,
                vec![Warning {
                    line: 1,
                    message: "网页文件：已去掉网页代码（标签、脚本、样式），只读取其中的文字"
                        .into(),
                }],
            ))
        }
        Format::Docx => {
            let d = parse::docx::to_text(bytes)?;
            Ok(converted(d.text, d.warnings))
        }
        Format::Doc | Format::Wps | Format::Rtf | Format::Odt => {
            let docx = libreoffice_to_docx(bytes, format, tools)?;
            let mut d = parse::docx::to_text(&docx)?;
            d.warnings.insert(
                0,
                Warning {
                    line: 1,
                    message: format!(
                        "{}文件已用 LibreOffice 转换为 .docx 后读取，请核对条文",
                        match format {
                            Format::Doc => "旧版 Word（.doc）",
                            Format::Wps => "WPS（.wps）",
                            Format::Rtf => "RTF",
                            _ => "OpenDocument（.odt）",
                        }
                    ),
                },
            );
            Ok(converted(d.text, d.warnings))
        }
        Format::Pdf => {
            let raw = pdf_text(bytes, tools)?;
            let (text, warnings) = pdf_pages_to_text(&raw)?;
            Ok(converted(text, warnings))
        }
    }
}

/// Converts and parses a file; the conversion's warnings come with the parser's, by line.
pub fn parse_file(
    bytes: &[u8],
    name: Option<&str>,
    tools: &Tools,
) -> Result<(Converted, Parsed), ParseError> {
    let c = convert(bytes, name, tools)?;
    let mut parsed = parse::parse_text(&c.text)?;
    parsed.warnings.extend(c.warnings.iter().cloned());
    parsed.warnings.sort_by_key(|w| w.line);
    Ok((c, parsed))
}

/// A private directory for one conversion, removed when dropped.
struct WorkDir(PathBuf);

impl WorkDir {
    fn new() -> Result<WorkDir, ParseError> {
        let dir =
            std::env::temp_dir().join(format!("yijian-import-{:016x}", rand::random::<u64>()));
        std::fs::create_dir_all(&dir).map_err(|e| ParseError::Conversion {
            tool: "import",
            detail: format!("cannot create {}: {e}", dir.display()),
        })?;
        Ok(WorkDir(dir))
    }
}

impl Drop for WorkDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs a program with a time limit; returns its exit status, stdout and stderr.
fn run(cmd: &mut Command, tool: &'static str) -> Result<(bool, Vec<u8>, String), ParseError> {
    use std::io::Read;
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| ParseError::Conversion {
            tool,
            detail: format!("cannot start it: {e}"),
        })?;
    // Read the outputs on threads so a full pipe never blocks the child.
    let mut stdout = child.stdout.take();
    let mut stderr = child.stderr.take();
    let out = std::thread::spawn(move || {
        let mut buf = Vec::new();
        if let Some(s) = stdout.as_mut() {
            let _ = s.read_to_end(&mut buf);
        }
        buf
    });
    let err = std::thread::spawn(move || {
        let mut buf = Vec::new();
        if let Some(s) = stderr.as_mut() {
            let _ = s.read_to_end(&mut buf);
        }
        buf
    });
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() > CONVERT_TIMEOUT => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(ParseError::Conversion {
                    tool,
                    detail: format!("no result after {} s", CONVERT_TIMEOUT.as_secs()),
                });
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => {
                return Err(ParseError::Conversion {
                    tool,
                    detail: e.to_string(),
                })
            }
        }
    };
    let stdout = out.join().unwrap_or_default();
    let stderr = String::from_utf8_lossy(&err.join().unwrap_or_default()).into_owned();
    Ok((status.success(), stdout, stderr))
}

/// One LibreOffice at a time: each takes a few hundred MB while it converts.
static CONVERTING: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn libreoffice_to_docx(bytes: &[u8], format: Format, tools: &Tools) -> Result<Vec<u8>, ParseError> {
    let soffice = tools.soffice.as_ref().ok_or(ParseError::MissingTool {
        format: format.described(),
        tool: "soffice",
        package: "libreoffice-writer-nogui",
    })?;
    let dir = WorkDir::new()?;
    let input = dir.0.join(format!(
        "draft.{}",
        match format {
            Format::Rtf => "rtf",
            Format::Odt => "odt",
            // WPS files share Word 97's container; LibreOffice reads them as .doc.
            _ => "doc",
        }
    ));
    let io = |e: std::io::Error| ParseError::Conversion {
        tool: "soffice",
        detail: e.to_string(),
    };
    std::fs::write(&input, bytes).map_err(io)?;
    let _turn = CONVERTING.lock().unwrap_or_else(|e| e.into_inner());
    let (ok, _, stderr) = run(
        Command::new(soffice)
            .arg(format!(
                "-env:UserInstallation=file://{}",
                dir.0.join("profile").display()
            ))
            .args([
                "--headless",
                "--norestore",
                "--nolockcheck",
                "--convert-to",
                "docx",
                "--outdir",
            ])
            .arg(&dir.0)
            .arg(&input),
        "soffice",
    )?;
    let output = dir.0.join("draft.docx");
    match std::fs::read(&output) {
        Ok(docx) if ok => Ok(docx),
        _ => Err(ParseError::Conversion {
            tool: "soffice",
            detail: stderr
                .lines()
                .find(|l| !l.trim().is_empty())
                .unwrap_or("no .docx was written (damaged or password-protected file?)")
                .to_string(),
        }),
    }
}

/// The PDF's text layer with its layout (indentation tells paragraphs apart), one form feed
/// after each page.
fn pdf_text(bytes: &[u8], tools: &Tools) -> Result<String, ParseError> {
    let pdftotext = tools.pdftotext.as_ref().ok_or(ParseError::MissingTool {
        format: "PDF",
        tool: "pdftotext",
        package: "poppler-utils",
    })?;
    let dir = WorkDir::new()?;
    let input = dir.0.join("draft.pdf");
    std::fs::write(&input, bytes).map_err(|e| ParseError::Conversion {
        tool: "pdftotext",
        detail: e.to_string(),
    })?;
    let (ok, stdout, stderr) = run(
        Command::new(pdftotext)
            .args(["-layout", "-enc", "UTF-8", "-eol", "unix"])
            .arg(&input)
            .arg("-"),
        "pdftotext",
    )?;
    if !ok {
        if stderr.contains("password") || stderr.contains("Incorrect") {
            return Err(ParseError::Encrypted);
        }
        return Err(ParseError::Conversion {
            tool: "pdftotext",
            detail: stderr
                .lines()
                .find(|l| !l.trim().is_empty())
                .unwrap_or("failed")
                .to_string(),
        });
    }
    String::from_utf8(stdout).map_err(|_| ParseError::Conversion {
        tool: "pdftotext",
        detail: "the text is not UTF-8".into(),
    })
}

/// A page number alone on a line: `1`, `- 1 -`, `—1—`, `第 1 页`, `第1页 共5页`, `1/5`.
fn is_page_number(line: &str) -> bool {
    let t: String = line
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '-' | '—' | '–' | '－' | '·' | '•'))
        .collect();
    if t.is_empty() {
        return false;
    }
    let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    if digits(&t) {
        return true;
    }
    if let Some((a, b)) = t.split_once('/') {
        return digits(a) && digits(b);
    }
    let no_digits: String = t.chars().filter(|c| !c.is_ascii_digit()).collect();
    t.chars().any(|c| c.is_ascii_digit())
        && matches!(
            no_digits.as_str(),
            "第页" | "第页共页" | "页" | "Page" | "page" | "Pageof"
        )
}

/// The lines that repeat at the top or bottom of most pages (digits set aside: a running
/// header with the page number still repeats).
fn repeated_margin_lines(pages: &[Vec<&str>]) -> std::collections::HashSet<String> {
    use std::collections::HashMap;
    let key = |l: &str| -> String {
        l.chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| if c.is_ascii_digit() { '#' } else { c })
            .collect()
    };
    let mut seen: HashMap<String, usize> = HashMap::new();
    for page in pages {
        let non_blank: Vec<&&str> = page.iter().filter(|l| !l.trim().is_empty()).collect();
        let mut keys: Vec<String> = non_blank
            .iter()
            .take(2)
            .chain(non_blank.iter().rev().take(2))
            .map(|l| key(l))
            .collect();
        keys.sort();
        keys.dedup();
        for k in keys {
            *seen.entry(k).or_default() += 1;
        }
    }
    let min = (pages.len() / 2).max(2);
    seen.into_iter()
        .filter(|(k, n)| *n >= min && k.chars().count() <= 40)
        .map(|(k, _)| k)
        .collect()
}

/// Pages of `pdftotext -layout` output as draft text: page numbers, running headers and
/// footers removed (with a warning), pages joined so a paragraph broken by a page continues.
/// A PDF without a text layer is refused.
pub fn pdf_pages_to_text(raw: &str) -> Result<(String, Vec<Warning>), ParseError> {
    let raw = raw.trim_end_matches('\u{c}');
    let pages: Vec<Vec<&str>> = raw.split('\u{c}').map(|p| p.lines().collect()).collect();
    let text_chars = raw.chars().filter(|c| !c.is_whitespace()).count();
    if text_chars < 20 * pages.len().max(1) {
        return Err(ParseError::ScannedPdf { pages: pages.len() });
    }
    let repeated = if pages.len() >= 2 {
        repeated_margin_lines(&pages)
    } else {
        Default::default()
    };
    let key = |l: &str| -> String {
        l.chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| if c.is_ascii_digit() { '#' } else { c })
            .collect()
    };
    let mut out: Vec<String> = Vec::new();
    let mut removed = 0;
    for page in &pages {
        let non_blank: Vec<usize> = (0..page.len())
            .filter(|&i| !page[i].trim().is_empty())
            .collect();
        // Only the first two and last two lines of a page can be its margins.
        let margin: Vec<usize> = non_blank
            .iter()
            .take(2)
            .chain(non_blank.iter().rev().take(2))
            .copied()
            .collect();
        let mut kept: Vec<&str> = Vec::new();
        for (i, line) in page.iter().enumerate() {
            if margin.contains(&i) && (is_page_number(line) || repeated.contains(&key(line))) {
                removed += 1;
                continue;
            }
            kept.push(line.trim_end());
        }
        // Blank lines at a page's top and bottom are its margins, not paragraph breaks: a
        // paragraph broken by the page continues on the next.
        let start = kept
            .iter()
            .position(|l| !l.is_empty())
            .unwrap_or(kept.len());
        let end = kept
            .iter()
            .rposition(|l| !l.is_empty())
            .map_or(start, |e| e + 1);
        for l in &kept[start..end.max(start)] {
            if l.is_empty() && out.last().is_some_and(|p: &String| p.is_empty()) {
                continue;
            }
            out.push(l.to_string());
        }
    }
    let mut text = out.join("\n");
    text.push('\n');
    let mut warnings = Vec::new();
    if removed > 0 {
        warnings.push(Warning {
            line: 1,
            message: format!(
                "PDF 共 {} 页：已去掉每页的页眉、页脚和页码（{removed} 行），并把跨页的段落接上",
                pages.len()
            ),
        });
    }
    Ok((text, warnings))
}

#[cfg(test)]
mod tests;
