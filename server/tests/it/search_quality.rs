//! Search quality on real citizen input: 33 Chinese queries over the subjects of the 4,326
//! messages in `../shared/corpus/comments/` (not shipped with the repository: the test skips
//! with a message where it is absent; CI has it).
//!
//! The relevant messages of each query were judged by reading: for every query below, all
//! subjects containing the listed strings were read, and those that are not about the topic are
//! excluded by id. Precision and recall per query are printed; the test fails if a query falls
//! below the level recorded for it (the levels reached on 2026-11-27).

use app::search::index::{comment_document, CommentDoc, Searchable};
use std::collections::HashSet;

struct Judged {
    query: &'static str,
    /// A subject is relevant if it contains all strings of one of these groups…
    any_of: &'static [&'static [&'static str]],
    /// …and contains none of these (NOT queries)…
    none_of: &'static [&'static str],
    /// …unless judged irrelevant on reading.
    excluded: &'static [&'static str],
    min_precision: f64,
    min_recall: f64,
}

const fn j(query: &'static str, any_of: &'static [&'static [&'static str]]) -> Judged {
    Judged {
        query,
        any_of,
        none_of: &[],
        excluded: &[],
        min_precision: 0.9,
        min_recall: 0.9,
    }
}

const JUDGED: &[Judged] = &[
    j("补偿", &[&["补偿"]]),
    j("养老", &[&["养老"]]),
    j("医保", &[&["医保"]]),
    j("户口", &[&["户口"]]),
    j("学位", &[&["学位"]]),
    j("出租车", &[&["出租车"]]),
    // jieba cuts 网约车新政 so that 网约车 is not a word of it.
    Judged {
        min_recall: 0.66,
        ..j("网约车", &[&["网约车"]])
    },
    j("快递", &[&["快递"]]),
    j("摊贩", &[&["摊贩"]]),
    j("水质", &[&["水质"]]),
    j("停电", &[&["停电"]]),
    j("燃气", &[&["燃气"]]),
    j("不动产", &[&["不动产"]]),
    j("广场舞", &[&["广场舞"]]),
    j("停水", &[&["停水"]]),
    j("电梯", &[&["电梯"]]),
    j("人行道", &[&["人行道"]]),
    j("红绿灯", &[&["红绿灯"]]),
    j("公积金", &[&["公积金"]]),
    j("房产证", &[&["房产证"]]),
    j("绿化", &[&["绿化"]]),
    j("漏水", &[&["漏水"]]),
    // …and 路灯不亮 (4 of 19) likewise.
    Judged {
        min_recall: 0.78,
        ..j("路灯", &[&["路灯"]])
    },
    // Latin and digits, also typed full-width or in another case.
    j("5G", &[&["5G"]]),
    j("５Ｇ", &[&["5G"]]),
    j("etc", &[&["ETC"]]),
    // Operators.
    j("拆迁 补偿", &[&["拆迁", "补偿"]]),
    j("广场舞 OR 油烟", &[&["广场舞"], &["油烟"]]),
    j("燃气 或 停电", &[&["燃气"], &["停电"]]),
    // 新奥燃气 is cut without the word 新奥 in 3 of 4 subjects, so the exclusion misses them.
    Judged {
        none_of: &["新奥"],
        min_precision: 0.66,
        ..j("燃气 -新奥", &[&["燃气"]])
    },
    j("\"燃油补贴\"", &[&["燃油补贴"]]),
    // Where substring matching is wrong: A市民政局, A市民政职业技术学院, A市民营幼儿园 and
    // A市民办培训机构 contain 市民 but are not about citizens; segmentation avoids the first three.
    Judged {
        excluded: &["217186", "231280", "263822", "223497"],
        ..j("市民", &[&["市民"]])
    },
    // 化工: 楚江化工厂家属区 names a place; that subject is about a road, not about chemicals.
    Judged {
        excluded: &["201960"],
        min_precision: 0.66,
        ..j("化工", &[&["化工"]])
    },
];

fn corpus() -> Option<Vec<(String, String)>> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/corpus/comments/tipdm2020-c-citizen-messages-attachment3.jsonl.gz");
    let file = std::fs::File::open(&path).ok()?;
    use std::io::BufRead;
    let reader = std::io::BufReader::new(flate2::read::GzDecoder::new(file));
    Some(
        reader
            .lines()
            .map(|l| {
                let v: serde_json::Value = serde_json::from_str(&l.unwrap()).unwrap();
                (
                    v["message_id"].as_str().unwrap().to_string(),
                    v["subject"].as_str().unwrap().trim().to_string(),
                )
            })
            .collect(),
    )
}

#[test]
fn precision_and_recall_on_judged_queries() {
    if crate::support::wants_postgres() {
        // No database involved: measured once, in the SQLite run.
        return;
    }
    let Some(messages) = corpus() else {
        eprintln!(
            "SKIPPED: the comment corpus ../shared/corpus/comments/ is not here (it is not \
             shipped with the repository); CI runs this test"
        );
        return;
    };
    assert_eq!(messages.len(), 4326);
    let (schema, fields) = app::search::index::schema();
    let index = tantivy::Index::create_in_ram(schema);
    app::search::index::register_tokenizers(&index);
    let mut writer: tantivy::IndexWriter = index.writer_with_num_threads(1, 50 << 20).unwrap();
    for (id, subject) in &messages {
        let doc = CommentDoc {
            id: id.parse().unwrap(),
            reason: subject.clone(),
            ..CommentDoc::default()
        };
        writer
            .add_document(comment_document(&fields, &doc))
            .unwrap();
    }
    writer.commit().unwrap();
    let s = Searchable::new(index).unwrap();
    s.reader.reload().unwrap();
    let mut failures = Vec::new();
    let (mut sum_p, mut sum_r) = (0.0, 0.0);
    for q in JUDGED {
        let relevant: HashSet<String> = messages
            .iter()
            .filter(|(id, subject)| {
                let upper = subject.to_uppercase();
                q.any_of
                    .iter()
                    .any(|group| group.iter().all(|w| upper.contains(&w.to_uppercase())))
                    && !q.none_of.iter().any(|w| upper.contains(w))
                    && !q.excluded.contains(&id.as_str())
            })
            .map(|(id, _)| format!("c{id}"))
            .collect();
        let found: HashSet<String> = s
            .matching_keys(q.query, 10_000)
            .unwrap()
            .into_iter()
            .collect();
        let hit = found.intersection(&relevant).count() as f64;
        let precision = if found.is_empty() {
            1.0
        } else {
            hit / found.len() as f64
        };
        let recall = if relevant.is_empty() {
            1.0
        } else {
            hit / relevant.len() as f64
        };
        sum_p += precision;
        sum_r += recall;
        // What naive substring matching of the query (one word) would give, for comparison.
        let naive = if q.query.chars().all(|c| c.is_alphanumeric()) {
            let hits: Vec<&String> = messages
                .iter()
                .filter(|(_, subject)| subject.to_uppercase().contains(&q.query.to_uppercase()))
                .map(|(id, _)| id)
                .collect();
            let good = hits
                .iter()
                .filter(|id| relevant.contains(&format!("c{id}")))
                .count();
            format!(
                "  (substring: precision {:.2}, recall {:.2})",
                if hits.is_empty() {
                    1.0
                } else {
                    good as f64 / hits.len() as f64
                },
                if relevant.is_empty() {
                    1.0
                } else {
                    good as f64 / relevant.len() as f64
                }
            )
        } else {
            String::new()
        };
        println!(
            "{:<16} relevant {:>3} found {:>3} precision {:.2} recall {:.2}{naive}",
            q.query,
            relevant.len(),
            found.len(),
            precision,
            recall
        );
        if precision < q.min_precision || recall < q.min_recall {
            let missed: Vec<_> = relevant.difference(&found).take(5).collect();
            let extra: Vec<_> = found.difference(&relevant).take(5).collect();
            failures.push(format!(
                "{}: precision {precision:.2} (min {}), recall {recall:.2} (min {}); missed {missed:?}, extra {extra:?}",
                q.query, q.min_precision, q.min_recall
            ));
        }
    }
    println!(
        "mean precision {:.3}, mean recall {:.3} over {} queries",
        sum_p / JUDGED.len() as f64,
        sum_r / JUDGED.len() as f64,
        JUDGED.len()
    );
    assert!(
        failures.is_empty(),
        "below the recorded levels:\n{}",
        failures.join("\n")
    );
}
