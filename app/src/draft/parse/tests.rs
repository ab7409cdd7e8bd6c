use super::*;
use std::path::PathBuf;

fn parse(s: &str) -> Parsed {
    parse_text(s).expect("parses")
}

/// The shared corpus (beside the repository); tests that need it skip with a message when it is
/// absent, as in a fresh clone of the repository alone.
pub(crate) fn corpus_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("YIJIAN_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus"));
    if dir.join("laws/MANIFEST.tsv").exists() {
        Some(dir)
    } else {
        eprintln!(
            "skipping: corpus not found at {} (set YIJIAN_CORPUS)",
            dir.display()
        );
        None
    }
}

fn fixture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/laws")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The corpus manifests' rows: file name, bytes, and the true counts (编, 分编, 章, 节, 条).
pub(crate) fn manifest_rows(dir: &std::path::Path) -> Vec<(String, Vec<u8>, Vec<u32>)> {
    let mut out = Vec::new();
    for (sub, cols) in [
        (
            "laws",
            ["n_bian", "n_fenbian", "n_zhang", "n_jie", "n_tiao"],
        ),
        ("laws-b", ["bian", "fenbian", "zhang", "jie", "tiao"]),
    ] {
        let manifest = std::fs::read_to_string(dir.join(sub).join("MANIFEST.tsv")).unwrap();
        let mut lines = manifest.lines();
        let header: Vec<&str> = lines.next().unwrap().split('\t').collect();
        let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
        for row in lines.filter(|l| !l.trim().is_empty()) {
            let f: Vec<&str> = row.split('\t').collect();
            let file = f[col("file")];
            let expected: Vec<u32> = cols
                .iter()
                .map(|c| f[col(c)].trim().parse().unwrap())
                .collect();
            let bytes = std::fs::read(dir.join(sub).join(file)).unwrap();
            out.push((file.to_string(), bytes, expected));
        }
    }
    out
}

pub(crate) fn counts_vec(c: Counts) -> Vec<u32> {
    vec![c.bian, c.fenbian, c.zhang, c.jie, c.tiao]
}

/// Every corpus law, read from `source(law)`, gives the manifest's counts.
fn check_manifest(what: &str, source: impl Fn(&str, &[u8]) -> Result<Parsed, String>) {
    let Some(dir) = corpus_dir() else { return };
    let rows = manifest_rows(&dir);
    let mut failures = Vec::new();
    for (file, bytes, expected) in &rows {
        match source(file, bytes) {
            Ok(p) => {
                let got = counts_vec(p.counts);
                if &got != expected {
                    failures.push(format!("{file}: got {got:?}, manifest {expected:?}"));
                }
            }
            // Documents without articles (decisions, amendment lists) still parse: they
            // have numbered points.
            Err(e) => failures.push(format!("{file}: {e}")),
        }
    }
    assert!(rows.len() >= 52, "walked {} manifest rows", rows.len());
    assert!(
        failures.is_empty(),
        "{what}: {} of {} files differ:\n{}",
        failures.len(),
        rows.len(),
        failures.join("\n")
    );
}

#[test]
fn every_manifest_row_parses_to_the_true_counts() {
    check_manifest("text", |_, bytes| {
        parse_bytes(bytes).map_err(|e| e.to_string())
    });
}

/// The same laws as Word files, as committees write them: labels typed out, and labels made by
/// Word's automatic numbering (read back from numbering.xml).
#[test]
fn every_manifest_row_as_a_word_file_parses_to_the_true_counts() {
    use crate::docx::{draft_docx, Labels};
    for labels in [Labels::Typed, Labels::Automatic] {
        check_manifest(&format!("docx {labels:?}"), |_, bytes| {
            let tree = parse_bytes(bytes).map_err(|e| e.to_string())?.tree;
            let file = draft_docx(&tree, labels)
                .to_bytes()
                .map_err(|e| e.to_string())?;
            let text = docx::to_text(&file).map_err(|e| e.to_string())?;
            parse_text(&text.text).map_err(|e| e.to_string())
        });
    }
}

#[test]
fn markdown_and_official_text_of_one_law_give_the_same_articles() {
    let Some(dir) = corpus_dir() else { return };
    for (md, raw) in [
        (
            "laws/001-national-legislation-law.md",
            "laws-b/b02-national-legislation-law-2023-flkraw.txt",
        ),
        (
            "laws/007-national-constitution.md",
            "laws-b/b03-national-constitution-2018-flkraw.txt",
        ),
    ] {
        let a = parse_bytes(&std::fs::read(dir.join(md)).unwrap()).unwrap();
        let b = parse_bytes(&std::fs::read(dir.join(raw)).unwrap()).unwrap();
        assert_eq!(a.counts, b.counts, "{md} vs {raw}");
        let labels = |p: &Parsed| {
            p.tree
                .articles()
                .iter()
                .map(|n| n.label.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(labels(&a), labels(&b));
    }
}

#[test]
fn reads_labels_paragraphs_items_and_sub_items() {
    let p = parse(
        "# 某某条例\n\n## 第一章 总则\n\n第一条 为了规范管理，制定本条例。\n\n第二条 下列行为应当遵守本条例：\n\n（一）供热；\n\n（二）用热：\n\n1. 居民用热；\n\n2. 单位用热。\n\n前款规定以外的，依照有关规定。\n\n第二条之一 插入的条文。\n\n## 第二章 附则\n\n第三条 本条例自公布之日起施行。\n",
    );
    assert_eq!(p.tree.title, "某某条例");
    assert_eq!(
        p.counts,
        Counts {
            bian: 0,
            fenbian: 0,
            zhang: 2,
            jie: 0,
            tiao: 4
        }
    );
    let arts = p.tree.articles();
    let labels: Vec<_> = arts.iter().map(|a| a.label.as_str()).collect();
    assert_eq!(labels, ["第一条", "第二条", "第二条之一", "第三条"]);
    assert_eq!((arts[2].number, arts[2].sub), (Some(2), Some(1)));
    let art2 = arts[1];
    assert_eq!(art2.children.len(), 2, "two paragraphs");
    let first = &art2.children[0];
    assert_eq!(
        first
            .children
            .iter()
            .map(|n| n.label.as_str())
            .collect::<Vec<_>>(),
        ["（一）", "（二）"]
    );
    assert_eq!(first.children[1].children.len(), 2, "两目 under （二）");
    assert_eq!(first.children[1].children[1].kind, NodeKind::Mu);
    assert!(p.warnings.is_empty(), "{:?}", p.warnings);
}

#[test]
fn skips_title_repeat_note_and_table_of_contents_of_official_text() {
    let text = "\u{feff}某市供热条例\r\n\r\n（2022年1月1日某市人民代表大会通过）\r\n\r\n目\u{3000}\u{3000}录\r\n第一章\u{3000}总\u{3000}\u{3000}则\r\n第二章\u{3000}规划与建设\r\n第三章\u{3000}附\u{3000}\u{3000}则\r\n第一章\u{3000}总\u{3000}\u{3000}则\r\n第一条\u{3000}为了规范供热，制定本条例。\r\n规划与建设\r\n第二条\u{3000}供热规划由政府编制。\r\n第三章\u{3000}附\u{3000}\u{3000}则\r\n第三条\u{3000}本条例自2023年1月1日起施行。\r\n";
    let p = parse(text);
    assert_eq!(p.tree.title, "某市供热条例");
    assert!(p.tree.note.starts_with("（2022年"));
    assert_eq!(
        p.counts.zhang, 3,
        "TOC not counted, bare chapter title recognised"
    );
    assert_eq!(p.counts.tiao, 3);
    let chapters: Vec<_> = p
        .tree
        .nodes
        .iter()
        .filter(|n| n.kind == NodeKind::Zhang)
        .map(|n| (n.label.clone(), n.title.clone()))
        .collect();
    assert_eq!(
        chapters[1],
        ("第二章".to_string(), "规划与建设".to_string())
    );
    assert_eq!(chapters[0].1, "总则");
    assert!(
        p.warnings
            .iter()
            .any(|w| w.line == 11 && w.message.contains("第X章")),
        "{:?}",
        p.warnings
    );
}

#[test]
fn recovers_from_real_label_defects_with_warnings() {
    let text = "条例\n\n第一条 甲。\n\n第二条 乙。 第三条丙。\n\n笫四条 丁。\n\n第五 条戊。\n\n第七条 己。\n\n第七条 庚。\n";
    let p = parse(text);
    let labels: Vec<_> = p.tree.articles().iter().map(|a| a.label.clone()).collect();
    assert_eq!(
        labels,
        [
            "第一条",
            "第二条",
            "第三条",
            "第四条",
            "第五条",
            "第七条",
            "第七条"
        ]
    );
    let msgs: Vec<_> = p
        .warnings
        .iter()
        .map(|w| (w.line, w.message.as_str()))
        .collect();
    assert!(
        msgs.iter().any(|(l, m)| *l == 5 && m.contains("同一行")),
        "{msgs:?}"
    );
    assert!(
        msgs.iter().any(|(l, m)| *l == 7 && m.contains("笫")),
        "{msgs:?}"
    );
    assert!(
        msgs.iter().any(|(l, m)| *l == 9 && m.contains("空格")),
        "{msgs:?}"
    );
    assert!(
        msgs.iter().any(|(l, m)| *l == 11 && m.contains("不连续")),
        "{msgs:?}"
    );
    assert!(
        msgs.iter().any(|(l, m)| *l == 13 && m.contains("重复")),
        "{msgs:?}"
    );
}

#[test]
fn references_are_not_articles() {
    let p = parse("条例\n\n第一条 甲。\n\n第一条规定的事项，依照本条例。\n\n第二条 乙。\n");
    assert_eq!(p.counts.tiao, 2);
}

#[test]
fn quoted_articles_of_another_law_stay_inside_their_article() {
    let p = parse(
        "修正案\n\n第三十二条 甲。\n\n第三十三条 宪法增加两条，作为第一百二十三条、第一百二十四条：\n\n第七节 监察委员会\n\n第一百二十三条 各级监察委员会是国家的监察机关。\n\n第一百二十四条 设立国家监察委员会。\n\n第三十四条 乙。\n",
    );
    assert_eq!(p.counts.tiao, 3);
    assert_eq!(p.counts.jie, 0);
}

#[test]
fn annexes_after_the_last_article_are_not_articles() {
    let p = parse("条例\n\n第一条 甲。\n\n第二条 乙。\n\n附件一：清单\n\n第一条 这是附件中的文字。\n\n一、某物品\n");
    assert_eq!(p.counts.tiao, 2);
    assert!(p.tree.nodes.iter().any(|n| n.kind == NodeKind::Annex));
}

#[test]
fn documents_of_points_only_parse_and_empty_ones_do_not() {
    let p = parse("关于某事的决定\n\n为了……，作如下决定：\n\n一、第一点。\n\n二、第二点。\n");
    assert_eq!(p.counts.tiao, 0);
    assert_eq!(
        p.tree
            .nodes
            .iter()
            .filter(|n| n.kind == NodeKind::Point)
            .count(),
        2
    );
    assert_eq!(
        parse_text("只是一段文字，没有条文。"),
        Err(ParseError::NoStructure)
    );
    assert_eq!(parse_text("   \n"), Err(ParseError::Empty));
}

#[test]
fn chinese_numbers_in_labels() {
    let p =
        parse("民法典合同编\n\n第四百六十三条 甲。\n\n第四百六十四条 乙。\n\n第一千零一条 丙。\n");
    let numbers: Vec<_> = p
        .tree
        .articles()
        .iter()
        .map(|a| a.number.unwrap())
        .collect();
    assert_eq!(numbers, [463, 464, 1001]);
    assert!(p.warnings.iter().any(|w| w.message.contains("不连续")));
}

#[test]
fn fixtures_with_real_defects() {
    for (name, tiao, zhang) in [
        ("023-local-xj-changji-urban-heating-regs.md", 46, 6),
        (
            "b08-local-zhejiang-rural-sewage-facilities-regs-2019.md",
            36,
            0,
        ),
        (
            "b09-local-henan-professional-continuing-education-regs-2010.md",
            27,
            0,
        ),
        ("b10-local-beijing-npcsc-rules-of-procedure-2010.md", 42, 7),
    ] {
        let p = parse_bytes(&fixture(name)).unwrap();
        assert_eq!((p.counts.tiao, p.counts.zhang), (tiao, zhang), "{name}");
    }
}

#[test]
fn gbk_file_parses_like_utf8() {
    let utf8 = fixture("b08-local-zhejiang-rural-sewage-facilities-regs-2019.md");
    let (gbk, _, unmappable) = encoding_rs::GBK.encode(std::str::from_utf8(&utf8).unwrap());
    assert!(!unmappable);
    assert_eq!(
        parse_bytes(&gbk).unwrap().counts,
        parse_bytes(&utf8).unwrap().counts
    );
}

fn labels(p: &Parsed) -> Vec<String> {
    p.tree.articles().iter().map(|a| a.label.clone()).collect()
}

fn all_text(p: &Parsed) -> String {
    let mut out = format!("{}\n{}\n", p.tree.title, p.tree.note);
    for n in &p.tree.nodes {
        n.walk(&mut |n| {
            out.push_str(&n.label);
            out.push_str(&n.title);
            out.push_str(&n.text);
            out.push('\n');
        });
    }
    out
}

#[test]
fn setext_markdown_with_navigation_above_the_title() {
    let p = parse(
        "[读本](../index) >> 某某法\n\n某某法\n------\n\n\t（2020年1月1日通过）\n\n目录\n----\n　第一章　总则\n　第二章　附则\n\n第一章　总则\n------------\n\n　　第一条　甲。  \n　　第二条　乙。  \n第二款。\n\n第二章　附则\n------------\n\n　　第三条　丙。\n",
    );
    assert_eq!(p.tree.title, "某某法");
    assert_eq!(p.tree.note, "（2020年1月1日通过）");
    assert_eq!((p.counts.zhang, p.counts.tiao), (2, 3));
    assert_eq!(p.tree.articles()[1].children.len(), 2);
    let text = all_text(&p);
    assert!(!text.contains("---") && !text.contains("读本"), "{text}");
    assert!(
        p.tree.nodes.iter().all(|n| n.kind != NodeKind::Preamble),
        "no invented 序言"
    );
    assert!(p.warnings.is_empty(), "{:?}", p.warnings);
}

#[test]
fn bold_labels_html_blocks_and_bullets_around_labels() {
    let p = parse(
        "# 某条例\n\n<div align=\"center\">\n第一章　总　则\n</div>\n\n**第一条　**为了规范管理，制定本条例。\n\n**第二条**　下列事项：\n\n* **（一）**甲；\n* **（二）**乙。\n\n　　* （三）丙。\n\n*第三条　*丁。\n",
    );
    assert_eq!(labels(&p), ["第一条", "第二条", "第三条"]);
    assert_eq!(p.counts.zhang, 1);
    let items: Vec<_> = p.tree.articles()[1].children[0]
        .children
        .iter()
        .map(|n| (n.kind, n.label.as_str()))
        .collect();
    assert_eq!(
        items,
        [
            (NodeKind::Xiang, "（一）"),
            (NodeKind::Xiang, "（二）"),
            (NodeKind::Xiang, "（三）")
        ]
    );
    assert!(!all_text(&p).contains('*'));
    // Only the tags are named in warnings, never the text inside them.
    let html: Vec<_> = p
        .warnings
        .iter()
        .filter(|w| w.message.contains("HTML"))
        .collect();
    assert_eq!(html.len(), 2, "{:?}", p.warnings);
    assert!(html.iter().all(|w| !w.message.contains("总")));
}

#[test]
fn a_notice_around_the_draft_is_set_aside_with_a_warning() {
    let p = parse(
        "某市人大常委会办公室公告\n\n现将《某市供热条例（草案）》全文公布，征求意见：\n\n一、意见请寄某市人大常委会法工委。\n\n二、截止日期为2023年1月15日。\n\n传真：（024）0000000\n\n2022年12月5日\n\n某市供热条例（草案）\n\n总 则\n\n第一条 为了规范供热，制定本条例。\n\n第二条 本条例适用于本市。\n",
    );
    assert_eq!(p.tree.title, "某市供热条例（草案）");
    assert_eq!(p.counts.tiao, 2);
    assert!(p.tree.nodes.iter().all(|n| n.kind != NodeKind::Point));
    let text = all_text(&p);
    assert!(!text.contains("传真") && !text.contains("截止"), "{text}");
    assert!(p
        .warnings
        .iter()
        .any(|w| w.line == 1 && w.message.contains("公告")));
    // 总则 is a chapter without a number: none is invented.
    let chapter = &p.tree.nodes[0];
    assert_eq!(
        (chapter.kind, chapter.label.as_str(), chapter.title.as_str()),
        (NodeKind::Zhang, "", "总则")
    );
}

#[test]
fn a_decree_names_the_regulation_it_publishes() {
    let p = parse("某省人民政府令\n\n第12号\n\n现发布《某省河道管理办法》，自发布之日起施行。\n\n省长某某\n\n第一条 为了加强河道管理，制定本办法。\n\n第二条 本办法自发布之日起施行。\n");
    assert_eq!(p.tree.title, "某省河道管理办法");
    assert_eq!(p.counts.tiao, 2);
    assert!(p.tree.nodes.iter().all(|n| n.kind == NodeKind::Tiao));
}

#[test]
fn traditional_characters_are_read_and_kept_as_written() {
    let p = parse("某市物業管理條例\n\n第一章　總則\n\n第一條　為了規範物業管理活動，制定本條例。\n\n第二條　本條例適用於本市。\n\n第一條規定的原則適用於管理區域。\n\n第二章　附則\n\n第三條　本條例自公布之日起施行。\n");
    assert_eq!(labels(&p), ["第一條", "第二條", "第三條"]);
    assert_eq!(p.counts.zhang, 2);
    assert_eq!(p.tree.nodes[0].title, "總則");
    assert_eq!(
        p.tree.articles()[1].children[1].text,
        "第一條規定的原則適用於管理區域。"
    );
    assert!(p.warnings.is_empty(), "{:?}", p.warnings);
}

#[test]
fn lookalike_numerals_in_labels_are_recovered_with_a_warning() {
    let p = parse("条例\n\n第二十九条 甲。\n\n第三十条 乙。\n\n第三十－条 丙。\n\n第三十二条 丁。\n\n第三十三条 依照第三十-条的规定。\n");
    assert_eq!(
        labels(&p),
        [
            "第二十九条",
            "第三十条",
            "第三十一条",
            "第三十二条",
            "第三十三条"
        ]
    );
    let w: Vec<_> = p
        .warnings
        .iter()
        .map(|w| (w.line, w.message.as_str()))
        .collect();
    assert_eq!(w.len(), 1, "{w:?}");
    assert!(w[0].0 == 7 && w[0].1.contains("－"), "{w:?}");
    assert_eq!(p.tree.articles()[2].children[0].text, "丙。");
}

#[test]
fn an_unnumbered_part_stays_at_the_level_it_stands() {
    // Official text of a code: 编, 章, then a closing 附则 beside the parts.
    let text = "某某法\n\n目　　录\n\n第一编　总　　则\n　第一章　任务\n第二编　程　　序\n　第一章　立案\n　第二章　审判\n附　　则\n\n第一编　总　　则\n第一章　任务\n第一条　甲。\n第二编　程　　序\n第一章　立案\n第二条　乙。\n第二章　审判\n第三条　丙。\n附　　则\n第四条　丁。\n";
    let p = parse(text);
    assert_eq!(
        p.counts.bian, 2,
        "the unnumbered part is not counted as a numbered 编"
    );
    assert_eq!(p.counts.zhang, 3);
    let last = p.tree.nodes.last().unwrap();
    assert_eq!(
        (last.kind, last.label.as_str(), last.title.as_str()),
        (NodeKind::Bian, "", "附则")
    );
    assert_eq!(last.children[0].label, "第四条");
    assert!(!all_text(&p).contains("第三章"), "no invented label");
}

#[test]
fn a_whole_page_on_one_line_is_split_at_its_labels() {
    let page = "某某条例 第一章 总则 第一条 为了规范管理，依照本条例第三条的规定，制定本条例。 第二条 本条例适用于下列事项：（一）甲；（二）乙。 第二章 附则 第三条 根据第二条制定的办法，依照本条例执行。 第四条 本条例自公布之日起施行。";
    let p = parse(page);
    assert_eq!(p.tree.title, "某某条例");
    assert_eq!((p.counts.zhang, p.counts.tiao), (2, 4));
    assert_eq!(p.tree.articles()[1].children[0].children.len(), 2);
    assert!(p.warnings.iter().any(|w| w.message.contains("丢失了换行")));
}

#[test]
fn hard_wrapped_web_text_joins_its_paragraphs() {
    let text = "  某某条例\n\n  第一条为了规范国务院行政机构的设置，加强编制管\n理，提高行政效率，根据宪法和国务院组织法，制定本条\n例。\n\n  第二条国务院行政机构设置和编制管理应当适应国家\n政治、经济、社会发展的需要，遵循精简、统一、高效的\n原则。\n\n  第三条国务院根据国民经济和社会发展的需要，适应社会主\n义市场经济体制的要求，适时调整国务院行政机构；但是\n，在一届政府任期内，国务院组成部门应当保持相对稳定\n。\n";
    let p = parse(text);
    let arts = p.tree.articles();
    assert_eq!(arts.len(), 3);
    assert_eq!(
        arts[0].children.iter().map(|k| k.text.as_str()).collect::<Vec<_>>(),
        ["为了规范国务院行政机构的设置，加强编制管理，提高行政效率，根据宪法和国务院组织法，制定本条例。"]
    );
    assert_eq!(arts[2].children.len(), 1);
    assert!(arts[2].children[0].text.ends_with("保持相对稳定。"));
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    /// Characters of ordinary legislative prose, without those of labels (第, 条, 章, numerals).
    const PROSE: &str = "规定管理单位应当依法组织实施本市人民政府部门负责工作建设服务保护监督检查责任义务权利公民法人其他组织活动";

    fn clause() -> impl Strategy<Value = String> {
        proptest::collection::vec(0..PROSE.chars().count(), 3..9).prop_map(|idx| {
            let chars: Vec<char> = PROSE.chars().collect();
            idx.into_iter().map(|i| chars[i]).collect()
        })
    }

    fn paragraph() -> impl Strategy<Value = String> {
        proptest::collection::vec(clause(), 4..9).prop_map(|c| format!("{}。", c.join("，")))
    }

    fn articles() -> impl Strategy<Value = Vec<Vec<String>>> {
        proptest::collection::vec(proptest::collection::vec(paragraph(), 1..3), 4..8)
    }

    fn wrap(line: &str, width: usize) -> Vec<String> {
        let chars: Vec<char> = line.chars().collect();
        chars.chunks(width).map(|c| c.iter().collect()).collect()
    }

    fn kuan_texts(p: &Parsed) -> Vec<Vec<String>> {
        p.tree
            .articles()
            .iter()
            .map(|a| a.children.iter().map(|k| k.text.clone()).collect())
            .collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]

        /// Text wrapped at any column width comes back as the paragraphs it was, with no
        /// article, paragraph or character gained or lost.
        #[test]
        fn hard_wrapped_articles_come_back_whole(arts in articles(), width in 9usize..18) {
            let mut text = String::from("某某条例\n\n");
            for (i, paras) in arts.iter().enumerate() {
                for (j, p) in paras.iter().enumerate() {
                    let line = if j == 0 {
                        format!("第{}条　{p}", numerals::to_chinese(i as u32 + 1))
                    } else {
                        p.clone()
                    };
                    for l in wrap(&line, width) {
                        text.push_str(&l);
                        text.push('\n');
                    }
                }
            }
            let p = parse(&text);
            prop_assert_eq!(kuan_texts(&p), arts, "{}", text);
        }

        /// A draft written to Word with automatic numbering reads back to the same labels and
        /// paragraphs.
        #[test]
        fn word_files_with_automatic_numbering_read_back(
            arts in articles(),
            items in proptest::collection::vec(0usize..4, 4..8),
            first in 1u32..300,
        ) {
            let mut text = String::from("某某条例\n\n第一章 总则\n\n");
            for (i, paras) in arts.iter().enumerate() {
                let n = first + i as u32;
                text.push_str(&format!("第{}条 {}\n\n", numerals::to_chinese(n), paras[0]));
                for k in 0..items[i % items.len()] {
                    text.push_str(&format!("（{}）{}；\n\n", numerals::to_chinese(k as u32 + 1), paras[0].trim_end_matches('。')));
                }
                for p in &paras[1..] {
                    text.push_str(p);
                    text.push_str("\n\n");
                }
            }
            let original = parse(&text);
            let file = crate::docx::draft_docx(&original.tree, crate::docx::Labels::Automatic)
                .to_bytes()
                .unwrap();
            let back = parse(&docx::to_text(&file).unwrap().text);
            prop_assert_eq!(back.counts, original.counts);
            let labels = |p: &Parsed| -> Vec<String> {
                let mut out = Vec::new();
                for n in &p.tree.nodes {
                    n.walk(&mut |n| out.push(format!("{}{}{}", n.label, n.title, n.text)));
                }
                out
            };
            prop_assert_eq!(labels(&back), labels(&original));
        }
    }
}

/// A law printed from a web page to PDF, as its text layer reads: the site's name and
/// breadcrumb above the title, the source address, a table of contents in two columns with dot
/// leaders and page numbers, then the text hard-wrapped at the page width.
#[test]
fn a_printed_web_page_with_a_two_column_table_of_contents() {
    let mut text = String::from("Laosheng.top\n大萌法律读本   » 2020-某某法\n\n                中华人民共和国某某法\n                       https://flk.npc.gov.cn/\n\n目录\n");
    text.push_str(
        "第一章 总则..........................1             第三章 法律责任...................3\n",
    );
    text.push_str(
        "第二章 管理..........................2             第四章 附则.......................4\n",
    );
    let body = [
        ("第一章 总则", vec!["第一条   为了规范管理活动，保障公民、法人和其他组织的合法权益，根据宪法，制定本法。", "第二条   在中华人民共和国境内从事管理活动，适用本法；法律另有规定的，依照其规定执行。"]),
        ("第二章 管理", vec!["第三条   国务院有关部门应当按照职责分工，负责全国的管理工作，并对地方人民政府进行指导。"]),
        ("第三章 法律责任", vec!["第四条   违反本法规定的，由有关部门责令改正，给予警告；情节严重的，依法追究法律责任。"]),
        ("第四章 附则", vec!["第五条   本法自公布之日起施行，国务院可以根据本法制定实施办法，报全国人大常委会备案。"]),
    ];
    for (heading, articles) in body {
        text.push_str(heading);
        text.push('\n');
        for a in articles {
            let chars: Vec<char> = a.chars().collect();
            for line in chars.chunks(22) {
                text.push_str(&line.iter().collect::<String>());
                text.push('\n');
            }
            text.push('\n');
        }
    }
    let p = parse(&text);
    assert_eq!(p.tree.title, "中华人民共和国某某法");
    assert_eq!((p.counts.zhang, p.counts.tiao), (4, 5));
    assert_eq!(
        p.tree.articles()[0].children[0].text,
        "为了规范管理活动，保障公民、法人和其他组织的合法权益，根据宪法，制定本法。"
    );
    let text = all_text(&p);
    assert!(
        !text.contains("Laosheng") && !text.contains("https") && !text.contains(".."),
        "{text}"
    );
}

#[test]
fn a_notice_between_the_title_and_the_text_is_set_aside() {
    let p = parse("某市文明行为促进条例（草案）\n\n（征求意见稿）\n\n为广泛听取社会各界意见，现向社会公开征求意见。请于2023年3月1日前通过电子邮箱或者信函提出意见。\n\n电子邮箱：fzw@example.cn\n\n第一条 为了培育和践行社会主义核心价值观，制定本条例。\n\n第二条 本条例自公布之日起施行。\n");
    assert_eq!(p.tree.title, "某市文明行为促进条例（草案）");
    assert_eq!(p.tree.note, "（征求意见稿）");
    assert_eq!(p.counts.tiao, 2);
    assert!(
        p.tree.nodes.iter().all(|n| n.kind == NodeKind::Tiao),
        "no 序言 of the notice"
    );
    assert!(
        p.warnings
            .iter()
            .any(|w| w.line == 5 && w.message.contains("第5–7行")),
        "{:?}",
        p.warnings
    );
}
