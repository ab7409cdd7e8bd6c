//! What comes before the first article: the title, a repeated title, the 题注 (enactment
//! history in parentheses), LawRefBook's metadata block — and what is not the draft at all:
//! navigation links above a Markdown title, and the publication notice (公告, 令, 通知) a
//! clerk copies along with the draft from a government site. The notice's own 一、二、 and its
//! address and fax lines must never become units citizens can comment on: the notice is set
//! aside with a warning that names its lines.

use super::lines::Line;
use super::{classify_text, is_common_chapter_title, is_structural, no_spaces, Kind, Warning};

pub struct Prologue {
    pub title: String,
    pub note: String,
    /// Index of the first line of the body.
    pub body_start: usize,
    pub warnings: Vec<Warning>,
}

/// How regulation titles end (both scripts), before any bracketed 草案/征求意见稿.
const LAW_KINDS: &[&str] = &[
    "条例",
    "條例",
    "法",
    "办法",
    "辦法",
    "规定",
    "規定",
    "规则",
    "規則",
    "细则",
    "細則",
    "决定",
    "決定",
    "规程",
    "規程",
    "章程",
    "准则",
    "準則",
    "通则",
    "通則",
    "纲要",
    "綱要",
    "修正案",
    "决议",
    "決議",
];

/// Phrases of a notice that publishes a draft or a regulation.
const NOTICE_PHRASES: &[&str] = &[
    "现将《",
    "現將《",
    "现发布《",
    "現發布《",
    "现予公布",
    "現予公布",
    "予以公布",
    "公布如下",
    "公告如下",
    "特此公告",
    "征求意见",
    "徵求意見",
    "公开征求",
    "通信地址",
    "邮政编码",
    "传真",
    "電子郵件",
    "电子邮箱",
    "联系电话",
];

/// Ends of a notice's own title: 公告（第7号）, 国务院令, 通知.
const NOTICE_TITLE_ENDS: &[&str] = &["公告", "通告", "通知", "令", "函", "啟事", "启事"];

fn strip_trailing_brackets(s: &str) -> &str {
    let mut s = s.trim_end();
    while let Some(open) = s.rfind(['（', '(']) {
        if !s.ends_with(['）', ')']) || open == 0 {
            break;
        }
        s = s[..open].trim_end();
    }
    s
}

/// A line that reads as the title of a regulation: short, no sentence punctuation, ending in
/// 条例, 办法, 法 … (then maybe （草案）, （征求意见稿）).
pub fn is_law_title(text: &str) -> bool {
    let c = no_spaces(text);
    let n = c.chars().count();
    (4..=80).contains(&n)
        && !c.contains([
            '。', '，', '；', '：', ',', ';', ':', '>', '»', '›', '＞', '|',
        ])
        && !c.starts_with(['（', '(', '第', '《'])
        && LAW_KINDS
            .iter()
            .any(|k| strip_trailing_brackets(&c).ends_with(k))
}

/// “2020年5月28日第十三届全国人民代表大会第三次会议通过”: a date and what happened on it.
fn is_date_note(text: &str) -> bool {
    let c = no_spaces(text);
    c.chars().count() <= 80
        && c.starts_with(|ch: char| ch.is_ascii_digit() || "一二〇零".contains(ch))
        && c.contains('年')
        && c.contains('日')
        && [
            "通过", "公布", "施行", "修正", "修订", "批准", "发布", "通過", "頒布",
        ]
        .iter()
        .any(|w| c.contains(w))
        && !c.ends_with(['。', '；'])
        && !is_structural(text)
}

fn is_notice_title(text: &str) -> bool {
    let c = no_spaces(text);
    let core = strip_trailing_brackets(&c);
    // 第7号 written after the title without brackets.
    let core = core.trim_end_matches(|c: char| c.is_ascii_digit() || "第号〔〕[]".contains(c));
    c.chars().count() <= 60 && NOTICE_TITLE_ENDS.iter().any(|e| core.ends_with(e))
}

fn is_notice_line(text: &str) -> bool {
    !text.starts_with(['（', '(']) && NOTICE_PHRASES.iter().any(|p| text.contains(p))
}

/// The name in 《…》 that a notice publishes (现将《X》…, 现发布《X》).
fn published_name(text: &str) -> Option<String> {
    let open = text.find('《')?;
    let close = text[open..].find('》')? + open;
    let name = &text[open + '《'.len_utf8()..close];
    is_law_title(name).then(|| name.to_string())
}

/// Where the body starts: the first article, numbered heading, 目录 or 序言, or a common
/// chapter title right before an article.
fn body_begins(lines: &[Line]) -> Option<usize> {
    lines
        .iter()
        .take(80)
        .enumerate()
        .position(|(i, l)| match classify_text(&l.text) {
            Kind::Article { .. } | Kind::Heading { .. } | Kind::Toc | Kind::Preamble => true,
            Kind::Text => {
                is_common_chapter_title(&l.text)
                    && lines
                        .get(i + 1)
                        .is_some_and(|n| matches!(classify_text(&n.text), Kind::Article { .. }))
            }
            _ => false,
        })
}

/// Web page furniture a copied page brings along, at the start of a line.
const CHROME_STARTS: &[&str] = &[
    "首页",
    "当前位置",
    "您现在的位置",
    "您的位置",
    "来源：",
    "信息来源",
    "发布时间",
    "发布日期",
    "责任编辑",
    "上一篇",
    "下一篇",
    "相关链接",
    "相关阅读",
    "返回顶部",
];
/// … or anywhere in a short line.
const CHROME_ANYWHERE: &[&str] = &[
    "打印本页",
    "关闭窗口",
    "扫一扫",
    "分享到",
    "浏览次数",
    "阅读次数",
    "访问次数",
    "【字体",
    "字号：",
    "【大】",
    "【中】",
    "【小】",
    "【打印",
    "【关闭",
    "收藏本页",
    "版权所有",
    "ICP备",
    "网站标识码",
    "技术支持：",
    "网站地图",
    "联系我们",
];

fn is_page_chrome(l: &Line) -> bool {
    let t = l.text.as_str();
    // A bare address (the page the text was copied from).
    if (t.starts_with("http://") || t.starts_with("https://") || t.starts_with("www."))
        && !t.contains(char::is_whitespace)
    {
        return true;
    }
    if l.link || t.len() > 240 || t.ends_with(['。', '；']) {
        return false;
    }
    let breadcrumb = ["»", "›", "＞", ">>", " > "].iter().any(|s| t.contains(s));
    let chrome = (breadcrumb && CHROME_STARTS[..4].iter().any(|s| t.starts_with(s)))
        || CHROME_STARTS.iter().any(|s| t.starts_with(s)) && t.chars().count() <= 40
        || CHROME_ANYWHERE.iter().any(|s| t.contains(s));
    chrome && t.chars().count() <= 80 && !is_structural(t)
}

/// Drops the navigation, print and share buttons, dates and counters of a copied web page,
/// with one warning that lists their lines.
pub fn drop_page_chrome(lines: Vec<Line>) -> (Vec<Line>, Vec<Warning>) {
    let mut dropped = Vec::new();
    let kept: Vec<Line> = lines
        .into_iter()
        .filter(|l| {
            let chrome = is_page_chrome(l);
            if chrome {
                dropped.push((l.no, l.text.chars().take(20).collect::<String>()));
            }
            !chrome
        })
        .collect();
    let warnings = match dropped.first() {
        None => Vec::new(),
        Some((first, text)) => vec![Warning {
            line: *first,
            message: format!(
                "已略去 {} 行网页上的导航、按钮或发布信息（第{}行“{text}”等），它们不是草案文字",
                dropped.len(),
                dropped
                    .iter()
                    .map(|(n, _)| n.to_string())
                    .collect::<Vec<_>>()
                    .join("、")
            ),
        }],
    };
    (kept, warnings)
}

pub fn prologue(lines: &[Line]) -> Prologue {
    let mut warnings = Vec::new();
    let mut start = 0;
    // Markdown navigation above the title: breadcrumbs of links, then the title as a heading.
    if lines.first().is_some_and(|l| l.heading.is_none() && l.link) {
        if let Some(k) = lines
            .iter()
            .take(4)
            .position(|l| l.heading.is_some_and(|h| h <= 3) && !is_structural(&l.text))
        {
            if lines[..k].iter().all(|l| l.link) {
                start = k;
            }
        }
    }
    // A site name or breadcrumb above the regulation's title (printed web pages): short lines
    // that are not the title, right before one that is.
    if lines.get(start).is_some_and(|l| !is_law_title(&l.text)) {
        if let Some(k) = (1..5).find(|&k| {
            lines.get(start + k).is_some_and(|l| {
                is_law_title(&l.text)
                    && lines[start..start + k].iter().all(|p| {
                        p.text.chars().count() <= 40
                            && !p.text.contains(['。', '；', '《'])
                            && !is_structural(&p.text)
                            && !p.text.starts_with(['（', '('])
                    })
            })
        }) {
            let (first, last) = (&lines[start], &lines[start + k - 1]);
            if !first.link {
                warnings.push(Warning {
                    line: first.no,
                    message: format!(
                        "第{}–{}行（“{}”）在标题之前，不是草案文字，已略去",
                        first.no,
                        last.no,
                        first.text.chars().take(20).collect::<String>()
                    ),
                });
            }
            start += k;
        }
    }
    let mut title = String::new();
    let mut note = Vec::new();
    let mut i = start;
    // A notice around the draft.
    if let Some(end) = body_begins(&lines[start..]) {
        let zone = &lines[start..start + end];
        let notice_at = zone
            .iter()
            .position(|l| is_notice_line(&l.text))
            .or_else(|| zone.first().filter(|l| is_notice_title(&l.text)).map(|_| 0));
        if let Some(first_notice) = notice_at {
            let after_notice = zone
                .iter()
                .enumerate()
                .skip(first_notice)
                .filter(|(_, l)| is_law_title(&l.text) && !is_notice_line(&l.text))
                .map(|(k, _)| k)
                .next_back()
                .filter(|&k| k > 0);
            let named = zone.iter().find_map(|l| {
                let t = &l.text;
                let publishes = ["现发布《", "現發布《", "现将《", "現將《", "公布《"]
                    .iter()
                    .any(|p| t.contains(p));
                if publishes {
                    published_name(&t[t.find(['《']).unwrap_or(0)..])
                } else {
                    None
                }
            });
            // The notice after the title (a note on how to comment, between the title and the
            // text): the title stays, its 题注 too, the notice goes.
            let title_first = first_notice > 0 && is_law_title(&zone[0].text);
            let set_aside = match (after_notice, named) {
                (Some(k), _) => {
                    title = zone[k].text.clone();
                    Some((0, k, k + 1))
                }
                (None, _) if title_first => {
                    title = zone[0].text.clone();
                    note.extend(
                        zone[1..first_notice]
                            .iter()
                            .filter(|l| l.text.starts_with(['（', '(']))
                            .map(|l| l.text.clone()),
                    );
                    Some((first_notice, zone.len(), zone.len()))
                }
                (None, Some(name)) => {
                    title = name;
                    Some((0, zone.len(), zone.len()))
                }
                (None, None) => None,
            };
            if let Some((notice_start, notice_end, next)) = set_aside {
                let first = &zone[notice_start];
                let last = &zone[notice_end.max(notice_start + 1) - 1];
                warnings.push(Warning {
                    line: first.no,
                    message: format!(
                        "第{}–{}行是草案前的公告或发布说明（“{}”），不是草案条文，已从草案中略去",
                        first.no,
                        last.no,
                        first.text.chars().take(30).collect::<String>()
                    ),
                });
                i = start + next;
            }
        }
    }
    if title.is_empty() {
        let skip_info = |i: &mut usize| {
            // LawRefBook: dates and amendment history before <!-- INFO END --> are the 题注.
            if let Some(end) = lines.iter().take(40).position(|l| l.info_end) {
                if end >= *i {
                    let parts: Vec<String> =
                        lines[*i..end].iter().map(|l| l.text.clone()).collect();
                    *i = end + 1;
                    return parts;
                }
            }
            Vec::new()
        };
        match lines.get(start) {
            Some(l) if l.heading == Some(1) => {
                title = l.text.clone();
                i = start + 1;
                note.extend(skip_info(&mut i));
            }
            Some(l) if !is_structural(&l.text) && !l.info_end => {
                title = l.text.clone();
                i = start + 1;
                // A title split over two lines: a short second line right before the 题注.
                if let (Some(second), Some(third)) = (lines.get(i), lines.get(i + 1)) {
                    if !is_structural(&second.text)
                        && !second.text.starts_with(['（', '('])
                        && second.text.chars().count() <= 20
                        && third.text.starts_with(['（', '('])
                    {
                        title.push_str(&second.text);
                        i += 1;
                    }
                }
            }
            _ => {}
        }
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
        .is_some_and(|l| l.text.starts_with(['（', '(']) && !is_structural(&l.text))
    {
        while let Some(l) = lines.get(i) {
            note.push(l.text.clone());
            i += 1;
            if l.text.ends_with(['）', ')']) || note.len() >= 12 {
                break;
            }
        }
    }
    // …or dates of adoption without parentheses (as printed under a title in Word or PDF).
    if note.is_empty() {
        while let Some(l) = lines.get(i).filter(|l| is_date_note(&l.text)) {
            note.push(l.text.clone());
            i += 1;
        }
    }
    Prologue {
        title,
        note: note.join("\n"),
        body_start: i,
        warnings,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn law_titles_and_notice_titles() {
        assert!(is_law_title("沈阳市社会信用条例（草案）"));
        assert!(is_law_title("中华人民共和国噪声污染防治法"));
        assert!(is_law_title("某市物業管理條例（徵求意見稿）"));
        assert!(!is_law_title(
            "沈阳市人民代表大会常务委员会办公室公告（第7号）"
        ));
        assert!(!is_law_title(
            "征信业务及相关活动，依照国家《征信业管理条例》执行。"
        ));
        assert!(is_notice_title(
            "沈阳市人民代表大会常务委员会办公室公告（第7号）"
        ));
        assert!(is_notice_title("中华人民共和国国务院令"));
        assert!(is_notice_title("某某县人民政府令 第3号"));
        assert!(!is_notice_title("中华人民共和国噪声污染防治法"));
    }

    #[test]
    fn page_chrome_is_dropped_and_listed() {
        let page = "首页 > 政务公开 > 法规草案\n某某条例（草案）\n发布时间：2022-12-06  来源：某市人大\n【字体：大 中 小】【打印本页】【关闭窗口】\n第一条 资金来源：财政拨款。\n扫一扫在手机打开当前页\n";
        let (lines, _) = super::super::lines::split_lines(page);
        let (kept, warnings) = drop_page_chrome(lines);
        let texts: Vec<&str> = kept.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(texts, ["某某条例（草案）", "第一条 资金来源：财政拨款。"]);
        assert_eq!(warnings.len(), 1);
        assert!(
            warnings[0].message.contains("第1、3、4、6行"),
            "{warnings:?}"
        );
    }
}
