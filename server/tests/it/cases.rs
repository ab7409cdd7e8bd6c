//! Real files as they arrive (the shared cases in `../shared/cases/turn2/`, beside the
//! repository): each test runs the command its `case.md` gives and checks the right value it
//! states. A case folder that is absent (a clone of the repository alone) is skipped with a
//! message.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn yijian() -> Command {
    let mut c = Command::new(crate::support::yijian_bin());
    // The cases name their data directory; a database URL from the environment must not
    // override it.
    c.env_remove("DATABASE_URL").env("RUST_LOG", "error");
    c
}

fn case(name: &str) -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/cases/turn2")
        .join(name);
    if dir.join("case.md").exists() {
        Some(dir)
    } else {
        eprintln!("skipping: case {name} not found at {}", dir.display());
        None
    }
}

fn run_in(dir: &Path, args: &[&str]) -> Output {
    yijian().current_dir(dir).args(args).output().unwrap()
}

fn parse_json(dir: &Path, file: &str) -> serde_json::Value {
    let out = run_in(dir, &["draft", "parse", file, "--json"]);
    assert!(
        out.status.success(),
        "{file}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("one JSON object")
}

fn counts(v: &serde_json::Value) -> [u64; 5] {
    ["bian", "fenbian", "zhang", "jie", "tiao"].map(|k| v["counts"][k].as_u64().unwrap())
}

/// Every node of the tree, depth first.
fn nodes(v: &serde_json::Value) -> Vec<&serde_json::Value> {
    fn walk<'a>(n: &'a serde_json::Value, out: &mut Vec<&'a serde_json::Value>) {
        out.push(n);
        for c in n["children"].as_array().into_iter().flatten() {
            walk(c, out);
        }
    }
    let mut out = Vec::new();
    for n in v["tree"].as_array().unwrap() {
        walk(n, &mut out);
    }
    out
}

fn article<'a>(v: &'a serde_json::Value, label: &str) -> &'a serde_json::Value {
    nodes(v)
        .into_iter()
        .find(|n| n["kind"] == "tiao" && n["label"] == label)
        .unwrap_or_else(|| panic!("{label} missing"))
}

/// (款 count, 项 count) of an article.
fn shape(a: &serde_json::Value) -> (usize, usize) {
    let kuan = a["children"].as_array().unwrap();
    let xiang = kuan
        .iter()
        .flat_map(|k| k["children"].as_array().into_iter().flatten())
        .filter(|n| n["kind"] == "xiang")
        .count();
    (kuan.len(), xiang)
}

fn all_text(v: &serde_json::Value) -> String {
    let mut out = format!("{}\n{}\n", v["title"], v["note"]);
    for n in nodes(v) {
        for k in ["label", "title", "text"] {
            if let Some(s) = n[k].as_str() {
                out.push_str(s);
                out.push('\n');
            }
        }
    }
    out
}

fn warnings(v: &serde_json::Value) -> Vec<String> {
    v["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["message"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn case_01_setext_markdown_with_a_link_above_the_title() {
    let Some(dir) = case("01-setext-md-noise-law") else {
        return;
    };
    let v = parse_json(&dir, "draft.md");
    assert_eq!(v["title"], "中华人民共和国噪声污染防治法");
    assert_eq!(
        v["note"],
        "（2021年12月24日第十三届全国人民代表大会常务委员会第三十二次会议通过）"
    );
    assert_eq!(counts(&v), [0, 0, 2, 0, 6]);
    assert_eq!(shape(article(&v, "第二条")), (2, 0));
    assert_eq!(shape(article(&v, "第三条")), (2, 0));
    assert_eq!(shape(article(&v, "第八十八条")), (1, 4));
    let text = all_text(&v);
    assert!(
        !text.contains("[大萌法律读本2]") && !text.contains("大萌"),
        "{text}"
    );
    assert!(
        nodes(&v).iter().all(|n| {
            ["label", "title", "text"].iter().all(|k| {
                n[*k]
                    .as_str()
                    .is_none_or(|s| s.is_empty() || !s.chars().all(|c| c == '-'))
            }) && !n["title"].as_str().unwrap_or("").contains("---")
        }),
        "{text}"
    );
    assert!(nodes(&v).iter().all(|n| n["kind"] != "preamble"));
    let w = warnings(&v);
    assert_eq!(w, ["条文编号不连续：第三条之后是第八十八条"], "{w:?}");
}

#[test]
fn case_03_bold_labels_next_to_chinese_punctuation() {
    let Some(dir) = case("03-cjk-bold-labels-md") else {
        return;
    };
    let v = parse_json(&dir, "draft.md");
    assert_eq!(
        v["title"],
        "昌吉回族自治州城镇供热条例（修订草案征求意见稿）"
    );
    assert_eq!(counts(&v), [0, 0, 2, 0, 4]);
    for label in ["第一条", "第二条", "第三条"] {
        article(&v, label);
    }
    let four = article(&v, "第四条");
    assert_eq!(shape(four), (1, 4));
    let items: Vec<_> = four["children"][0]["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["label"].as_str().unwrap())
        .collect();
    assert_eq!(items, ["（一）", "（二）", "（三）", "（四）"]);
    assert!(!all_text(&v).contains('*'));
    assert!(warnings(&v).is_empty(), "{:?}", warnings(&v));
}

#[test]
fn case_05_the_publication_notice_is_not_part_of_the_draft() {
    let Some(dir) = case("05-notice-wrapped-draft") else {
        return;
    };
    let v = parse_json(&dir, "draft.txt");
    assert_eq!(v["title"], "沈阳市社会信用条例（草案）");
    let c = counts(&v);
    assert_eq!(c[4], 3);
    assert!(c[2] <= 1);
    if c[2] == 1 {
        let chapter = nodes(&v)
            .into_iter()
            .find(|n| n["kind"] == "zhang")
            .unwrap();
        assert_eq!(chapter["title"], "总则");
        assert!(
            chapter["label"].as_str().unwrap_or("").is_empty(),
            "no invented 第一章"
        );
        assert!(warnings(&v).iter().any(|w| w.contains("总则")));
    }
    assert_eq!(shape(article(&v, "第二条")).0, 2);
    assert_eq!(shape(article(&v, "第三条")).0, 2);
    // Nothing of the notice is a unit citizens could comment on.
    assert!(nodes(&v)
        .iter()
        .all(|n| n["kind"] != "point" && n["kind"] != "preamble"));
    let text = all_text(&v);
    for notice in [
        "通信地址",
        "传真",
        "征求意见的时间",
        "公告如下",
        "2022年12月5日",
    ] {
        assert!(!text.contains(notice), "{notice} in {text}");
    }
    let first = article(&v, "第一条");
    assert!(first["children"][0]["text"]
        .as_str()
        .unwrap()
        .starts_with("为了规范社会信用管理"));
    assert!(
        warnings(&v).iter().any(|w| w.contains("公告")),
        "{:?}",
        warnings(&v)
    );
}

#[test]
fn case_07_hard_wrapped_lines_join_and_no_article_comes_from_a_reference() {
    let Some(dir) = case("07-hard-wrapped-lines") else {
        return;
    };
    let a = parse_json(&dir, "a-web-wrapped.txt");
    assert_eq!(counts(&a), [0, 0, 2, 0, 6]);
    let kuan: Vec<usize> = ["第一条", "第二条", "第三条", "第四条", "第五条", "第六条"]
        .iter()
        .map(|l| shape(article(&a, l)).0)
        .collect();
    assert_eq!(kuan, [1, 1, 2, 2, 1, 3]);
    assert_eq!(
        article(&a, "第一条")["children"][0]["text"],
        "为了规范国务院行政机构的设置，加强编制管理，提高行政效率，根据宪法和国务院组织法，制定本条例。"
    );
    for n in nodes(&a).iter().filter(|n| n["kind"] == "kuan") {
        let t = n["text"].as_str().unwrap_or("");
        assert!(t != "。" && !t.starts_with('，'), "{t}");
    }
    assert!(!all_text(&a).contains("第227号"));

    let b = parse_json(&dir, "b-newspaper-column.txt");
    assert_eq!(counts(&b), [0, 0, 1, 0, 4]);
    let labels: Vec<_> = nodes(&b)
        .into_iter()
        .filter(|n| n["kind"] == "tiao")
        .map(|n| n["label"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        labels,
        ["第四十条", "第四十一条", "第四十二条", "第四十三条"]
    );
    let forty = article(&b, "第四十条");
    assert_eq!(shape(forty).0, 1);
    assert!(forty["children"][0]["text"]
        .as_str()
        .unwrap()
        .ends_with("终止特许经营协议。"));
}

fn station_dry_run(dir: &Path) -> (bool, String, String) {
    let data = std::env::temp_dir().join(format!(
        "yijian-case-{}-{}",
        std::process::id(),
        dir.file_name().unwrap().to_string_lossy()
    ));
    std::fs::create_dir_all(&data).unwrap();
    let out = run_in(
        dir,
        &[
            "station",
            "import",
            "stations.csv",
            "--dry-run",
            "--data-dir",
            data.to_str().unwrap(),
        ],
    );
    std::fs::remove_dir_all(&data).ok();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn case_09_excel_unicode_text_is_read() {
    let Some(dir) = case("09-station-utf16-unicode-text") else {
        return;
    };
    let (ok, out, err) = station_dry_run(&dir);
    assert!(ok, "{err}");
    assert!(out.contains("would create 3, update 0"), "{out}");
    assert!(!err.contains("problem"), "{err}");
}

#[test]
fn case_10_region_codes_in_scientific_notation_are_refused_with_their_rows() {
    let Some(dir) = case("10-station-gbk-csv-excel") else {
        return;
    };
    let (ok, out, err) = station_dry_run(&dir);
    assert!(!ok, "E-notation accepted: {out}");
    for line in [4, 5] {
        assert!(
            err.contains(&format!(
                "第 {line} 行：区划代码“6.52301E+11”是 Excel 的科学计数法"
            )),
            "{err}"
        );
    }
    for line in [2, 3, 6, 7] {
        assert!(!err.contains(&format!("第 {line} 行")), "{err}");
    }
    assert!(!err.contains("名称为空"), "{err}");
    assert!(err.contains("2 problem(s)"), "{err}");
}

#[test]
fn case_12_cluster_reads_jsonl_with_a_bom_crlf_and_a_blank_last_line() {
    let Some(dir) = case("12-cluster-jsonl-bom-crlf") else {
        return;
    };
    let out = run_in(&dir, &["cluster", "opinions.jsonl"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let clusters = v["clusters"].as_array().unwrap();
    let ids: Vec<&serde_json::Value> = clusters
        .iter()
        .flat_map(|c| c["ids"].as_array().unwrap())
        .collect();
    for id in [
        serde_json::json!(1),
        serde_json::json!(2),
        serde_json::json!("A-3"),
        serde_json::json!(4),
    ] {
        assert_eq!(
            ids.iter().filter(|i| ***i == id).count(),
            1,
            "{id} in {ids:?}"
        );
    }
    assert_eq!(ids.len(), 4);
    let of = |id: serde_json::Value| {
        clusters
            .iter()
            .find(|c| c["ids"].as_array().unwrap().contains(&id))
            .unwrap()
    };
    assert_eq!(of(serde_json::json!(1)), of(serde_json::json!("A-3")));
    let four = of(serde_json::json!(4));
    assert_eq!(four["ids"], serde_json::json!([4]));
    assert_eq!(four["article"], "第二十一条");
}
