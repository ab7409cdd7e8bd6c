//! Themes with a simulated committee on the real messages of `../shared/corpus/comments/`: the
//! committee's themes are the taxonomy's first-level classes whose terms occur in a message; the
//! model learns from the opinions the committee reviewed and the quality meter compares it with
//! the committee on others. The corpus does not ship with the repository: the test skips, saying
//! so, when it is absent.

fn shared(path: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/corpus/comments")
        .join(path)
}

/// (texts, the committee's themes of each, number of themes).
fn committee() -> Option<(Vec<String>, Vec<Vec<usize>>, usize)> {
    use std::io::BufRead;
    let tsv =
        std::fs::read_to_string(shared("tipdm2020-c-category-taxonomy-attachment1.tsv")).ok()?;
    let file =
        std::fs::File::open(shared("tipdm2020-c-citizen-messages-attachment3.jsonl.gz")).ok()?;
    let mut classes: Vec<String> = Vec::new();
    let mut terms: Vec<(String, usize)> = Vec::new();
    for line in tsv.lines().skip(1) {
        let parts: Vec<&str> = line.split('\t').collect();
        if parts.len() < 3 {
            continue;
        }
        let c = classes
            .iter()
            .position(|x| x == parts[0])
            .unwrap_or_else(|| {
                classes.push(parts[0].to_string());
                classes.len() - 1
            });
        for w in parts[2].split(|ch: char| "、，,（）()和与及/".contains(ch)) {
            if w.chars().count() >= 2 {
                terms.push((w.to_string(), c));
            }
        }
    }
    let (mut texts, mut labels) = (Vec::new(), Vec::new());
    for line in std::io::BufReader::new(flate2::read::GzDecoder::new(file)).lines() {
        let m: serde_json::Value = serde_json::from_str(&line.unwrap()).unwrap();
        let text = format!(
            "{}。{}",
            m["subject"].as_str().unwrap(),
            m["detail"].as_str().unwrap().trim()
        );
        let mut votes = vec![0usize; classes.len()];
        for (w, c) in &terms {
            votes[*c] += text.matches(w.as_str()).count();
        }
        let top = votes.iter().copied().max().unwrap();
        if top > 0 {
            labels.push(
                (0..classes.len())
                    .filter(|&c| votes[c] * 2 >= top && votes[c] >= top.min(2))
                    .collect(),
            );
            texts.push(text);
        }
    }
    Some((texts, labels, classes.len()))
}

#[test]
fn the_meter_warns_until_the_machine_has_learnt_from_enough_reviews() {
    use app::theme::model::{features_of, quality, Model, WARN_F1};
    if crate::support::wants_postgres() {
        // No database involved: measured once, in the SQLite run.
        return;
    }
    let Some((texts, labels, themes)) = committee() else {
        eprintln!(
            "SKIPPED: the comment corpus ../shared/corpus/comments/ is not here (it is not \
             shipped with the repository)"
        );
        return;
    };
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    let x = features_of(&refs);
    // Every seventh message is checked; the committee reviewed the first of the others.
    let check: Vec<usize> = (0..texts.len()).step_by(7).take(100).collect();
    let pool: Vec<usize> = (0..texts.len()).filter(|i| i % 7 != 0).collect();
    let meter = |reviewed: usize| {
        let train = &pool[..reviewed];
        let model = Model::train(
            &train.iter().map(|&i| x[i].clone()).collect::<Vec<_>>(),
            &train.iter().map(|&i| labels[i].clone()).collect::<Vec<_>>(),
            themes,
        );
        quality(
            &check
                .iter()
                .map(|&i| (model.assign(&x[i]), labels[i].clone()))
                .collect::<Vec<_>>(),
        )
    };
    let few = meter(30);
    assert_eq!(few.reviewed, 100);
    assert!(few.f1 < WARN_F1 && few.warning, "{few:?}");
    let more = meter(300);
    assert!(more.f1 > few.f1 + 0.15, "{few:?} {more:?}");
    assert!(
        more.f1_low <= more.f1 && more.f1 <= more.f1_high,
        "{more:?}"
    );
    assert_eq!(more.warning, more.f1 < WARN_F1);
}
