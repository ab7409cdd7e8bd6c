use super::*;
use crate::draft::parse::{parse_bytes, parse_text};
use std::collections::HashMap;

fn heating_v1() -> DraftTree {
    let bytes = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/laws/023-local-xj-changji-urban-heating-regs.md"),
    )
    .unwrap();
    let mut tree = parse_bytes(&bytes).unwrap().tree;
    assign_initial_uids(&mut tree);
    tree
}

use crate::draft::ssr::renumber;

fn article_mut(tree: &mut DraftTree, number: u32) -> &mut Node {
    fn find(nodes: &mut [Node], number: u32) -> Option<&mut Node> {
        for n in nodes {
            if n.kind == NodeKind::Tiao && n.number == Some(number) {
                return Some(n);
            }
            if let Some(f) = find(&mut n.children, number) {
                return Some(f);
            }
        }
        None
    }
    find(&mut tree.nodes, number).unwrap()
}

#[test]
fn real_law_edits_map_exactly() {
    let v1 = heating_v1();
    let mut edit = v1.clone();
    // Tag every old article with its original number so the expected mapping is known.
    let mut origin_text: HashMap<String, u32> = HashMap::new();
    for a in v1.articles() {
        origin_text.insert(a.uid.clone(), a.number.unwrap());
    }
    // 1. Insert an article after 第三条.
    let chapter_of_3 = edit
        .nodes
        .iter_mut()
        .find(|c| c.children.iter().any(|a| a.number == Some(3)))
        .unwrap();
    let pos = chapter_of_3
        .children
        .iter()
        .position(|a| a.number == Some(3))
        .unwrap();
    let mut inserted = Node::new(NodeKind::Tiao, 0);
    inserted.uid = "NEW".into();
    let mut p = Node::new(NodeKind::Kuan, 0);
    p.text = "供热单位应当公开收费标准、服务承诺和投诉电话，接受社会监督。".into();
    inserted.children.push(p);
    chapter_of_3.children.insert(pos + 1, inserted);
    // 2. Delete 第十条.
    for c in edit.nodes.iter_mut() {
        c.children
            .retain(|a| a.number != Some(10) || a.uid == "NEW");
    }
    // 3. Amend 第二十条.
    let a20 = article_mut(&mut edit, 20);
    a20.children[0].text =
        a20.children[0].text.replacen("应当", "必须", 1) + "逾期未改的，依法处理。";
    // 4. Merge the two paragraphs of the first later article that has two.
    let merged_no = v1
        .articles()
        .iter()
        .find(|a| a.number.unwrap() > 22 && a.children.len() == 2)
        .unwrap()
        .number
        .unwrap();
    let am = article_mut(&mut edit, merged_no);
    let second = am.children.remove(1);
    am.children[0].text.push_str(&second.text);
    // 5. Move a chapter: 第四章 after 第五章.
    let ch4 = edit
        .nodes
        .iter()
        .position(|c| c.kind == NodeKind::Zhang && c.number == Some(4))
        .unwrap();
    let moved = edit.nodes.remove(ch4);
    edit.nodes.insert(ch4 + 1, moved);
    // Expected: which old article each new article continues, in new order.
    let expected: Vec<Option<u32>> = edit
        .articles()
        .iter()
        .map(|a| origin_text.get(&a.uid).copied())
        .collect();
    renumber(&mut edit);
    // The new version arrives as text, like a committee's upload.
    let mut v2 = parse_text(&edit.to_markdown()).unwrap().tree;
    assert_eq!(v2.counts().tiao, 46, "one inserted, one deleted");
    let mappings = carry_identity(&v1, &mut v2, 2);

    let by_new: HashMap<String, &Mapping> = mappings
        .iter()
        .filter(|m| m.new.as_ref().is_some_and(|n| n.kind == NodeKind::Tiao))
        .map(|m| (m.new.as_ref().unwrap().label.clone(), m))
        .collect();
    for (k, art) in v2.articles().iter().enumerate() {
        let m = by_new[&art.label];
        let got = m.old.as_ref().map(|o| {
            crate::draft::parse::numerals::parse(
                o.label.trim_start_matches('第').trim_end_matches('条'),
            )
            .unwrap()
        });
        assert_eq!(
            got, expected[k],
            "{}: continues the right article",
            art.label
        );
        let want = match expected[k] {
            None => Change::New,
            Some(20) => Change::Amended,
            Some(n) if n == merged_no => Change::Amended,
            Some(n) if n == art.number.unwrap() => Change::Unchanged,
            Some(_) => Change::Renumbered,
        };
        assert_eq!(m.change, want, "{}", art.label);
        if let Some(o) = expected[k] {
            assert_eq!(art.uid, format!("art-{o}"), "identity kept");
        }
    }
    let deleted: Vec<_> = mappings
        .iter()
        .filter(|m| m.change == Change::Deleted && m.old.as_ref().unwrap().kind == NodeKind::Tiao)
        .collect();
    assert_eq!(deleted.len(), 1);
    assert_eq!(deleted[0].old.as_ref().unwrap().label, "第十条");
    // Paragraphs: the merged article's first paragraph is amended, its second merged into it.
    let merged_old = format!("art-{merged_no}");
    let para: Vec<_> = mappings
        .iter()
        .filter(|m| {
            m.old.as_ref().is_some_and(|o| {
                o.kind == NodeKind::Kuan && o.anchor.starts_with(&format!("{merged_old}-p-"))
            })
        })
        .collect();
    assert_eq!(para.len(), 2);
    assert_eq!(para[0].change, Change::Amended);
    assert_eq!(para[1].change, Change::Merged);
    assert_eq!(
        para[1].into.as_deref(),
        Some(format!("{merged_old}-p-1").as_str())
    );
    // Every other paragraph of a continued article keeps its identity unchanged.
    for m in mappings
        .iter()
        .filter(|m| m.old.as_ref().is_some_and(|o| o.kind == NodeKind::Kuan))
    {
        let o = m.old.as_ref().unwrap();
        if o.anchor.starts_with(&format!("{merged_old}-"))
            || o.anchor.starts_with("art-20-")
            || o.anchor.starts_with("art-10-")
        {
            continue;
        }
        assert!(
            matches!(m.change, Change::Unchanged),
            "{} {:?}",
            o.anchor,
            m.change
        );
        assert_eq!(m.new.as_ref().unwrap().uid, o.uid);
    }
}

#[test]
fn a_version_that_matches_nothing_is_all_new_and_deleted() {
    let v1 = heating_v1();
    let mut other = parse_text("# 另一部法规\n\n第一条 完全不同的内容，关于城市绿化管理。\n\n第二条 绿地养护由园林部门负责。\n").unwrap().tree;
    let m = carry_identity(&v1, &mut other, 2);
    assert!(m
        .iter()
        .all(|m| matches!(m.change, Change::New | Change::Deleted)));
    assert!(other.articles().iter().all(|a| a.uid.starts_with("v2:")));
}

#[test]
fn similarity_is_symmetric_and_bounded() {
    assert_eq!(dice("供热管理", "供热管理"), 1.0);
    assert_eq!(dice("供热", "绿化"), 0.0);
    let (a, b) = ("供热单位应当保障供热质量", "供热单位必须保障供热质量");
    assert!((dice(a, b) - dice(b, a)).abs() < 1e-12);
    assert!(dice(a, b) > MIN_SIMILARITY);
}

#[test]
fn identical_texts_follow_moves() {
    let old: Vec<String> = ["甲条文内容", "乙条文内容", "丙条文内容"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let new: Vec<String> = ["丙条文内容", "甲条文内容", "乙条文内容"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_eq!(align_texts(&old, &new), [Some(2), Some(0), Some(1)]);
}

#[test]
fn pins_override_the_automatic_alignment() {
    let v1 = heating_v1();
    let mut v2 = parse_text(&v1.to_markdown()).unwrap().tree;
    // Without pins everything continues itself.
    let auto = carry_identity(&v1, &mut v2.clone(), 2);
    assert!(auto
        .iter()
        .filter(|m| m.new.as_ref().is_some_and(|n| n.kind == NodeKind::Tiao))
        .all(|m| m.change == Change::Unchanged));
    // The committee says 第三条 continues old 第四条, and 第五条 is new.
    let pins = [
        Pin {
            new_anchor: "art-3".into(),
            old_uid: Some("art-4".into()),
        },
        Pin {
            new_anchor: "art-5".into(),
            old_uid: None,
        },
    ];
    let m = carry_identity_pinned(&v1, &mut v2, 2, &pins);
    let arts = v2.articles();
    assert_eq!(arts[2].uid, "art-4");
    assert_eq!(arts[4].uid, "v2:art-5");
    assert!(m
        .iter()
        .any(|m| m.change == Change::Deleted && m.old.as_ref().unwrap().uid == "art-5"));
    // Old 第三条 is free again and finds no partner with the same text, so it is deleted too.
    assert!(m
        .iter()
        .any(|m| m.change == Change::Deleted && m.old.as_ref().unwrap().uid == "art-3"));
    assert_eq!(
        arts[3].uid, "v2:art-4",
        "new 第四条 lost its partner to the pin and is new"
    );
}
