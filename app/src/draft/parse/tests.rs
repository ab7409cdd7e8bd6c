use super::*;
use std::path::PathBuf;

fn parse(s: &str) -> Parsed {
    parse_text(s).expect("parses")
}

/// The shared corpus (beside the repository); tests that need it skip with a message when it is
/// absent, as in a fresh clone of the repository alone.
fn corpus_dir() -> Option<PathBuf> {
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

#[test]
fn every_manifest_row_parses_to_the_true_counts() {
    let Some(dir) = corpus_dir() else { return };
    let mut failures = Vec::new();
    let mut rows = 0;
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
            rows += 1;
            let f: Vec<&str> = row.split('\t').collect();
            let file = f[col("file")];
            let expected: Vec<u32> = cols
                .iter()
                .map(|c| f[col(c)].trim().parse().unwrap())
                .collect();
            let bytes = std::fs::read(dir.join(sub).join(file)).unwrap();
            match parse_bytes(&bytes) {
                Ok(p) => {
                    let c = p.counts;
                    let got = vec![c.bian, c.fenbian, c.zhang, c.jie, c.tiao];
                    if got != expected {
                        failures.push(format!("{file}: got {got:?}, manifest {expected:?}"));
                    }
                }
                // Documents without articles (decisions, amendment lists) still parse: they
                // have numbered points.
                Err(e) => failures.push(format!("{file}: {e}")),
            }
        }
    }
    assert!(rows >= 52, "walked {rows} manifest rows");
    assert!(
        failures.is_empty(),
        "{} of {rows} files differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
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
