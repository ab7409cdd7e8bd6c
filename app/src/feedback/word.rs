//! The 意见汇编 and the 对照表 as Word files, for the committee to edit before they go to the
//! Standing Committee: the same content as the compilation page and its PDF, laid out as
//! official documents are (see [`crate::docx`]).

use super::pages::brief_sources;
use super::{FeedbackArticle, FeedbackReport};
use crate::docx::{Block, Document, LANDSCAPE_TEXT_WIDTH, TEXT_WIDTH};
use crate::error::AppError;

fn bytes(doc: &Document) -> Result<Vec<u8>, AppError> {
    doc.to_bytes().map_err(|e| {
        tracing::error!(error = %e, "the Word file could not be written");
        AppError::Internal
    })
}

/// The 对照表's header: 原条文 | 修改后条文 | 意见摘要 | 来源 | 处理意见 | 理由.
fn comparison_header(report: &FeedbackReport) -> Vec<String> {
    let (from, to) = &report.versions;
    vec![
        format!("原条文（{from}）"),
        format!("修改后条文（{to}）"),
        "意见摘要".into(),
        "来源".into(),
        "处理意见".into(),
        "理由".into(),
    ]
}

/// One row per opinion group; an article's old and new text span its groups' rows.
fn comparison_rows(articles: &[FeedbackArticle]) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    for a in articles {
        let original = if a.original.is_empty() {
            "（新增）".to_string()
        } else {
            a.original.clone()
        };
        let revised = if a.revised.is_empty() {
            "（删除）".to_string()
        } else if a.revised == a.original {
            "（未修改）".to_string()
        } else {
            a.revised.clone()
        };
        for (i, g) in a.groups.iter().enumerate() {
            let (left, right) = if i == 0 {
                (format!("{}\n{original}", a.label), revised.clone())
            } else {
                (String::new(), String::new())
            };
            rows.push(vec![
                left,
                right,
                format!("{}（{} 条）", g.summary, g.received),
                brief_sources(&g.sources),
                g.disposition.clone(),
                g.reason.clone(),
            ]);
        }
    }
    rows
}

/// Column widths for a table `total` twips wide, in the proportions of the page's columns.
fn widths(total: u32) -> Vec<u32> {
    let parts = [24u32, 24, 18, 11, 8, 15];
    let sum: u32 = parts.iter().sum();
    let mut w: Vec<u32> = parts.iter().map(|p| total * p / sum).collect();
    let used: u32 = w.iter().sum();
    if let Some(last) = w.last_mut() {
        *last += total - used;
    }
    w
}

fn comparison_table(report: &FeedbackReport, total: u32) -> Block {
    Block::Table {
        widths: widths(total),
        header: comparison_header(report),
        rows: comparison_rows(&report.articles),
        merged: vec![0, 1],
    }
}

/// The 意见汇编: per article its text, the opinions by group with counts and sources and how
/// they were handled; then the 对照表.
pub fn compilation(report: &FeedbackReport) -> Result<Vec<u8>, AppError> {
    let total: i64 = report.articles.iter().map(|a| a.received).sum();
    let mut doc = Document {
        title: format!("《{}》公开征求意见汇编", report.draft_title),
        ..Document::default()
    };
    doc.blocks.push(Block::Title(doc.title.clone()));
    doc.blocks.push(Block::Subtitle(format!(
        "共收到意见 {total} 条，涉及 {} 条条文",
        report.articles.len()
    )));
    doc.blocks.push(Block::Heading(2, "一、逐条意见".into()));
    for a in &report.articles {
        doc.blocks.push(Block::Heading(3, a.label.clone()));
        if !a.revised.is_empty() {
            doc.blocks.push(Block::Paragraph(a.revised.clone()));
        }
        doc.blocks.push(Block::Paragraph(format!(
            "收到意见 {} 条，不同意见 {} 条。",
            a.received, a.unique
        )));
        for (i, g) in a.groups.iter().enumerate() {
            let reason = if g.reason.is_empty() {
                String::new()
            } else {
                format!("理由：{}", g.reason)
            };
            doc.blocks.push(Block::Paragraph(format!(
                "{}. {}（{} 条；来源：{}）处理意见：{}。{reason}",
                i + 1,
                g.summary,
                g.received,
                g.sources,
                g.disposition
            )));
        }
    }
    doc.blocks.push(Block::PageBreak);
    doc.blocks.push(Block::Heading(2, "二、对照表".into()));
    doc.blocks.push(comparison_table(report, TEXT_WIDTH));
    bytes(&doc)
}

/// The 对照表 alone, on landscape A4: 原条文 | 修改后条文 | 意见摘要 | 来源 | 处理意见 | 理由.
pub fn comparison(report: &FeedbackReport) -> Result<Vec<u8>, AppError> {
    let mut doc = Document {
        title: format!("《{}》修改对照表", report.draft_title),
        landscape: true,
        ..Document::default()
    };
    doc.blocks.push(Block::Title(doc.title.clone()));
    doc.blocks
        .push(comparison_table(report, LANDSCAPE_TEXT_WIDTH));
    bytes(&doc)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::draft::parse::docx;
    use crate::feedback::FeedbackGroup;

    fn report() -> FeedbackReport {
        let group = |summary: &str, disposition: &str| FeedbackGroup {
            summary: summary.into(),
            received: 3,
            unique: 2,
            stances: (0, 1, 2),
            disposition: disposition.into(),
            reason: "已在第二款中写明。".into(),
            sources: "网上 2、五星村 1".into(),
            keywords: String::new(),
            other: false,
        };
        FeedbackReport {
            slug: "heating".into(),
            draft_title: "供热<条例>".into(),
            published_at: None,
            versions: ("一审稿".into(), "二审稿".into()),
            articles: vec![
                FeedbackArticle {
                    uid: "a1".into(),
                    label: "第四条".into(),
                    received: 6,
                    unique: 4,
                    campaigns: 0,
                    groups: vec![
                        group("提高室温标准", "部分采纳"),
                        group("延长供热期", "不予采纳"),
                    ],
                    by_disposition: vec![],
                    original: "室温不低于十六摄氏度。".into(),
                    revised: "室温不低于十八摄氏度。".into(),
                },
                FeedbackArticle {
                    uid: "a2".into(),
                    label: "第九条".into(),
                    received: 3,
                    unique: 2,
                    campaigns: 0,
                    groups: vec![group("热费过高", "说明")],
                    by_disposition: vec![],
                    original: String::new(),
                    revised: "新增的条文。".into(),
                },
            ],
        }
    }

    #[test]
    fn the_comparison_table_reads_back_row_by_row() {
        let file = comparison(&report()).unwrap();
        let text = docx::to_text(&file).unwrap().text;
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "《供热<条例>》修改对照表");
        assert_eq!(
            lines[1],
            "原条文（一审稿）　修改后条文（二审稿）　意见摘要　来源　处理意见　理由"
        );
        assert_eq!(
            lines[2],
            "第四条 室温不低于十六摄氏度。　室温不低于十八摄氏度。　提高室温标准（3 条）　网上 2、五星村 1　部分采纳　已在第二款中写明。"
        );
        assert_eq!(
            lines[3],
            "　　延长供热期（3 条）　网上 2、五星村 1　不予采纳　已在第二款中写明。"
        );
        assert!(lines[4].starts_with("第九条 （新增）　新增的条文。　热费过高"));
        let document = docx::part(&file, "word/document.xml").unwrap().unwrap();
        assert!(document.contains("w:orient=\"landscape\""));
        assert_eq!(
            document.matches("<w:vMerge/>").count(),
            2,
            "第四条 spans two rows"
        );
        assert!(document.contains("<w:tblHeader/>"));
        assert!(document.contains("&lt;条例&gt;"), "escaped");
    }

    #[test]
    fn the_compilation_has_its_parts_fonts_and_page_numbers() {
        let file = compilation(&report()).unwrap();
        let text = docx::to_text(&file).unwrap().text;
        for needle in [
            "《供热<条例>》公开征求意见汇编",
            "一、逐条意见",
            "1. 提高室温标准（3 条；来源：网上 2、五星村 1）处理意见：部分采纳。理由：已在第二款中写明。",
            "二、对照表",
            "第九条 （新增）",
        ] {
            assert!(text.contains(needle), "{needle}: {text}");
        }
        let styles = docx::part(&file, "word/styles.xml").unwrap().unwrap();
        assert!(styles.contains("w:eastAsia=\"仿宋\"") && styles.contains("w:eastAsia=\"黑体\""));
        let document = docx::part(&file, "word/document.xml").unwrap().unwrap();
        assert!(
            document.contains("<w:pgSz w:w=\"11906\" w:h=\"16838\"/>"),
            "A4"
        );
        assert!(document.contains("w:insideH w:val=\"single\""), "borders");
        let footer = docx::part(&file, "word/footer1.xml").unwrap().unwrap();
        assert!(footer.contains(" PAGE "));
        // Page numbers live in the footer: they never reach the text.
        assert!(!text.contains("— 1 —"));
    }
}
