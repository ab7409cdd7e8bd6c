//! Short form-letter campaigns (`../shared/cases/campaigns/short-form-letters.md`): copies of
//! 40–60 characters with a greeting, a line about the sender and a sign-off added and words
//! swapped, mixed into the real messages of `../shared/corpus/comments/`, are found as one
//! campaign per template and the real messages stay out (pairwise precision and recall ≥ 0.95).
//! Neither file ships with the repository: the test skips, saying so, when they are absent.

use server::bench::cluster::short_letters::{
    case_templates, mix, scores, CASE_RULES, OWN_RULES, OWN_TEMPLATES,
};

fn shared(path: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(path)
}

fn real_messages() -> Option<Vec<String>> {
    use std::io::BufRead;
    let file = std::fs::File::open(shared(
        "shared/corpus/comments/tipdm2020-c-citizen-messages-attachment3.jsonl.gz",
    ))
    .ok()?;
    let reader = std::io::BufReader::new(flate2::read::GzDecoder::new(file));
    Some(
        reader
            .lines()
            .map(|l| {
                let v: serde_json::Value = serde_json::from_str(&l.unwrap()).unwrap();
                v["detail"].as_str().unwrap().trim().to_string()
            })
            .collect(),
    )
}

#[test]
fn short_form_letters_are_one_campaign_each_among_real_messages() {
    if crate::support::wants_postgres() {
        // No database involved: measured once, in the SQLite run.
        return;
    }
    let case = case_templates(&shared("shared/cases/campaigns/short-form-letters.md"));
    let (Ok(case), Some(real)) = (case, real_messages()) else {
        eprintln!(
            "SKIPPED: ../shared/cases/campaigns/short-form-letters.md or the comment corpus \
             ../shared/corpus/comments/ is not here (neither ships with the repository)"
        );
        return;
    };
    assert_eq!(case.len(), 3, "{case:?}");
    let own: Vec<String> = OWN_TEMPLATES.iter().map(|t| t.to_string()).collect();
    let params = app::cluster::algo::Params::default();
    for (name, templates, rules, seed) in [
        ("the case's", &case, &CASE_RULES, 1u64),
        ("our own", &own, &OWN_RULES, 2),
    ] {
        let (texts, truth) = mix(real.clone(), &[(&templates[..], rules)], seed);
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        let groups = app::cluster::algo::find_campaigns(&refs, &params);
        let (precision, recall) = scores(&groups, &truth);
        assert!(
            precision >= 0.95 && recall >= 0.95,
            "{name} templates: precision {precision:.3}, recall {recall:.3}"
        );
    }
}
