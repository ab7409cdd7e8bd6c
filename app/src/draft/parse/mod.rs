//! The draft parser: Markdown or official plain text → [`DraftTree`], with warnings.
//!
//! Pure (no web, no database). The steps:
//! 1. [`decode`]: bytes → text (UTF-8 or GB18030, never a silent mis-decode);
//! 2. [`lines`]: text → cleaned logical lines (pulldown-cmark for Markdown);
//! 3. the prologue: title, repeated title, 题注, LawRefBook's metadata block;
//! 4. each line classified (heading, article, item, …), tables of contents dropped;
//! 5. the tree built in one pass, recovering from the defects real published texts have —
//!    笫 for 第, spaces inside labels, labels glued to the previous line, chapter titles without
//!    第X章, titles split over two lines, articles of another law quoted inside an article —
//!    and reporting each as a warning with its line number.

pub mod decode;
pub mod lines;
pub mod numerals;

use super::{Counts, DraftTree, Node, NodeKind, Warning};
use lines::Line;
use std::collections::HashSet;

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    #[error("the file is empty")]
    Empty,
    #[error("the file is binary, not text")]
    Binary,
    #[error("the file is {bytes} bytes; drafts are limited to {limit} bytes")]
    TooLarge { bytes: usize, limit: usize },
    #[error("the text is neither UTF-8 nor GB18030/GBK; save it as UTF-8 and try again")]
    UnknownEncoding,
    #[error("no article (第X条) and no numbered item (一、) found: not a legislative text")]
    NoStructure,
}

impl ParseError {
    /// The same error for the committee's UI, in Chinese.
    pub fn message_zh(&self) -> String {
        match self {
            ParseError::Empty => "文件为空。".into(),
            ParseError::Binary => "这是二进制文件，不是文本文件，请上传 Markdown 或纯文本。".into(),
            ParseError::TooLarge { bytes, limit } => format!(
                "文件过大（{:.1} MB），草案文件不能超过 {} MB。",
                *bytes as f64 / 1_048_576.0,
                limit / 1_048_576
            ),
            ParseError::UnknownEncoding => {
                "无法识别文件编码（既不是 UTF-8，也不是 GB18030/GBK），请另存为 UTF-8 后重试。"
                    .into()
            }
            ParseError::NoStructure => {
                "没有找到任何条文（第X条）或编号事项（一、），无法识别为法规文本。".into()
            }
        }
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
    let (title, note, body_start) = prologue(&lines);
    let toks: Vec<Tok> = lines[body_start..].iter().map(classify).collect();
    let skip = tables_of_contents(&toks);
    let mut b = Builder::default();
    b.run(&toks, &skip);
    let mut warnings = std::mem::take(&mut b.warnings);
    for (line, tag) in dropped_html {
        warnings.push(Warning {
            line,
            message: format!("已删除原文中的 HTML 标记“{tag}”（草案文本不能包含网页代码）"),
        });
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

#[derive(Clone, Debug, PartialEq)]
enum Kind {
    /// 目录
    Toc,
    /// 第X编/分编/章/节 with its title.
    Heading {
        kind: NodeKind,
        number: u32,
        title: String,
    },
    /// 第X条 / 第X条之Y, with the text after the label.
    Article {
        number: u32,
        sub: Option<u32>,
        rest: String,
        typo: bool,
        spaced: bool,
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

/// Words that follow 第X条 when it is a reference inside a sentence, not a label.
const REFERENCE_CONTINUATIONS: &[&str] = &[
    "的",
    "规定",
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
    "款",
    "项",
    "。",
    "；",
    "）",
    ")",
    "”",
    "之规定",
];

struct Label<'a> {
    number: u32,
    unit: &'static str,
    rest: &'a str,
    typo: bool,
    spaced: bool,
}

/// Reads “第 三十五 条…”: the number, the unit and what follows.
fn read_label(s: &str) -> Option<Label<'_>> {
    let (typo, after) = if let Some(r) = s.strip_prefix('第') {
        (false, r)
    } else {
        (true, s.strip_prefix('笫')?)
    };
    let trimmed = after.trim_start();
    let mut spaced = trimmed.len() != after.len();
    let num_len: usize = trimmed
        .chars()
        .take_while(|c| numerals::is_numeral_char(*c))
        .map(char::len_utf8)
        .sum();
    if num_len == 0 {
        return None;
    }
    let number = numerals::parse(&trimmed[..num_len])?;
    let after_num = &trimmed[num_len..];
    let unit_part = after_num.trim_start();
    spaced |= unit_part.len() != after_num.len();
    for unit in ["分编", "编", "章", "节", "条"] {
        if let Some(rest) = unit_part.strip_prefix(unit) {
            return Some(Label {
                number,
                unit,
                rest,
                typo,
                spaced,
            });
        }
    }
    None
}

fn classify(line: &Line) -> Tok {
    let text = line.text.clone();
    let kind = classify_text(&text);
    Tok {
        line: line.no,
        text,
        md_level: line.heading,
        kind,
    }
}

fn classify_text(text: &str) -> Kind {
    let compact = no_spaces(text);
    if compact == "目录" {
        return Kind::Toc;
    }
    if compact == "序言" {
        return Kind::Preamble;
    }
    if let Some(l) = read_label(text) {
        if l.unit == "条" {
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
                    _ => return Kind::Text,
                }
            }
            let starts_reference = !rest.starts_with(' ')
                && REFERENCE_CONTINUATIONS.iter().any(|w| rest.starts_with(w));
            if !starts_reference {
                return Kind::Article {
                    number: l.number,
                    sub,
                    rest: rest.trim().to_string(),
                    typo: l.typo,
                    spaced: l.spaced,
                };
            }
        } else {
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
    if (compact.starts_with("附件") || compact.starts_with("附表") || compact.starts_with("附录"))
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

// ---------------------------------------------------------------------------------------------
// Prologue: title, repeated title, 题注, metadata

fn is_structural(text: &str) -> bool {
    !matches!(classify_text(text), Kind::Text)
}

fn prologue(lines: &[Line]) -> (String, String, usize) {
    let mut i = 0;
    let mut title = String::new();
    let mut note = Vec::new();
    let skip_info = |i: &mut usize| {
        // LawRefBook: dates and amendment history before <!-- INFO END --> are the 题注.
        if let Some(end) = lines.iter().take(40).position(|l| l.info_end) {
            let parts: Vec<String> = lines[*i..end].iter().map(|l| l.text.clone()).collect();
            *i = end + 1;
            return parts;
        }
        Vec::new()
    };
    match lines.first() {
        Some(l) if l.heading == Some(1) => {
            title = l.text.clone();
            i = 1;
            note.extend(skip_info(&mut i));
        }
        Some(l) if !is_structural(&l.text) && !l.info_end => {
            title = l.text.clone();
            i = 1;
            // A title split over two lines: a short second line right before the 题注.
            if let (Some(second), Some(third)) = (lines.get(1), lines.get(2)) {
                if !is_structural(&second.text)
                    && !second.text.starts_with(['（', '('])
                    && second.text.chars().count() <= 20
                    && third.text.starts_with(['（', '('])
                {
                    title.push_str(&second.text);
                    i = 2;
                }
            }
        }
        _ => {}
    }
    // The raw export repeats the title (sometimes split over lines).
    let title_compact = no_spaces(&title);
    let mut seen = String::new();
    let mut j = i;
    while let Some(l) = lines.get(j) {
        let c = no_spaces(&l.text);
        if c.is_empty() || !title_compact.starts_with(&format!("{seen}{c}")) {
            break;
        }
        seen.push_str(&c);
        j += 1;
        if seen == title_compact {
            i = j;
            break;
        }
    }
    // 题注: one or more lines in parentheses.
    if lines
        .get(i)
        .is_some_and(|l| l.text.starts_with(['（', '(']))
    {
        while let Some(l) = lines.get(i) {
            note.push(l.text.clone());
            i += 1;
            if l.text.ends_with(['）', ')']) || note.len() >= 12 {
                break;
            }
        }
    }
    (title, note.join("\n"), i)
}

// ---------------------------------------------------------------------------------------------
// Tables of contents

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
        } => Some(format!("{kind:?}{number}{title}")),
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
    toc_titles: HashSet<String>,
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
                if let Kind::Heading {
                    kind: NodeKind::Zhang,
                    title,
                    ..
                } = &t.kind
                {
                    self.toc_titles.insert(no_spaces(title));
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
            } => self.heading(t, *kind, Some(*number), title.clone()),
            Kind::Article {
                number,
                sub,
                rest,
                typo,
                spaced,
            } => self.article(t.line, *number, *sub, rest, *typo, *spaced),
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

    fn open_annex(&mut self, t: &Tok) {
        self.in_annex = true;
        let mut n = Node::new(NodeKind::Annex, t.line);
        n.title = t.text.clone();
        n.label = "附件".into();
        self.open(n);
    }

    fn heading(&mut self, t: &Tok, kind: NodeKind, number: Option<u32>, title: String) {
        let level = match kind {
            NodeKind::Bian => 0,
            NodeKind::Fenbian => 1,
            NodeKind::Zhang => 2,
            _ => 3,
        };
        if number.is_some() && self.heading_levels[level].is_none() {
            self.heading_levels[level] = t.md_level;
        }
        let number = number.unwrap_or_else(|| self.last_number[level] + 1);
        if kind == NodeKind::Bian {
            self.last_number = [number, 0, 0, 0];
        } else {
            self.last_number[level] = number;
            if kind == NodeKind::Zhang {
                self.last_number[3] = 0;
                self.seen_numbered_chapter = true;
            }
        }
        let unit = match kind {
            NodeKind::Bian => "编",
            NodeKind::Fenbian => "分编",
            NodeKind::Zhang => "章",
            _ => "节",
        };
        let mut n = Node::new(kind, t.line);
        n.number = Some(number);
        n.label = format!("第{}{unit}", numerals::to_chinese(number));
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
        typo: bool,
        spaced: bool,
    ) {
        let label = match sub {
            Some(s) => format!(
                "第{}条之{}",
                numerals::to_chinese(number),
                numerals::to_chinese(s)
            ),
            None => format!("第{}条", numerals::to_chinese(number)),
        };
        if typo {
            self.warn(
                line,
                format!("“{label}”的“第”误写为“笫”，已按第{number}条处理"),
            );
        }
        if spaced {
            self.warn(line, format!("“{label}”的标号中有多余空格"));
        }
        if let Some((last, last_sub)) = self.last_article {
            let last_label = if last_sub > 0 {
                format!(
                    "第{}条之{}",
                    numerals::to_chinese(last),
                    numerals::to_chinese(last_sub)
                )
            } else {
                format!("第{}条", numerals::to_chinese(last))
            };
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
                typo,
                spaced,
            } = classify_text(&after)
            else {
                return;
            };
            self.warn(
                line,
                format!(
                    "第{}条的标号与上一段写在同一行，已拆分",
                    numerals::to_chinese(number)
                ),
            );
            self.article(line, number, sub, &rest, typo, spaced);
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
            if let Kind::Article {
                number, sub: None, ..
            } = classify_text(&text[i..])
            {
                if number == last + 1 {
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
        let known_title = self.toc_titles.contains(&compact);
        let structured = self.seen_numbered_chapter || known_title || self.last_article.is_some();
        if plain_short
            && next_opens
            && structured
            && (self.seen_numbered_chapter || known_title || t.md_level.is_some())
        {
            let level = t.md_level;
            if level.is_some() && level == self.heading_levels[0] {
                // An unnumbered part at 编 level, such as 刑法's closing 附则.
                let mut n = Node::new(NodeKind::Bian, t.line);
                n.title = tidy_title(&t.text);
                n.label = n.title.clone();
                self.open(n);
                return;
            }
            let kind = if level.is_some() && level == self.heading_levels[3] {
                NodeKind::Jie
            } else {
                NodeKind::Zhang
            };
            self.warn(
                t.line,
                format!(
                    "“{}”像是缺少“第X{}”编号的标题，已按第{}{}处理",
                    tidy_title(&t.text),
                    if kind == NodeKind::Zhang {
                        "章"
                    } else {
                        "节"
                    },
                    numerals::to_chinese(
                        self.last_number[if kind == NodeKind::Zhang { 2 } else { 3 }] + 1
                    ),
                    if kind == NodeKind::Zhang {
                        "章"
                    } else {
                        "节"
                    }
                ),
            );
            self.heading(t, kind, None, tidy_title(&t.text));
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
mod tests;
