//! Source text to logical lines with their line numbers.
//!
//! Markdown goes through pulldown-cmark, so headings (ATX and setext), block quotes, lists,
//! emphasis, links and HTML are understood rather than stripped by hand; plain text (the
//! official database's export, pasted web pages, PDF text) is read line by line. Either way each
//! line is cleaned the same way: zero-width characters removed, the many kinds of space made one,
//! full-width digits made ASCII, Kangxi radicals (as PDF text layers have them) made the
//! ideographs they look like, and emphasis markers that CommonMark left in place (`**第一条　**`)
//! removed.
//!
//! Each line also records where it stands in the source: its indentation and width (for
//! recognising hard-wrapped text, see [`super::wrap`]) and whether it continues the previous
//! line within one paragraph (`soft`).

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

#[derive(Clone, Debug, PartialEq)]
pub struct Line {
    /// 1-based source line.
    pub no: u32,
    pub text: String,
    /// Markdown heading level (1–6), if the line was a heading.
    pub heading: Option<u8>,
    /// Marks the end of LawRefBook's metadata block (`<!-- INFO END -->`).
    pub info_end: bool,
    /// Leading white space of the source line, in columns (a full-width space is two).
    pub indent: u16,
    /// Width of the source line in columns (CJK characters are two), indentation included.
    pub width: u16,
    /// The line follows the previous one inside one paragraph (no blank line, no hard break,
    /// no new block between them): it may be the rest of a hard-wrapped line.
    pub soft: bool,
    /// The line holds a Markdown link (navigation such as breadcrumbs, never legislative text
    /// on its own).
    pub link: bool,
}

impl Line {
    pub fn new(no: u32, text: String) -> Line {
        Line {
            no,
            text,
            heading: None,
            info_end: false,
            indent: 0,
            width: 0,
            soft: false,
            link: false,
        }
    }
}

/// Display width of a character: two columns for CJK and full-width forms, one otherwise.
pub fn char_width(c: char) -> u16 {
    if c == '\t' {
        4
    } else if (c as u32) < 0x1100 {
        1
    } else {
        2
    }
}

fn indent_and_width(raw: &str) -> (u16, u16) {
    let raw = raw.trim_end();
    let indent: u16 = raw
        .chars()
        .take_while(|c| c.is_whitespace())
        .map(char_width)
        .sum();
    let width = raw.chars().map(char_width).fold(0u16, u16::saturating_add);
    (indent, width)
}

/// A line that is only a setext underline or a thematic break: `-----`, `=====`, `***`, `___`.
pub fn is_rule(line: &str) -> bool {
    let t = line.trim();
    let Some(first) = t.chars().next() else {
        return false;
    };
    matches!(first, '-' | '=' | '*' | '_' | '—' | '─' | '━')
        && t.chars().filter(|c| !c.is_whitespace()).count() >= 3
        && t.chars().all(|c| c == first || c == ' ')
}

const HTML_BLOCK_TAGS: &[&str] = &[
    "<div", "<p>", "<p ", "<center", "<br", "<span", "<font", "<table", "<h1", "<h2", "<h3", "<h4",
    "<h5", "<h6", "<section", "<article", "<strong", "<b>", "<!--",
];

/// Whether the text is Markdown (or a web page's HTML-laden Markdown) rather than plain text:
/// ATX or setext headings, HTML blocks and comments, links, bold labels, bullet lists.
pub fn is_markdown(text: &str) -> bool {
    let mut prev_blank = true;
    let mut bullets = 0;
    for l in text.lines().take(400) {
        let t = l.trim_start();
        let lower = t.get(..t.len().min(12)).unwrap_or(t).to_ascii_lowercase();
        if t.starts_with("# ")
            || t.starts_with("## ")
            || t.starts_with("### ")
            || HTML_BLOCK_TAGS.iter().any(|tag| lower.starts_with(tag))
        {
            return true;
        }
        // A setext underline: a run of = or - right under a line of text.
        let r = l.trim_end();
        if !prev_blank
            && r.len() >= 2
            && l.len() - l.trim_start().len() <= 3
            && (r.trim_start().chars().all(|c| c == '-')
                || r.trim_start().chars().all(|c| c == '='))
        {
            return true;
        }
        if t.contains("**") || (t.contains("](") && t.contains('[')) {
            return true;
        }
        if ["* ", "- ", "+ "].iter().any(|b| t.starts_with(b)) {
            bullets += 1;
            if bullets >= 2 {
                return true;
            }
        }
        prev_blank = t.is_empty();
    }
    false
}

/// Removes a YAML front-matter block; returns the rest and how many lines were removed.
fn strip_front_matter(text: &str) -> (&str, u32) {
    if let Some(rest) = text.strip_prefix("---\n") {
        if let Some(end) = rest.find("\n---\n") {
            let consumed = &text[..4 + end + 5];
            return (
                &text[consumed.len()..],
                consumed.matches('\n').count() as u32,
            );
        }
    }
    (text, 0)
}

/// Kangxi radicals and CJK radicals supplement (U+2E80–U+2FDF) as the ideographs they look
/// like: PDF text layers often carry ⼀ (U+2F00) for 一, ⼗ for 十.
fn unify_radical(c: char) -> char {
    if ('\u{2E80}'..='\u{2FDF}').contains(&c) {
        let mut out = None;
        unicode_normalization::char::decompose_compatible(c, |d| {
            if out.is_none() {
                out = Some(d)
            }
        });
        return out.unwrap_or(c);
    }
    c
}

pub fn clean(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}' => {}
            '\u{3000}' | '\u{2002}' | '\u{2003}' | '\u{2009}' | '\u{00A0}' | '\t' => out.push(' '),
            '０'..='９' => out.push(char::from(b'0' + (c as u32 - '０' as u32) as u8)),
            c => out.push(unify_radical(c)),
        }
    }
    let mut trimmed = out.trim().to_string();
    // Emphasis CommonMark could not close (`**第一条　**` before CJK text) or a converter
    // left as text: legislative text has no asterisk runs.
    if trimmed.contains("**") {
        trimmed = strip_star_runs(&trimmed);
    }
    // A single emphasis marker left around a label: `*第三条　*丁`, `_第三条_　丁`.
    for mark in ['*', '_'] {
        if let Some(rest) = trimmed.strip_prefix(mark) {
            if !rest.starts_with([mark, ' ']) {
                if let Some(close) = rest.char_indices().take(16).find(|(_, c)| *c == mark) {
                    trimmed = format!("{}{}", &rest[..close.0], &rest[close.0 + 1..])
                        .trim()
                        .to_string();
                }
            }
        }
    }
    // Pandoc residue such as "[第十条]{.mark}".
    if trimmed.contains("]{.") {
        return strip_span_attributes(&trimmed);
    }
    trimmed
}

fn strip_star_runs(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == '*' {
            let run = chars[i..].iter().take_while(|c| **c == '*').count();
            if run >= 2 {
                i += run;
                continue;
            }
        }
        out.push(chars[i]);
        i += 1;
    }
    out.trim().to_string()
}

fn strip_span_attributes(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find("]{.") {
        let (before, after) = rest.split_at(i);
        out.push_str(&before.replacen('[', "", 1));
        match after.find('}') {
            Some(j) => rest = &after[j + 1..],
            None => {
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// Something dropped from the source, for a warning.
#[derive(Clone, Debug, PartialEq)]
pub enum Dropped {
    /// An HTML tag (only the tag: the text around it is kept).
    Html(String),
    /// A `<script>` or `<style>` element with its content.
    Script(String),
}

/// The logical lines, and what was dropped from Markdown (line, what) so the caller can report
/// it: HTML is never legislative text, and never reaches a page.
pub fn split_lines(text: &str) -> (Vec<Line>, Vec<(u32, Dropped)>) {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let (body, skipped) = strip_front_matter(&text);
    let mut dropped = Vec::new();
    let mut lines = if is_markdown(body) {
        markdown_lines(body, &mut dropped)
    } else {
        plain_lines(body)
    };
    let source: Vec<&str> = body.split('\n').collect();
    for l in &mut lines {
        if let Some(raw) = source.get(l.no as usize - 1) {
            (l.indent, l.width) = indent_and_width(raw);
        }
        l.no += skipped;
    }
    for d in &mut dropped {
        d.0 += skipped;
    }
    lines.retain(|l| (!l.text.is_empty() && !is_rule(&l.text)) || l.info_end);
    (lines, dropped)
}

fn plain_lines(text: &str) -> Vec<Line> {
    let mut out = Vec::new();
    let mut prev_blank = true;
    for (i, raw) in text.split('\n').enumerate() {
        let text = clean(raw);
        let blank = text.is_empty() || is_rule(&text);
        if !text.is_empty() {
            let mut l = Line::new(i as u32 + 1, text);
            l.soft = !prev_blank && !blank;
            out.push(l);
        }
        prev_blank = blank;
    }
    out
}

const BLOCK_ELEMENTS: &[&str] = &[
    "p",
    "div",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "tr",
    "table",
    "section",
    "article",
    "center",
    "blockquote",
    "ul",
    "ol",
    "dd",
    "dt",
];

/// Text of an HTML fragment: tags dropped (and listed), a few entities decoded. With
/// `drop_scripts`, the content of `<script>` and `<style>` elements goes too (whole HTML blocks
/// and pages); an inline `<script>` in Markdown loses only its tags, its text stays visible.
fn html_text(
    fragment: &str,
    tags: &mut Vec<String>,
    in_script: &mut bool,
    drop_scripts: bool,
) -> String {
    let mut out = String::new();
    let mut rest = fragment;
    while !rest.is_empty() {
        if let Some(open) = rest.find('<') {
            if !*in_script {
                out.push_str(&rest[..open]);
            }
            let after = &rest[open..];
            let close = after.find('>').map(|j| j + 1).unwrap_or(after.len());
            let tag = &after[..close];
            let lower = tag.to_ascii_lowercase();
            if drop_scripts && (lower.starts_with("<script") || lower.starts_with("<style")) {
                *in_script = true;
            } else if drop_scripts
                && (lower.starts_with("</script") || lower.starts_with("</style"))
            {
                *in_script = false;
            } else if lower.starts_with("<br") {
                out.push('\n');
            } else if !lower.starts_with("<!--") {
                // Block elements end lines, as a browser shows them.
                let name: String = lower
                    .trim_start_matches(['<', '/'])
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric())
                    .collect();
                if BLOCK_ELEMENTS.contains(&name.as_str()) {
                    out.push('\n');
                }
                tags.push(tag.chars().take(40).collect());
            }
            rest = &after[close..];
        } else {
            if !*in_script {
                out.push_str(rest);
            }
            break;
        }
    }
    decode_entities(&out)
}

/// The text of a whole web page: the head, scripts and styles left out, block elements on
/// lines of their own, entities decoded.
pub fn html_document_text(html: &str) -> String {
    let lower = html.to_ascii_lowercase();
    let body = match (lower.find("<head"), lower.find("</head>")) {
        (Some(a), Some(b)) if b > a => format!("{}{}", &html[..a], &html[b + "</head>".len()..]),
        _ => html.to_string(),
    };
    let mut tags = Vec::new();
    let mut in_script = false;
    let text = html_text(
        &body.replace(['\r', '\n'], " "),
        &mut tags,
        &mut in_script,
        true,
    );
    text.lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let after = &rest[i..];
        let end = after.find(';').filter(|&j| j <= 10);
        let decoded = end.and_then(|j| {
            let name = &after[1..j];
            let c = match name {
                "nbsp" | "ensp" | "emsp" | "thinsp" => ' ',
                "amp" => '&',
                "lt" => '<',
                "gt" => '>',
                "quot" => '"',
                "apos" => '\'',
                "ldquo" => '“',
                "rdquo" => '”',
                "mdash" => '—',
                _ => {
                    let n = name.strip_prefix('#')?;
                    let v = match n.strip_prefix(['x', 'X']) {
                        Some(h) => u32::from_str_radix(h, 16).ok()?,
                        None => n.parse().ok()?,
                    };
                    char::from_u32(v)?
                }
            };
            Some((c, j + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &after[len..];
            }
            None => {
                out.push('&');
                rest = &after[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn markdown_lines(text: &str, dropped: &mut Vec<(u32, Dropped)>) -> Vec<Line> {
    let line_starts: Vec<usize> = std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    let line_of = |offset: usize| match line_starts.binary_search(&offset) {
        Ok(i) => i as u32 + 1,
        Err(i) => i as u32,
    };
    struct Acc {
        out: Vec<Line>,
        current: String,
        line: u32,
        heading: Option<u8>,
        soft: bool,
        link: bool,
    }
    impl Acc {
        /// Ends the current line; `soft_next`: the next line continues the same paragraph.
        fn flush(&mut self, soft_next: bool) {
            if !self.current.trim().is_empty() {
                let mut l = Line::new(self.line, clean(&self.current));
                l.heading = self.heading;
                l.soft = self.soft;
                l.link = self.link;
                self.out.push(l);
            }
            self.current.clear();
            self.link = false;
            self.soft = soft_next;
        }
    }
    let mut a = Acc {
        out: Vec::new(),
        current: String::new(),
        line: 1,
        heading: None,
        soft: false,
        link: false,
    };
    let mut list_numbers: Vec<Option<u64>> = Vec::new();
    // The "1." of an ordered-list item, written before the item's first text.
    let mut prefix = String::new();
    let mut in_script = false;
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    for (event, range) in Parser::new_ext(text, options).into_offset_iter() {
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                a.flush(false);
                a.heading = Some(level as u8);
                a.line = line_of(range.start);
            }
            Event::End(TagEnd::Heading(_)) => {
                a.flush(false);
                a.heading = None;
            }
            Event::Start(Tag::List(start)) => list_numbers.push(start),
            Event::End(TagEnd::List(_)) => {
                list_numbers.pop();
            }
            Event::Start(Tag::Item) => {
                a.flush(false);
                a.line = line_of(range.start);
                // Keep the list marker: "1." is a 目 label in legislation.
                if let Some(Some(n)) = list_numbers.last_mut() {
                    prefix = format!("{n}. ");
                    *n += 1;
                }
            }
            Event::Start(Tag::Link { .. }) => a.link = true,
            Event::Start(
                Tag::Paragraph | Tag::CodeBlock(_) | Tag::BlockQuote(_) | Tag::TableRow,
            )
            | Event::Start(Tag::TableHead) => {
                a.flush(false);
                a.line = line_of(range.start);
            }
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Item
                | TagEnd::BlockQuote(_)
                | TagEnd::TableRow
                | TagEnd::TableHead,
            ) => a.flush(false),
            Event::End(TagEnd::TableCell) => a.current.push('　'),
            Event::Text(t) => {
                if in_script {
                    continue;
                }
                // Code blocks (indented text) carry their own newlines: one logical line each.
                let start_line = line_of(range.start);
                if a.current.is_empty() {
                    a.line = start_line;
                    a.current.push_str(&std::mem::take(&mut prefix));
                }
                let mut parts = t.split('\n').peekable();
                let mut line = start_line;
                while let Some(part) = parts.next() {
                    a.current.push_str(part);
                    if parts.peek().is_some() {
                        a.flush(false);
                        line += 1;
                        a.line = line;
                    }
                }
            }
            Event::Code(t) => a.current.push_str(&t),
            Event::SoftBreak => {
                a.flush(true);
                a.line = line_of(range.end);
            }
            Event::HardBreak => {
                a.flush(false);
                a.line = line_of(range.end);
            }
            Event::Html(h) | Event::InlineHtml(h) => {
                let line = line_of(range.start);
                if h.contains("INFO END") {
                    a.flush(false);
                    let mut l = Line::new(line, String::new());
                    l.info_end = true;
                    a.out.push(l);
                    continue;
                }
                if h.trim_start().starts_with("<!--") {
                    continue;
                }
                // Keep the text of HTML (a centred block of chapter headings is still text);
                // drop and list the tags.
                let mut tags = Vec::new();
                let was_script = in_script;
                let block = matches!(event_kind(&h), HtmlKind::Block);
                let inner = html_text(&h, &mut tags, &mut in_script, block);
                if in_script && !was_script {
                    let tag = h
                        .trim()
                        .chars()
                        .take_while(|c| *c != '>')
                        .chain(['>'])
                        .collect();
                    dropped.push((line, Dropped::Script(tag)));
                }
                for tag in tags {
                    if !tag.to_ascii_lowercase().starts_with("<br") {
                        dropped.push((line, Dropped::Html(tag)));
                    }
                }
                let mut parts = inner.split('\n').peekable();
                let mut no = line;
                while let Some(part) = parts.next() {
                    if a.current.is_empty() && !part.trim().is_empty() {
                        a.line = no;
                    }
                    a.current.push_str(part);
                    if parts.peek().is_some() {
                        if block || !a.current.trim().is_empty() {
                            a.flush(false);
                        }
                        no += 1;
                    }
                }
                if block {
                    a.flush(false);
                }
            }
            _ => {}
        }
    }
    a.flush(false);
    dropped.dedup();
    a.out
}

enum HtmlKind {
    Block,
    Inline,
}

/// An HTML event that ends with a newline is a line of an HTML block.
fn event_kind(h: &str) -> HtmlKind {
    if h.ends_with('\n') {
        HtmlKind::Block
    } else {
        HtmlKind::Inline
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cleans_spaces_zero_width_full_width_digits_and_radicals() {
        assert_eq!(
            clean("\u{200B}第一章\u{3000}总\u{2002}则\u{00A0}"),
            "第一章 总 则"
        );
        assert_eq!(clean("１２．"), "12．");
        assert_eq!(clean("[第十条]{.mark} 内容"), "第十条 内容");
        assert_eq!(clean("第\u{2F00}条"), "第一条");
        assert_eq!(clean("**第一条\u{3000}**为了"), "第一条 为了");
    }

    #[test]
    fn markdown_keeps_headings_list_numbers_and_line_numbers() {
        let md = "---\ntitle: x\n---\n# 标题\n\n<!-- INFO END -->\n\n## 第一章 总则\n\n第一条 内容：\n\n1. 甲；\n2. 乙。\n\n    第二条 缩进的条文\n";
        let (lines, _) = split_lines(md);
        let texts: Vec<_> = lines
            .iter()
            .map(|l| (l.no, l.text.as_str(), l.heading))
            .collect();
        assert_eq!(
            texts,
            [
                (4, "标题", Some(1)),
                (6, "", None),
                (8, "第一章 总则", Some(2)),
                (10, "第一条 内容：", None),
                (12, "1. 甲；", None),
                (13, "2. 乙。", None),
                (15, "第二条 缩进的条文", None),
            ]
        );
        assert!(lines[1].info_end);
    }

    #[test]
    fn setext_headings_links_and_rules() {
        let md = "[读本](../x) >> 某法\n\n某法\n----\n\n第一章 总则\n============\n\n第一条 甲。  \n乙。\n\n* * *\n";
        assert!(is_markdown(md));
        let (lines, _) = split_lines(md);
        let texts: Vec<_> = lines
            .iter()
            .map(|l| (l.text.as_str(), l.heading, l.link))
            .collect();
        assert_eq!(
            texts,
            [
                ("读本 >> 某法", None, true),
                ("某法", Some(2), false),
                ("第一章 总则", Some(1), false),
                ("第一条 甲。", None, false),
                ("乙。", None, false),
            ]
        );
    }

    #[test]
    fn html_blocks_keep_their_text_and_name_only_the_tags() {
        let md = "# 条例\n\n<div align=\"center\">\n第一章&nbsp;总则\n</div>\n\n第一条 甲。\n\n<script>\nalert(1)\n</script>\n";
        let (lines, dropped) = split_lines(md);
        let texts: Vec<_> = lines.iter().map(|l| (l.no, l.text.as_str())).collect();
        assert_eq!(texts, [(1, "条例"), (4, "第一章 总则"), (7, "第一条 甲。")]);
        assert!(dropped.contains(&(3, Dropped::Html("<div align=\"center\">".into()))));
        assert!(dropped.contains(&(9, Dropped::Script("<script>".into()))));
    }

    #[test]
    fn plain_text_is_line_by_line_with_paragraph_continuation() {
        let (lines, _) = split_lines("标题\r\n\r\n  第一条\u{3000}内容\r\n续行\r\n-----\r\n");
        assert_eq!(lines.len(), 3);
        assert_eq!((lines[1].no, lines[1].text.as_str()), (3, "第一条 内容"));
        assert_eq!((lines[1].indent, lines[1].soft), (2, false));
        assert_eq!((lines[2].indent, lines[2].soft), (0, true));
        assert_eq!(lines[2].width, 4);
    }
}
