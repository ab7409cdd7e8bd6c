//! Line breaks that are not the author's: text hard-wrapped at a fixed width (web pages,
//! newspaper columns, PDF text layers) is joined back into its paragraphs, and a whole page
//! that lost its line breaks (copied from a web page) is split again at its labels.
//!
//! Joining never makes an article of a wrapped line that starts with a cross-reference
//! (`第二十条第一项…` at the start of a column line): a full-width line that does not end a
//! sentence always continues on the next line.

use super::lines::Line;
use super::{article_label, bracketed_number, classify_text, read_label, Kind, Numbered, Warning};

/// Characters that end a paragraph's last line (a sentence, a list item, an introduction).
const TERMINATORS: &[char] = &['。', '；', '：', '！', '？', ';', ':', '!', '?', '…'];
/// Closing marks that may follow the terminator at the end of a line.
const CLOSERS: &[char] = &['”', '’', '」', '』', '）', ')', '》', '】', '"', '\''];
/// Characters a line never starts with unless it continues the previous one.
const CONTINUATION_STARTS: &[char] = &[
    '，', '。', '；', '：', '、', '）', '》', '」', '』', '”', '！', '？', ',', '.', ';', ':', ')',
    '!', '?',
];

fn terminated(text: &str) -> bool {
    let t = text.trim_end().trim_end_matches(CLOSERS);
    t.ends_with(TERMINATORS)
}

/// A table-of-contents entry with its dot leader and page number (`总则……1`).
pub fn has_leader(text: &str) -> bool {
    ["....", "……", "····", "．．．", "・・・", "⋯⋯"]
        .iter()
        .any(|l| text.contains(l))
}

fn is_heading_like(text: &str) -> bool {
    matches!(
        classify_text(text),
        Kind::Heading { .. } | Kind::Toc | Kind::Preamble | Kind::Annex
    ) || super::is_common_chapter_title(text)
}

/// The width the text is wrapped at, if it is hard-wrapped: many lines of nearly one width
/// that do not end a sentence, and few lines wider than that.
fn wrap_width(lines: &[Line]) -> Option<u16> {
    let long: Vec<&Line> = lines.iter().filter(|l| l.width >= 16).collect();
    if long.len() < 4 {
        return None;
    }
    let mut sorted: Vec<u16> = long.iter().map(|l| l.width).collect();
    sorted.sort_unstable();
    let in_bucket = |w: u16, v: u16| w + 3 >= v && w <= v;
    // For each width v, how many lines are between v - 3 and v wide.
    let (best, count) = sorted
        .iter()
        .map(|&v| {
            let below = sorted.partition_point(|&w| w + 3 < v);
            let upto = sorted.partition_point(|&w| w <= v);
            (v, upto - below)
        })
        .max_by_key(|&(v, c)| (c, v))?;
    let wider = long.iter().filter(|l| l.width > best + 2).count();
    let unterminated = long
        .iter()
        .filter(|l| in_bucket(l.width, best) && !terminated(&l.text))
        .count();
    let wrapped = count >= 3
        && count * 10 >= long.len() * 3
        && wider * 100 <= long.len() * 15
        && unterminated * 2 >= count;
    wrapped.then_some(best)
}

/// Joins hard-wrapped lines; returns the lines and a warning for what was joined.
pub fn rejoin(lines: Vec<Line>) -> (Vec<Line>, Vec<Warning>) {
    let width = wrap_width(&lines);
    // Paragraphs start indented and wrapped lines do not (web pages, PDF text with layout).
    let indent_structured = width.is_some() && {
        let starts: Vec<&Line> = lines
            .iter()
            .filter(|l| {
                matches!(
                    classify_text(&l.text),
                    Kind::Article { .. } | Kind::Heading { .. }
                )
            })
            .collect();
        let indented_starts = starts.iter().filter(|l| l.indent > 0).count();
        starts.len() >= 2
            && indented_starts * 10 >= starts.len() * 8
            && lines.iter().filter(|l| l.soft && l.indent == 0).count() >= 2
    };
    let mut out: Vec<Line> = Vec::with_capacity(lines.len());
    let mut wrapped_joins = 0;
    let mut first_join = None;
    let mut warnings = Vec::new();
    for l in lines {
        let join = match out.last() {
            // Table-of-contents entries with leaders, and lines much wider than the text (two
            // columns side by side), are never wrapped paragraphs.
            Some(prev) if has_leader(&prev.text) || has_leader(&l.text) => false,
            Some(prev) if width.is_some_and(|w| prev.width > w + 4) => false,
            Some(prev) if l.soft && prev.heading.is_none() && l.heading.is_none() => {
                if l.text.starts_with(CONTINUATION_STARTS) {
                    if width.is_none() {
                        warnings.push(Warning {
                            line: l.no,
                            message: format!(
                                "第{}行以“{}”开头，是上一行的接续，已与上一行合并",
                                l.no,
                                l.text.chars().next().unwrap_or(' ')
                            ),
                        });
                    }
                    true
                } else if let Some(w) = width {
                    let prev_heading = is_heading_like(&prev.text);
                    if indent_structured {
                        // A heading as wide as the text has no indentation either.
                        let next_heading = matches!(classify_text(&l.text), Kind::Heading { .. });
                        let next_article = matches!(classify_text(&l.text), Kind::Article { .. });
                        let new_paragraph = l.indent > 0
                            || prev_heading
                            || next_heading
                            || (next_article && terminated(&prev.text));
                        !new_paragraph
                    } else {
                        let full = prev.width + (w / 8).max(4) >= w;
                        full && !prev_heading && !terminated(&prev.text)
                    }
                } else {
                    false
                }
            }
            _ => false,
        };
        if join {
            if let Some(prev) = out.last_mut() {
                let glue = prev.text.ends_with(|c: char| c.is_ascii_alphanumeric())
                    && l.text.starts_with(|c: char| c.is_ascii_alphanumeric());
                if glue {
                    prev.text.push(' ');
                }
                prev.text.push_str(&l.text);
                prev.width = prev.width.max(l.width);
                if width.is_some() {
                    wrapped_joins += 1;
                    first_join.get_or_insert(prev.no);
                }
            }
        } else {
            out.push(l);
        }
    }
    if let (Some(w), Some(line)) = (width, first_join) {
        warnings.push(Warning {
            line,
            message: format!(
                "文本按固定宽度换行（每行约 {} 字），已把段落中间的 {wrapped_joins} 处换行合并",
                w / 2
            ),
        });
    }
    (out, warnings)
}

/// Splits lines that hold a whole page (several articles, headings and items in one line,
/// as a web page copied without its line breaks), at labels that continue the numbering.
pub fn split_long_lines(lines: Vec<Line>) -> (Vec<Line>, Vec<Warning>) {
    let mut out = Vec::with_capacity(lines.len());
    let mut warnings = Vec::new();
    let mut state = Numbering::default();
    for l in lines {
        // Only a line with several article labels can be a page (a cheap test first).
        let labels = l.text.matches(['条', '條']).count();
        if labels >= 3 && l.text.len() >= 180 {
            let mut trial = state.clone();
            let parts = split_page(&l.text, &mut trial, out.is_empty());
            if trial.articles_split >= 2 {
                warnings.push(Warning {
                    line: l.no,
                    message: format!(
                        "第{}行包含 {} 条条文（像是从网页复制时丢失了换行），已按条文、章节和项的标号拆分",
                        l.no,
                        trial.articles_split + 1
                    ),
                });
                state = trial;
                state.articles_split = 0;
                for p in parts {
                    let mut piece = l.clone();
                    piece.text = p;
                    out.push(piece);
                }
                continue;
            }
        }
        if l.text.starts_with(['第', '笫', '（', '(']) {
            state.see(&l.text);
        }
        out.push(l);
    }
    (out, warnings)
}

#[derive(Clone, Default)]
struct Numbering {
    last_article: Option<(u32, u32)>,
    last_heading: [u32; 4],
    last_item: u32,
    articles_split: usize,
}

impl Numbering {
    fn see(&mut self, text: &str) {
        match classify_text(text) {
            Kind::Article { number, sub, .. } => {
                self.last_article = Some((number, sub.unwrap_or(0)));
                self.last_item = 0;
            }
            Kind::Heading { kind, number, .. } => {
                self.last_heading[super::level_of(kind)] = number;
            }
            Kind::Item { number, .. } => self.last_item = number,
            _ => {}
        }
    }

    fn article_fits(&self, number: u32, sub: Option<u32>) -> bool {
        match (self.last_article, sub) {
            (None, None) => true,
            (None, Some(_)) => false,
            (Some((last, _)), None) => number == last + 1,
            (Some((last, last_sub)), Some(s)) => number == last && s == last_sub + 1,
        }
    }
}

/// A prefix of `s` of at most `max` bytes, cut at a character boundary.
fn window(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

#[derive(PartialEq, Clone, Copy)]
enum Seg {
    Start,
    Heading,
    Other,
}

/// Byte offsets where a page on one line splits, and the pieces.
fn split_page(text: &str, num: &mut Numbering, at_start: bool) -> Vec<String> {
    let mut cuts: Vec<usize> = Vec::new();
    let mut seg = Seg::Start;
    let mut seg_start = 0;
    let mut prev: Option<char> = None;
    // The last non-space character before the current position.
    let mut prev_mark: Option<char> = None;
    for (i, c) in text.char_indices() {
        let boundary = match prev {
            None => true,
            Some(p) => p.is_whitespace() || TERMINATORS.contains(&p) || CLOSERS.contains(&p),
        };
        // A heading's short title right before the next label: 第一章总则第一条…
        let after_heading_title = seg == Seg::Heading && {
            let title = &text[seg_start..i];
            title.chars().count() <= 30 && !title.contains(TERMINATORS)
        };
        let mut cut = false;
        if (c == '第' || c == '笫') && i > 0 && (boundary || after_heading_title) {
            let w = window(&text[i..], 200);
            if let Some((l, sub, _)) = article_label(w) {
                if num.article_fits(l.number, sub) {
                    num.last_article = Some((l.number, sub.unwrap_or(0)));
                    num.last_item = 0;
                    num.articles_split += 1;
                    cut = true;
                    seg = Seg::Other;
                }
            } else if let Some(l) = read_label(w).filter(|l| l.unit != "条") {
                let level = match l.unit {
                    "编" => 0,
                    "分编" => 1,
                    "章" => 2,
                    _ => 3,
                };
                if boundary && (l.number == num.last_heading[level] + 1 || l.number == 1) {
                    num.last_heading[level] = l.number;
                    cut = true;
                    seg = Seg::Heading;
                }
            }
        } else if (c == '（' || c == '(') && i > 0 {
            if let Some((Numbered::Chinese(n), _)) = bracketed_number(window(&text[i..], 40)) {
                let after_colon = prev_mark.is_some_and(|p| p == '：' || p == ':');
                let after_item = prev_mark.is_some_and(|p| p == '；' || p == ';' || p == '。');
                if (after_colon && n == 1) || (after_item && n == num.last_item + 1) {
                    num.last_item = n;
                    cut = true;
                    seg = Seg::Other;
                }
            }
            // The 题注 after the title at the very start of a document.
            if !cut && at_start && seg == Seg::Start && prev.is_some_and(char::is_whitespace) {
                cut = true;
                seg = Seg::Other;
            }
        } else if i > 0 && boundary && prev.is_some_and(char::is_whitespace) {
            let w = window(&text[i..], 12);
            let compact: String = w.chars().filter(|c| !c.is_whitespace()).collect();
            if (compact.starts_with("目录") || compact.starts_with("目錄"))
                && num.last_article.is_none()
            {
                cut = true;
                seg = Seg::Heading;
            } else if seg == Seg::Other
                && prev_mark.is_some_and(|p| matches!(p, '。' | '！' | '？'))
            {
                // A paragraph break inside an article: “。” then white space.
                cut = true;
            }
        }
        if cut && i > seg_start {
            cuts.push(i);
            seg_start = i;
        }
        if !c.is_whitespace() {
            prev_mark = Some(c);
        }
        prev = Some(c);
    }
    let mut parts = Vec::new();
    let mut from = 0;
    for &c in cuts.iter().chain(std::iter::once(&text.len())) {
        let p = text[from..c].trim();
        if !p.is_empty() {
            parts.push(p.to_string());
        }
        from = c;
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<Line> {
        super::super::lines::split_lines(text).0
    }

    #[test]
    fn a_newspaper_column_joins_and_a_wrapped_reference_stays_inside() {
        let text = "某条例\n\n第五章　法律责任\n第四十条　供热单位违反本条例\n第二十条第一项至第三项所列行\n为之一的，责令限期改正；逾期\n不改正的，撤销特许经营权，终\n止特许经营协议。\n第四十一条　供热单位发生运行\n事故或者其他原因停止供热，未\n及时抢修恢复供热的，处罚款。\n";
        let (out, warnings) = rejoin(lines(text));
        let texts: Vec<&str> = out.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "某条例",
                "第五章 法律责任",
                "第四十条 供热单位违反本条例第二十条第一项至第三项所列行为之一的，责令限期改正；逾期不改正的，撤销特许经营权，终止特许经营协议。",
                "第四十一条 供热单位发生运行事故或者其他原因停止供热，未及时抢修恢复供热的，处罚款。",
            ]
        );
        assert_eq!(warnings.len(), 1, "{warnings:?}");
    }

    #[test]
    fn official_text_with_one_paragraph_a_line_is_left_alone() {
        let text = "某条例\n第一条　为了规范供热管理，保障热用户的合法权益，制定本条例。\n第二条　本条例适用于本市行政区域内的供热。\n供热规划由市人民政府组织编制\n第三条　供热单位应当保证供热质量，按照规定的温度标准供热，不得擅自停止供热。\n";
        let (out, warnings) = rejoin(lines(text));
        assert_eq!(out.len(), 5);
        assert!(warnings.is_empty());
    }

    #[test]
    fn a_line_starting_with_a_comma_continues_the_previous() {
        let (out, _) = rejoin(lines("某条例\n第一条 甲乙丙，但是\n，丁戊。\n"));
        assert_eq!(out[1].text, "第一条 甲乙丙，但是，丁戊。");
    }

    #[test]
    fn a_page_on_one_line_splits_at_labels_that_continue_the_numbering() {
        let page = "某某条例 （2020年1月1日某市人民代表大会常务委员会通过） 第一章 总则 第一条 为了规范管理，依照本条例第三条的规定，制定本条例。 第二条 本条例适用于下列事项：（一）甲；（二）乙。 本条例所称管理，是指规划和建设。 第二章 附则 第三条 根据第二条制定的办法，依照本条例执行。 第四条 本条例自公布之日起施行。";
        let (out, warnings) = split_long_lines(lines(page));
        let texts: Vec<&str> = out.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "某某条例",
                "（2020年1月1日某市人民代表大会常务委员会通过）",
                "第一章 总则",
                "第一条 为了规范管理，依照本条例第三条的规定，制定本条例。",
                "第二条 本条例适用于下列事项：",
                "（一）甲；",
                "（二）乙。",
                "本条例所称管理，是指规划和建设。",
                "第二章 附则",
                "第三条 根据第二条制定的办法，依照本条例执行。",
                "第四条 本条例自公布之日起施行。",
            ]
        );
        assert_eq!(warnings.len(), 1);
    }
}
