//! The draft parser: Markdown or plain text → [`DraftTree`], with warnings.
//!
//! Pure (no web, no database). The steps:
//! 1. [`decode`]: bytes → text (UTF-8, UTF-16 with BOM, GB18030 or Big5; never a silent
//!    mis-decode); Word files are turned into text first by [`docx`];
//! 2. [`lines`]: text → cleaned logical lines (pulldown-cmark for Markdown, setext headings and
//!    HTML included);
//! 3. [`wrap`]: hard-wrapped lines joined again, a whole page on one line split at its labels;
//! 4. [`prologue`]: navigation and a publication notice around the draft set aside, then the
//!    title, repeated title, 题注 and LawRefBook's metadata block;
//! 5. each line classified (heading, article, item, …) in simplified or traditional script,
//!    tables of contents dropped;
//! 6. the tree built in one pass, recovering from the defects real published texts have —
//!    笫 for 第 and other lookalikes in numerals, spaces inside labels, labels glued to the
//!    previous line, chapter titles without 第X章 (never given an invented number), titles split
//!    over two lines, articles of another law quoted inside an article — and reporting each as a
//!    warning with its line number.

pub mod decode;
pub mod docx;
pub mod lines;
pub mod numerals;
pub mod prologue;
pub mod wrap;

use super::{Counts, DraftTree, Node, NodeKind, Warning};
use lines::Line;
use std::collections::HashMap;

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    #[error("the file is empty")]
    Empty,
    #[error("the file is binary: neither text nor a Word, WPS or PDF file")]
    Binary,
    #[error("the file is {bytes} bytes; drafts are limited to {limit} bytes")]
    TooLarge { bytes: usize, limit: usize },
    #[error(
        "the text is neither UTF-8, UTF-16, GB18030/GBK nor Big5; save it as UTF-8 and try again"
    )]
    UnknownEncoding,
    #[error("no article (第X条) and no numbered item (一、) found: not a legislative text")]
    NoStructure,
    #[error("the Word file cannot be read: {0}")]
    Docx(String),
    #[error("the file is password-protected")]
    Encrypted,
    #[error("{0} files are not drafts; use Word (.docx, .doc), WPS, PDF, Markdown or plain text")]
    UnsupportedFormat(&'static str),
    #[error(
        "reading {format} files needs `{tool}` (Debian package {package}), which is not installed"
    )]
    MissingTool {
        format: &'static str,
        tool: &'static str,
        package: &'static str,
    },
    #[error("{tool} could not convert the file: {detail}")]
    Conversion { tool: &'static str, detail: String },
    #[error("the PDF has no text layer ({pages} page(s) of images, a scan?): run text recognition (OCR) first or use the Word or text version")]
    ScannedPdf { pages: usize },
}

impl ParseError {
    /// The same error for the committee's UI, in Chinese.
    pub fn message_zh(&self) -> String {
        match self {
            ParseError::Empty => "文件为空。".into(),
            ParseError::Binary => "这是无法识别的二进制文件（不是文本，也不是 Word、WPS 或 PDF 文件），请上传 Word（.docx/.doc）、WPS、PDF、Markdown 或文本文件。".into(),
            ParseError::TooLarge { bytes, limit } => format!(
                "文件过大（{:.1} MB），草案文件不能超过 {} MB。",
                *bytes as f64 / 1_048_576.0,
                limit / 1_048_576
            ),
            ParseError::UnknownEncoding => {
                "无法识别文件编码（不是 UTF-8、UTF-16、GB18030/GBK 或 Big5），请另存为 UTF-8 后重试。"
                    .into()
            }
            ParseError::NoStructure => {
                "没有找到任何条文（第X条）或编号事项（一、），无法识别为法规文本。".into()
            }
            ParseError::Docx(_) => {
                "Word 文件无法读取（文件可能已损坏），请用 Word 或 WPS 打开后另存为 .docx 再上传。"
                    .into()
            }
            ParseError::Encrypted => "文件设有打开密码，请取消密码后再上传。".into(),
            ParseError::UnsupportedFormat(what) => format!(
                "不支持{}，请上传 Word（.docx/.doc）、WPS、PDF、Markdown 或文本文件。",
                format_zh(what)
            ),
            ParseError::MissingTool { format, .. } => format!(
                "服务器未安装读取{}文件所需的转换程序，请另存为 .docx 或 UTF-8 文本后上传。",
                format_zh(format)
            ),
            ParseError::Conversion { .. } => {
                "文件转换失败，请用 Word 或 WPS 打开后另存为 .docx 再上传。".into()
            }
            ParseError::ScannedPdf { .. } => {
                "这个 PDF 没有文字层（像是扫描件），读不出条文。请上传 Word 或文本版本，或先做文字识别（OCR）。"
                    .into()
            }
        }
    }
}

/// A file format named in Chinese for messages.
fn format_zh(what: &str) -> String {
    match what {
        "PDF" => "PDF".into(),
        "Word 97-2003 (.doc)" => "旧版 Word（.doc）".into(),
        "WPS (.wps)" => "WPS（.wps）".into(),
        "Excel" => "Excel 表格".into(),
        "PowerPoint" => "PowerPoint 演示文稿".into(),
        "image" => "图片".into(),
        "RTF" => "RTF".into(),
        other => other.into(),
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Parsed {
    pub tree: DraftTree,
    pub warnings: Vec<Warning>,
    pub counts: Counts,
}

pub fn parse_bytes(bytes: &[u8]) -> Result<Parsed, ParseError> {
    parse_text(&decode::decode(bytes)?)
}

pub fn parse_text(text: &str) -> Result<Parsed, ParseError> {
    if text.trim().is_empty() {
        return Err(ParseError::Empty);
    }
    let (lines, dropped_html) = lines::split_lines(text);
    let (lines, mut warnings) = wrap::rejoin(lines);
    let (lines, split_warnings) = wrap::split_long_lines(lines);
    warnings.extend(split_warnings);
    let (lines, chrome_warnings) = prologue::drop_page_chrome(lines);
    warnings.extend(chrome_warnings);
    let pro = prologue::prologue(&lines);
    warnings.extend(pro.warnings);
    let (title, note, body_start) = (pro.title, pro.note, pro.body_start);
    let toks: Vec<Tok> = lines[body_start..].iter().map(classify).collect();
    let skip = tables_of_contents(&toks);
    let mut b = Builder::default();
    b.run(&toks, &skip);
    warnings.append(&mut b.warnings);
    for (line, what) in dropped_html {
        let message = match what {
            lines::Dropped::Html(tag) => {
                format!("已删除原文中的 HTML 标记“{tag}”（草案文本不能包含网页代码）")
            }
            lines::Dropped::Script(tag) => {
                format!("已删除原文中的网页脚本或样式“{tag}”及其内容（草案文本不能包含网页代码）")
            }
        };
        warnings.push(Warning { line, message });
    }
    warnings.sort_by_key(|w| w.line);
    let tree = DraftTree {
        title,
        note,
        nodes: b.finish(),
    };
    let counts = tree.counts();
    let has_points = tree.nodes.iter().any(|n| n.kind == NodeKind::Point);
    if counts.tiao == 0 && !has_points {
        return Err(ParseError::NoStructure);
    }
    Ok(Parsed {
        tree,
        warnings,
        counts,
    })
}

// ---------------------------------------------------------------------------------------------
// Classification

#[derive(Clone, Debug, PartialEq, Default)]
struct LabelDefect {
    /// 笫 (or another lookalike) written for 第.
    typo: Option<char>,
    /// Spaces inside the label.
    spaced: bool,
    /// Characters that only look like numerals, with what they were read as: ("－", "一").
    lookalike: Option<(String, String)>,
}

#[derive(Clone, Debug, PartialEq)]
enum Kind {
    /// 目录
    Toc,
    /// 第X编/分编/章/节 with its title.
    Heading {
        kind: NodeKind,
        number: u32,
        title: String,
        /// The unit as written (编 or 編, 节 or 節 …).
        unit: String,
        defect: LabelDefect,
    },
    /// 第X条 / 第X条之Y, with the text after the label.
    Article {
        number: u32,
        sub: Option<u32>,
        rest: String,
        /// 条 or 條, as written.
        unit: char,
        defect: LabelDefect,
    },
    /// （一）
    Item {
        number: u32,
        rest: String,
    },
    /// 1. / （1）
    SubItem {
        number: u32,
        rest: String,
    },
    /// 一、
    Point {
        number: u32,
        rest: String,
    },
    /// 序言
    Preamble,
    /// 附件… / 附表… / 附录…
    Annex,
    Text,
}

#[derive(Clone, Debug)]
struct Tok {
    line: u32,
    text: String,
    md_level: Option<u8>,
    indent: u16,
    kind: Kind,
}

fn no_spaces(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Heading titles use spaces only to justify short titles (“总  则”): drop spaces between
/// Chinese characters, keep them around Latin words.
fn tidy_title(s: &str) -> String {
    let chars: Vec<char> = s.trim().chars().collect();
    let mut out = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if c == ' ' {
            let prev = out.chars().last();
            let next = chars[i + 1..].iter().find(|c| **c != ' ');
            let latin = |c: Option<&char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
            if latin(prev.as_ref()) && latin(next) && !out.ends_with(' ') {
                out.push(' ');
            }
        } else {
            out.push(c);
        }
    }
    out
}

const SENTENCE_PUNCT: &[char] = &['。', '；', '，', '：', '！', '？', ',', ';', ':', '“', '”'];

/// Chapter titles common enough to be recognised without their 第X章 (a pasted web page or
/// newspaper often loses it), in both scripts.
const COMMON_CHAPTER_TITLES: &[&str] = &[
    "总则",
    "附则",
    "分则",
    "法律责任",
    "罚则",
    "一般规定",
    "總則",
    "附則",
    "分則",
    "法律責任",
    "罰則",
    "一般規定",
];

fn is_common_chapter_title(text: &str) -> bool {
    COMMON_CHAPTER_TITLES.contains(&no_spaces(text).as_str())
}

/// Words that follow 第X条 when it is a reference inside a sentence, not a label (both
/// scripts).
const REFERENCE_CONTINUATIONS: &[&str] = &[
    "的",
    "规定",
    "規定",
    "、",
    "，",
    ",",
    "至",
    "和",
    "或",
    "第",
    "所",
    "中",
    "及",
    "以",
    "条",
    "條",
    "款",
    "项",
    "項",
    "。",
    "；",
    "）",
    ")",
    "”",
    "之规定",
    "之規定",
    "与",
    "與",
    "并",
    "並",
];

/// Units of labels, longest first, with the kind they stand for; both scripts.
const UNITS: &[(&str, &str)] = &[
    ("分编", "分编"),
    ("分編", "分编"),
    ("编", "编"),
    ("編", "编"),
    ("章", "章"),
    ("节", "节"),
    ("節", "节"),
    ("条", "条"),
    ("條", "条"),
];

struct Label<'a> {
    number: u32,
    /// The unit, simplified: 分编, 编, 章, 节 or 条.
    unit: &'static str,
    /// The unit as written.
    written: &'static str,
    rest: &'a str,
    defect: LabelDefect,
}

/// Reads “第 三十五 条…”: the number, the unit and what follows. Recovers 笫 for 第 and
/// characters that only look like numerals (第三十－条), noting each in the defect.
fn read_label(s: &str) -> Option<Label<'_>> {
    let mut defect = LabelDefect::default();
    let after = if let Some(r) = s.strip_prefix('第') {
        r
    } else {
        let c = s.chars().next().filter(|c| matches!(c, '笫' | '苐'))?;
        defect.typo = Some(c);
        &s[c.len_utf8()..]
    };
    let trimmed = after.trim_start();
    defect.spaced = trimmed.len() != after.len();
    let mut num_len = 0;
    let mut numeral = String::new();
    let mut looks = (String::new(), String::new());
    for c in trimmed.chars() {
        if numerals::is_numeral_char(c) {
            numeral.push(c);
        } else if let Some(real) = numerals::lookalike(c) {
            numeral.push(real);
            looks.0.push(c);
            looks.1.push(real);
        } else {
            break;
        }
        num_len += c.len_utf8();
        if numeral.chars().count() > 8 {
            return None;
        }
    }
    let count = numeral.chars().count();
    // A run of dashes alone (第——条) is not a number.
    if num_len == 0 || (looks.0.chars().count() == count && count > 1) {
        return None;
    }
    let number = numerals::parse(&numeral)?;
    if number == 0 {
        return None;
    }
    if !looks.0.is_empty() {
        defect.lookalike = Some(looks);
    }
    let after_num = &trimmed[num_len..];
    let unit_part = after_num.trim_start();
    defect.spaced |= unit_part.len() != after_num.len();
    for (written, unit) in UNITS {
        if let Some(rest) = unit_part.strip_prefix(written) {
            return Some(Label {
                number,
                unit,
                written,
                rest,
                defect,
            });
        }
    }
    None
}

fn classify(line: &Line) -> Tok {
    let text = line.text.clone();
    let (kind, text) = match classify_text(&text) {
        // A Markdown or typographic bullet before a label: the label counts, not the bullet.
        Kind::Text => match strip_bullet(&text) {
            Some(rest) if !matches!(classify_text(rest), Kind::Text) => {
                (classify_text(rest), rest.to_string())
            }
            _ => (Kind::Text, text),
        },
        k => (k, text),
    };
    Tok {
        line: line.no,
        text,
        md_level: line.heading,
        indent: line.indent,
        kind,
    }
}

/// The text after a list bullet (`* `, `- `, `• `, `●` …), if the line starts with one.
fn strip_bullet(text: &str) -> Option<&str> {
    for b in [
        "* ", "- ", "+ ", "•", "·", "・", "●", "○", "■", "□", "◆", "◇", "▪", "►", "➢",
    ] {
        if let Some(rest) = text.strip_prefix(b) {
            return Some(rest.trim_start());
        }
    }
    None
}

/// An article label at the start of `text` that is a label, not a reference (第二十条规定的…).
fn article_label(text: &str) -> Option<(Label<'_>, Option<u32>, &str)> {
    let l = read_label(text)?;
    if l.unit != "条" {
        return None;
    }
    let mut rest = l.rest;
    let mut sub = None;
    if let Some(r) = rest.trim_start().strip_prefix('之') {
        let n: usize = r
            .chars()
            .take_while(|c| numerals::is_numeral_char(*c))
            .map(char::len_utf8)
            .sum();
        match numerals::parse(&r[..n]) {
            Some(v) if n > 0 => {
                sub = Some(v);
                rest = &r[n..];
            }
            _ => return None,
        }
    }
    let starts_reference =
        !rest.starts_with(' ') && REFERENCE_CONTINUATIONS.iter().any(|w| rest.starts_with(w));
    if starts_reference {
        return None;
    }
    Some((l, sub, rest))
}

fn classify_text(text: &str) -> Kind {
    let compact = no_spaces(text);
    if compact == "目录" || compact == "目錄" {
        return Kind::Toc;
    }
    if compact == "序言" {
        return Kind::Preamble;
    }
    if let Some((l, sub, rest)) = article_label(text) {
        return Kind::Article {
            number: l.number,
            sub,
            rest: rest.trim().to_string(),
            unit: l.written.chars().next().unwrap_or('条'),
            defect: l.defect,
        };
    }
    if let Some(l) = read_label(text) {
        if l.unit != "条" {
            let rest = l.rest;
            let short_plain = compact.chars().count() <= 24 && !rest.contains(SENTENCE_PUNCT);
            if (rest.is_empty() || rest.starts_with(' ') || short_plain) && !rest.contains('。') {
                let kind = match l.unit {
                    "编" => NodeKind::Bian,
                    "分编" => NodeKind::Fenbian,
                    "章" => NodeKind::Zhang,
                    _ => NodeKind::Jie,
                };
                return Kind::Heading {
                    kind,
                    number: l.number,
                    title: tidy_title(rest),
                    unit: l.written.to_string(),
                    defect: l.defect,
                };
            }
        }
    }
    if let Some((number, rest)) = bracketed_number(text) {
        return match number {
            Numbered::Chinese(n) => Kind::Item { number: n, rest },
            Numbered::Digits(n) => Kind::SubItem { number: n, rest },
        };
    }
    if let Some((n, rest)) = digits_then(text, &['.', '．', '、']) {
        return Kind::SubItem { number: n, rest };
    }
    let numeral_len: usize = text
        .chars()
        .take_while(|c| numerals::is_numeral_char(*c) && !c.is_ascii_digit())
        .map(char::len_utf8)
        .sum();
    if numeral_len > 0 && text[numeral_len..].starts_with('、') {
        if let Some(n) = numerals::parse(&text[..numeral_len]) {
            return Kind::Point {
                number: n,
                rest: text[numeral_len + '、'.len_utf8()..].trim().to_string(),
            };
        }
    }
    if (compact.starts_with("附件")
        || compact.starts_with("附表")
        || compact.starts_with("附录")
        || compact.starts_with("附錄"))
        && compact.chars().count() <= 60
    {
        return Kind::Annex;
    }
    Kind::Text
}

enum Numbered {
    Chinese(u32),
    Digits(u32),
}

/// “（一）…” or “(1)…”.
fn bracketed_number(text: &str) -> Option<(Numbered, String)> {
    let inner = text.strip_prefix('（').or_else(|| text.strip_prefix('('))?;
    let close = inner.find(['）', ')'])?;
    let num = inner[..close].trim();
    let rest = inner[close..]
        .chars()
        .skip(1)
        .collect::<String>()
        .trim()
        .to_string();
    if !num.is_empty() && num.chars().all(|c| c.is_ascii_digit()) && num.len() <= 3 {
        return Some((Numbered::Digits(num.parse().ok()?), rest));
    }
    if !num.is_empty() && num.chars().count() <= 4 && num.chars().all(numerals::is_numeral_char) {
        return Some((Numbered::Chinese(numerals::parse(num)?), rest));
    }
    None
}

fn digits_then(text: &str, seps: &[char]) -> Option<(u32, String)> {
    let n = text.chars().take_while(|c| c.is_ascii_digit()).count();
    if n == 0 || n > 3 {
        return None;
    }
    let after = &text[n..];
    let sep = after.chars().next()?;
    if !seps.contains(&sep) {
        return None;
    }
    // "1.5倍" is a number, not a label.
    if after[sep.len_utf8()..].starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    Some((
        text[..n].parse().ok()?,
        after[sep.len_utf8()..].trim().to_string(),
    ))
}

fn is_structural(text: &str) -> bool {
    !matches!(classify_text(text), Kind::Text)
}

// ---------------------------------------------------------------------------------------------
// Tables of contents

/// A heading title as the table of contents and the body both have it: without a dot leader,
/// page number and whatever follows (a second column of entries).
fn toc_title(title: &str) -> &str {
    let cut = ['.', '…', '·', '．', '・', '⋯']
        .iter()
        .filter_map(|c| title.find(*c))
        .min()
        .unwrap_or(title.len());
    title[..cut].trim_end_matches(|c: char| c.is_ascii_digit() || c.is_whitespace())
}

/// Marks the lines of tables of contents: after a 目录 line up to where the body repeats its
/// first entry, and any run of headings that is repeated before any article appears (a table of
/// contents written as headings).
fn tables_of_contents(toks: &[Tok]) -> Vec<bool> {
    let mut skip = vec![false; toks.len()];
    let heading_key = |t: &Tok| match &t.kind {
        Kind::Heading {
            kind,
            number,
            title,
            ..
        } => Some(format!("{kind:?}{number}{}", toc_title(title))),
        Kind::Preamble => Some("preamble".into()),
        _ => None,
    };
    let mut i = 0;
    while i < toks.len() {
        if toks[i].kind == Kind::Toc {
            skip[i] = true;
            let first = toks[i + 1..]
                .iter()
                .position(|t| heading_key(t).is_some())
                .map(|p| p + i + 1);
            let Some(first) = first else {
                i += 1;
                continue;
            };
            let first_key = heading_key(&toks[first]);
            let mut j = first + 1;
            while j < toks.len() {
                let t = &toks[j];
                let ends = matches!(t.kind, Kind::Article { .. })
                    || heading_key(t) == first_key
                    || (t.kind == Kind::Text && t.text.contains('。'));
                if ends {
                    break;
                }
                j += 1;
            }
            for s in skip.iter_mut().take(j).skip(i) {
                *s = true;
            }
            i = j;
            continue;
        }
        if let Some(key) = heading_key(&toks[i]) {
            // A later heading equal to this one with no article between: this was a TOC.
            let mut j = i + 1;
            while j < toks.len() && !matches!(toks[j].kind, Kind::Article { .. }) {
                if heading_key(&toks[j]).as_ref() == Some(&key) {
                    for s in skip.iter_mut().take(j).skip(i) {
                        *s = true;
                    }
                    break;
                }
                j += 1;
            }
        }
        i += 1;
    }
    skip
}

// ---------------------------------------------------------------------------------------------
// Building the tree

fn rank(kind: NodeKind) -> u8 {
    match kind {
        NodeKind::Preamble | NodeKind::Annex | NodeKind::Bian => 0,
        NodeKind::Fenbian => 1,
        NodeKind::Zhang => 2,
        NodeKind::Jie => 3,
        NodeKind::Tiao | NodeKind::Point => 4,
        NodeKind::Kuan => 5,
        NodeKind::Xiang => 6,
        NodeKind::Mu => 7,
    }
}

#[derive(Default)]
struct Builder {
    nodes: Vec<Node>,
    path: Vec<Node>,
    warnings: Vec<Warning>,
    last_article: Option<(u32, u32)>,
    last_number: [u32; 4],
    seen_numbered_chapter: bool,
    /// Titles listed in a table of contents: the indentation of their entry, and their number
    /// and label when the entry has them.
    toc_titles: HashMap<String, (u16, Option<(u32, String)>)>,
    /// Indentation of the table of contents' numbered entries per level (编, 分编, 章, 节).
    toc_indent: [Option<u16>; 4],
    heading_levels: [Option<u8>; 4],
    in_annex: bool,
    /// Inside an article that quotes the text of another law (after a line ending in “：”).
    quoting: bool,
    /// The previous line ended with “：”.
    colon: bool,
    /// The last token opened a heading that has no content yet (a following short line may
    /// continue its title).
    heading_open: bool,
}

fn level_of(kind: NodeKind) -> usize {
    match kind {
        NodeKind::Bian => 0,
        NodeKind::Fenbian => 1,
        NodeKind::Zhang => 2,
        _ => 3,
    }
}

fn written_label(number: u32, sub: Option<u32>, unit: char) -> String {
    match sub {
        Some(s) => format!(
            "第{}{unit}之{}",
            numerals::to_chinese(number),
            numerals::to_chinese(s)
        ),
        None => format!("第{}{unit}", numerals::to_chinese(number)),
    }
}

impl Builder {
    fn warn(&mut self, line: u32, message: String) {
        self.warnings.push(Warning { line, message });
    }

    fn close_until(&mut self, r: u8) {
        while self.path.last().is_some_and(|n| rank(n.kind) >= r) {
            self.pop();
        }
    }

    fn pop(&mut self) {
        if let Some(n) = self.path.pop() {
            match self.path.last_mut() {
                Some(parent) => parent.children.push(n),
                None => self.nodes.push(n),
            }
        }
    }

    fn open(&mut self, node: Node) {
        // The preamble ends where the first structural unit begins.
        let r = if self
            .path
            .first()
            .is_some_and(|n| n.kind == NodeKind::Preamble)
        {
            0
        } else {
            rank(node.kind)
        };
        self.close_until(r);
        self.path.push(node);
    }

    fn in_article(&self) -> bool {
        self.path.iter().any(|n| n.kind == NodeKind::Tiao)
    }

    fn top_kind(&self) -> Option<NodeKind> {
        self.path.last().map(|n| n.kind)
    }

    fn finish(mut self) -> Vec<Node> {
        while !self.path.is_empty() {
            self.pop();
        }
        self.nodes
    }

    fn run(&mut self, toks: &[Tok], skip: &[bool]) {
        for (i, t) in toks.iter().enumerate() {
            if skip[i] {
                match &t.kind {
                    Kind::Heading {
                        kind,
                        title,
                        number,
                        unit,
                        ..
                    } => {
                        let level = level_of(*kind);
                        self.toc_indent[level].get_or_insert(t.indent);
                        if *kind == NodeKind::Zhang {
                            let label = format!("第{}{unit}", numerals::to_chinese(*number));
                            self.toc_titles
                                .insert(no_spaces(title), (t.indent, Some((*number, label))));
                        }
                    }
                    // An unnumbered entry (附则 after the parts): its indentation tells its level.
                    Kind::Text
                        if t.text.chars().count() <= 24 && !t.text.contains(SENTENCE_PUNCT) =>
                    {
                        self.toc_titles.insert(no_spaces(&t.text), (t.indent, None));
                    }
                    _ => {}
                }
                continue;
            }
            let next = toks[i + 1..]
                .iter()
                .zip(&skip[i + 1..])
                .find(|(_, s)| !**s)
                .map(|(t, _)| t);
            self.token(t, next);
            self.colon = t.text.ends_with(['：', ':']);
        }
    }

    fn token(&mut self, t: &Tok, next: Option<&Tok>) {
        if self.in_annex {
            if t.kind == Kind::Annex {
                self.open_annex(t);
            } else {
                self.paragraph(t.line, t.text.clone());
            }
            return;
        }
        if self.quoting || (self.colon && self.in_article()) {
            let fits = match &t.kind {
                Kind::Article { number, sub, .. } => self.fits_sequence(*number, *sub),
                Kind::Heading { .. } => false,
                _ => true,
            };
            if !fits {
                if !self.quoting {
                    self.warn(
                        t.line,
                        "条文中引用的其他法律条文或章节，按本条内容处理".into(),
                    );
                }
                self.quoting = true;
                self.paragraph(t.line, t.text.clone());
                return;
            }
            if matches!(t.kind, Kind::Article { .. }) {
                self.quoting = false;
            }
        }
        let was_heading_open = std::mem::take(&mut self.heading_open);
        match &t.kind {
            Kind::Toc => {}
            Kind::Heading {
                kind,
                number,
                title,
                unit,
                defect,
            } => {
                let label = format!("第{}{unit}", numerals::to_chinese(*number));
                self.label_defects(t.line, &label, *number, unit, defect);
                self.heading(t, *kind, Some((*number, label)), title.clone());
            }
            Kind::Article {
                number,
                sub,
                rest,
                unit,
                defect,
            } => self.article(t.line, *number, *sub, rest, *unit, defect),
            Kind::Item { number, rest } => {
                let label = format!("（{}）", numerals::to_chinese(*number));
                self.item(t.line, NodeKind::Xiang, *number, label, rest.clone());
            }
            Kind::SubItem { number, rest } => self.item(
                t.line,
                NodeKind::Mu,
                *number,
                format!("{number}."),
                rest.clone(),
            ),
            Kind::Point { number, rest } => {
                if self.in_article() {
                    let label = format!("{}、", numerals::to_chinese(*number));
                    self.item(t.line, NodeKind::Xiang, *number, label, rest.clone());
                } else {
                    let mut n = Node::new(NodeKind::Point, t.line);
                    n.number = Some(*number);
                    n.label = format!("{}、", numerals::to_chinese(*number));
                    n.text = rest.clone();
                    self.open(n);
                }
            }
            Kind::Preamble => {
                let mut n = Node::new(NodeKind::Preamble, t.line);
                n.label = "序言".into();
                self.open(n);
            }
            Kind::Annex if self.last_article.is_some() => self.open_annex(t),
            Kind::Annex | Kind::Text => self.text(t, next, was_heading_open),
        }
    }

    /// Warnings for a label written with 笫, lookalike numerals or stray spaces.
    fn label_defects(
        &mut self,
        line: u32,
        label: &str,
        number: u32,
        unit: &str,
        defect: &LabelDefect,
    ) {
        if let Some(c) = defect.typo {
            self.warn(
                line,
                format!("“{label}”的“第”误写为“{c}”，已按第{number}{unit}处理"),
            );
        }
        if let Some((written, meant)) = &defect.lookalike {
            self.warn(
                line,
                format!("“{label}”的编号中“{written}”像是数字“{meant}”的误写，已按{label}处理"),
            );
        }
        if defect.spaced {
            self.warn(line, format!("“{label}”的标号中有多余空格"));
        }
    }

    fn open_annex(&mut self, t: &Tok) {
        self.in_annex = true;
        let mut n = Node::new(NodeKind::Annex, t.line);
        n.title = t.text.clone();
        n.label = "附件".into();
        self.open(n);
    }

    /// Opens a heading; `numbered` is its number and label as the source has them. An
    /// unnumbered heading gets no label: none is invented.
    fn heading(&mut self, t: &Tok, kind: NodeKind, numbered: Option<(u32, String)>, title: String) {
        let level = level_of(kind);
        if numbered.is_some() && self.heading_levels[level].is_none() {
            self.heading_levels[level] = t.md_level;
        }
        if let Some((number, _)) = &numbered {
            if kind == NodeKind::Bian {
                self.last_number = [*number, 0, 0, 0];
            } else {
                self.last_number[level] = *number;
                if kind == NodeKind::Zhang {
                    self.last_number[3] = 0;
                    self.seen_numbered_chapter = true;
                }
            }
        }
        let mut n = Node::new(kind, t.line);
        if let Some((number, label)) = numbered {
            n.number = Some(number);
            n.label = label;
        }
        n.title = title;
        self.open(n);
        self.heading_open = true;
    }

    fn fits_sequence(&self, number: u32, sub: Option<u32>) -> bool {
        match (self.last_article, sub) {
            (None, _) => true,
            (Some((last, _)), None) => number == last + 1,
            (Some((last, last_sub)), Some(s)) => number == last && s == last_sub + 1,
        }
    }

    fn article(
        &mut self,
        line: u32,
        number: u32,
        sub: Option<u32>,
        rest: &str,
        unit: char,
        defect: &LabelDefect,
    ) {
        let label = written_label(number, sub, unit);
        self.label_defects(line, &label, number, &unit.to_string(), defect);
        if let Some((last, last_sub)) = self.last_article {
            let last_label = written_label(last, (last_sub > 0).then_some(last_sub), unit);
            if !self.fits_sequence(number, sub) {
                let backwards = (number, sub.unwrap_or(0)) <= (last, last_sub);
                let message = if backwards {
                    format!("条文编号重复或倒序：{label}出现在{last_label}之后")
                } else {
                    format!("条文编号不连续：{last_label}之后是{label}")
                };
                self.warn(line, message);
            }
        }
        self.last_article = Some((number, sub.unwrap_or(0)));
        let mut n = Node::new(NodeKind::Tiao, line);
        n.number = Some(number);
        n.sub = sub;
        n.label = label;
        self.open(n);
        if !rest.is_empty() {
            self.paragraph_with_glued(line, rest.to_string());
        }
    }

    /// A paragraph inside an article, splitting off an article label glued to its end.
    fn paragraph_with_glued(&mut self, line: u32, text: String) {
        if let Some((before, after)) = self.glued_label(&text) {
            self.paragraph(line, before);
            let Kind::Article {
                number,
                sub,
                rest,
                unit,
                defect,
            } = classify_text(&after)
            else {
                return;
            };
            self.warn(
                line,
                format!(
                    "{}的标号与上一段写在同一行，已拆分",
                    written_label(number, sub, unit)
                ),
            );
            self.article(line, number, sub, &rest, unit, &defect);
            return;
        }
        self.paragraph(line, text);
    }

    /// Finds “…。 第十八条…” where 第十八条 is exactly the next article.
    fn glued_label(&self, text: &str) -> Option<(String, String)> {
        let (last, _) = self.last_article?;
        for (i, c) in text.char_indices().skip(1) {
            if c != '第' && c != '笫' {
                continue;
            }
            let before = text[..i].trim_end();
            if !before.ends_with(['。', '；', '！', '？', '”']) {
                continue;
            }
            if let Some((l, None, _)) = article_label(&text[i..]) {
                if l.number == last + 1 {
                    return Some((before.to_string(), text[i..].to_string()));
                }
            }
        }
        None
    }

    fn paragraph(&mut self, line: u32, text: String) {
        self.close_until(rank(NodeKind::Kuan));
        let mut n = Node::new(NodeKind::Kuan, line);
        n.text = text;
        self.path.push(n);
    }

    fn item(&mut self, line: u32, kind: NodeKind, number: u32, label: String, text: String) {
        self.close_until(rank(kind));
        if kind == NodeKind::Xiang && self.top_kind() != Some(NodeKind::Kuan) {
            self.paragraph(line, String::new());
        }
        if kind == NodeKind::Mu
            && !matches!(self.top_kind(), Some(NodeKind::Xiang | NodeKind::Kuan))
        {
            self.paragraph(line, String::new());
        }
        let mut n = Node::new(kind, line);
        n.number = Some(number);
        n.label = label;
        n.text = text;
        self.path.push(n);
    }

    /// The level a heading without 第X编/章/节 stands at: that of its Markdown heading level
    /// or of its entry in the table of contents; a closing 附则 after the parts (编) of a code
    /// stands beside them.
    fn bare_heading_kind(&self, t: &Tok, compact: &str) -> NodeKind {
        if let Some(level) = t.md_level {
            for (i, kind) in [
                NodeKind::Bian,
                NodeKind::Fenbian,
                NodeKind::Zhang,
                NodeKind::Jie,
            ]
            .into_iter()
            .enumerate()
            {
                if self.heading_levels[i] == Some(level) {
                    return kind;
                }
            }
        }
        if let Some((indent, _)) = self.toc_titles.get(compact) {
            let bian = self.toc_indent[0];
            if bian.is_some() && bian == Some(*indent) && bian != self.toc_indent[2] {
                return NodeKind::Bian;
            }
            if self.toc_indent[3] == Some(*indent) && self.toc_indent[2] != Some(*indent) {
                return NodeKind::Jie;
            }
        }
        if self.last_number[0] > 0 && (compact == "附则" || compact == "附則") {
            return NodeKind::Bian;
        }
        NodeKind::Zhang
    }

    /// A line that is none of the numbered kinds: a paragraph, a preamble line, the second line
    /// of a split heading title, or a chapter title that lost its 第X章.
    fn text(&mut self, t: &Tok, next: Option<&Tok>, heading_open: bool) {
        let compact = no_spaces(&t.text);
        let plain_short = compact.chars().count() <= 24 && !t.text.contains(SENTENCE_PUNCT);
        if heading_open && plain_short {
            if let Some(h) = self.path.last_mut() {
                h.title.push_str(&tidy_title(&t.text));
                self.heading_open = true;
                return;
            }
        }
        let next_opens = next.is_some_and(|n| {
            matches!(
                n.kind,
                Kind::Article { .. }
                    | Kind::Heading {
                        kind: NodeKind::Jie,
                        ..
                    }
            )
        });
        let known_title = self.toc_titles.contains_key(&compact);
        let common = is_common_chapter_title(&compact);
        let structured = self.seen_numbered_chapter || known_title || self.last_article.is_some();
        if plain_short
            && next_opens
            && (common
                || t.md_level.is_some()
                || (structured && (self.seen_numbered_chapter || known_title)))
        {
            let title = tidy_title(&t.text);
            // The table of contents gives the number the body lost: the source has it.
            if let Some((_, Some((number, label)))) = self.toc_titles.get(&compact).cloned() {
                if number == self.last_number[2] + 1 {
                    self.warn(
                        t.line,
                        format!(
                            "正文中“{title}”缺少“第X章”编号，已按目录中的“{label} {title}”处理"
                        ),
                    );
                    self.heading(t, NodeKind::Zhang, Some((number, label)), title);
                    return;
                }
            }
            let kind = self.bare_heading_kind(t, &compact);
            let level_name = match kind {
                NodeKind::Bian => "编",
                NodeKind::Fenbian => "分编",
                NodeKind::Zhang => "章",
                _ => "节",
            };
            // Markdown headings at the level of the parts are unnumbered parts by design (刑法's
            // closing 附则); elsewhere the missing number is worth a look.
            if !(kind == NodeKind::Bian && t.md_level.is_some()) {
                self.warn(
                    t.line,
                    format!(
                        "“{title}”没有“第X{level_name}”编号，已按{level_name}一级的标题处理（不补编号）"
                    ),
                );
            }
            self.heading(t, kind, None, title);
            return;
        }
        if self.in_article() {
            self.paragraph_with_glued(t.line, t.text.clone());
            return;
        }
        match self.path.iter().rev().find(|n| {
            matches!(
                n.kind,
                NodeKind::Point | NodeKind::Preamble | NodeKind::Annex
            )
        }) {
            Some(_) => self.paragraph(t.line, t.text.clone()),
            None if self.path.is_empty() && self.nodes.is_empty() => {
                let mut n = Node::new(NodeKind::Preamble, t.line);
                n.label = "序言".into();
                self.path.push(n);
                self.paragraph(t.line, t.text.clone());
            }
            None => self.paragraph(t.line, t.text.clone()),
        }
    }
}

#[cfg(test)]
pub(crate) mod tests;
