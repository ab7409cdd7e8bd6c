//! Source text to logical lines with their line numbers.
//!
//! Markdown goes through pulldown-cmark, so headings, block quotes, lists, emphasis and HTML
//! comments are understood rather than stripped by hand; plain text (the official database's
//! export) is read line by line. Either way each line is cleaned the same way: zero-width
//! characters removed, the many kinds of space made one, full-width digits made ASCII.

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
}

pub fn is_markdown(text: &str) -> bool {
    text.lines().take(400).any(|l| {
        let l = l.trim_start();
        l.starts_with("# ") || l.starts_with("## ") || l.starts_with("<!--")
    })
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

pub fn clean(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}' => {}
            '\u{3000}' | '\u{2002}' | '\u{2003}' | '\u{2009}' | '\u{00A0}' | '\t' => out.push(' '),
            '０'..='９' => out.push(char::from(b'0' + (c as u32 - '０' as u32) as u8)),
            _ => out.push(c),
        }
    }
    let trimmed = out.trim();
    // Pandoc residue such as "[第十条]{.mark}".
    if trimmed.contains("]{.") {
        return strip_span_attributes(trimmed);
    }
    trimmed.to_string()
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

/// The logical lines, and the raw HTML tags dropped from Markdown (line, tag) so the caller
/// can report them: HTML is never legislative text, and never reaches a page.
pub fn split_lines(text: &str) -> (Vec<Line>, Vec<(u32, String)>) {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let (body, skipped) = strip_front_matter(&text);
    let mut dropped = Vec::new();
    let mut lines = if is_markdown(body) {
        markdown_lines(body, &mut dropped)
    } else {
        plain_lines(body)
    };
    for l in &mut lines {
        l.no += skipped;
    }
    for d in &mut dropped {
        d.0 += skipped;
    }
    lines.retain(|l| !l.text.is_empty() || l.info_end);
    (lines, dropped)
}

fn plain_lines(text: &str) -> Vec<Line> {
    text.lines()
        .enumerate()
        .map(|(i, l)| Line {
            no: i as u32 + 1,
            text: clean(l),
            heading: None,
            info_end: false,
        })
        .collect()
}

fn markdown_lines(text: &str, dropped: &mut Vec<(u32, String)>) -> Vec<Line> {
    let line_starts: Vec<usize> = std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    let line_of = |offset: usize| match line_starts.binary_search(&offset) {
        Ok(i) => i as u32 + 1,
        Err(i) => i as u32,
    };
    let mut out: Vec<Line> = Vec::new();
    let mut current = String::new();
    let mut current_line = 1u32;
    let mut heading: Option<u8> = None;
    let mut list_numbers: Vec<Option<u64>> = Vec::new();
    // The "1." of an ordered-list item, written before the item's first text.
    let mut prefix = String::new();
    let flush = |out: &mut Vec<Line>, current: &mut String, line: u32, heading: Option<u8>| {
        if !current.trim().is_empty() {
            out.push(Line {
                no: line,
                text: clean(current),
                heading,
                info_end: false,
            });
        }
        current.clear();
    };
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    for (event, range) in Parser::new_ext(text, options).into_offset_iter() {
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                flush(&mut out, &mut current, current_line, None);
                heading = Some(level as u8);
                current_line = line_of(range.start);
            }
            Event::End(TagEnd::Heading(_)) => {
                flush(&mut out, &mut current, current_line, heading);
                heading = None;
            }
            Event::Start(Tag::List(start)) => list_numbers.push(start),
            Event::End(TagEnd::List(_)) => {
                list_numbers.pop();
            }
            Event::Start(Tag::Item) => {
                flush(&mut out, &mut current, current_line, heading);
                current_line = line_of(range.start);
                // Keep the list marker: "1." is a 目 label in legislation.
                if let Some(Some(n)) = list_numbers.last_mut() {
                    prefix = format!("{n}. ");
                    *n += 1;
                }
            }
            Event::Start(Tag::Paragraph | Tag::CodeBlock(_) | Tag::BlockQuote(_)) => {
                flush(&mut out, &mut current, current_line, heading);
                current_line = line_of(range.start);
            }
            Event::End(TagEnd::Paragraph | TagEnd::Item | TagEnd::BlockQuote(_)) => {
                flush(&mut out, &mut current, current_line, heading);
            }
            Event::Text(t) => {
                // Code blocks (indented text) carry their own newlines: one logical line each.
                let start_line = line_of(range.start);
                if current.is_empty() {
                    current_line = start_line;
                    current.push_str(&std::mem::take(&mut prefix));
                }
                let mut parts = t.split('\n').peekable();
                let mut line = start_line;
                while let Some(part) = parts.next() {
                    current.push_str(part);
                    if parts.peek().is_some() {
                        flush(&mut out, &mut current, current_line, heading);
                        line += 1;
                        current_line = line;
                    }
                }
            }
            Event::Code(t) => current.push_str(&t),
            Event::SoftBreak | Event::HardBreak => {
                flush(&mut out, &mut current, current_line, heading);
                current_line = line_of(range.end);
            }
            Event::Html(h) | Event::InlineHtml(h) => {
                if h.contains("INFO END") {
                    flush(&mut out, &mut current, current_line, heading);
                    out.push(Line {
                        no: line_of(range.start),
                        text: String::new(),
                        heading: None,
                        info_end: true,
                    });
                } else if !h.trim_start().starts_with("<!--") {
                    dropped.push((line_of(range.start), h.trim().chars().take(40).collect()));
                }
            }
            _ => {}
        }
    }
    flush(&mut out, &mut current, current_line, heading);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cleans_spaces_zero_width_and_full_width_digits() {
        assert_eq!(
            clean("\u{200B}第一章\u{3000}总\u{2002}则\u{00A0}"),
            "第一章 总 则"
        );
        assert_eq!(clean("１２．"), "12．");
        assert_eq!(clean("[第十条]{.mark} 内容"), "第十条 内容");
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
    fn plain_text_is_line_by_line() {
        let (lines, _) = split_lines("标题\r\n\r\n第一条\u{3000}内容\r\n");
        assert_eq!(lines.len(), 2);
        assert_eq!((lines[1].no, lines[1].text.as_str()), (3, "第一条 内容"));
    }
}
