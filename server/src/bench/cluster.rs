//! `yijian bench cluster`: grouping 100,000 opinions of one article; campaign detection among
//! 1,000,000 with precision and recall against synthetic campaigns built from long real campaign
//! templates, and among the real messages with short form letters mixed in; the real messages'
//! reposts; and the grouping's quality against scikit-learn on the real messages.

use crate::bench::emit;
use crate::bench::search::load_sentences;
use crate::cli::ClusterBenchArgs;
use anyhow::{bail, Context, Result};
use app::cluster::algo::{analyse, campaigns, pair_scores, signatures, Params};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::collections::HashMap;
use std::time::Instant;

#[path = "short_letters.rs"]
pub mod short_letters;

/// Campaign templates: each `>` block of the catalogue with at least 150 letters (shorter
/// entries are signature phrases, not texts people send).
pub fn load_templates(path: &std::path::Path) -> Result<Vec<String>> {
    let text = std::fs::read_to_string(path).with_context(|| {
        format!(
            "cannot read the campaign templates {} (they live in ../shared/corpus/comments-b/)",
            path.display()
        )
    })?;
    let mut out = Vec::new();
    let mut cur = String::new();
    for line in text.lines().chain(std::iter::once("")) {
        if let Some(q) = line.strip_prefix('>') {
            if !cur.is_empty() {
                cur.push(' ');
            }
            cur.push_str(q.trim());
        } else if !cur.is_empty() {
            if cur.chars().filter(|c| c.is_alphanumeric()).count() >= 150 {
                out.push(cur.trim().to_string());
            }
            cur.clear();
        }
    }
    if out.len() < 5 {
        bail!("only {} usable templates in {}", out.len(), path.display());
    }
    Ok(out)
}

const GREETINGS: &[&str] = &[
    "",
    "Dear FCC,",
    "To the Commission:",
    "Dear Chairman Pai,",
    "Hello,",
];
const SIGN_OFFS: &[&str] = &[
    "",
    "Sincerely,",
    "Thank you.",
    "Regards,",
    "Respectfully submitted.",
];
const SUBSTITUTES: &[&str] = &[
    "really",
    "truly",
    "internet",
    "government",
    "strongly",
    "consumers",
    "rules",
    "freedom",
];

/// One copy of a template as a campaign sends it: a greeting and a sign-off may be added, up
/// to two words replaced, one word inserted, spacing and case changed.
pub fn campaign_copy(template: &str, rng: &mut StdRng) -> String {
    let mut words: Vec<String> = template.split_whitespace().map(String::from).collect();
    for _ in 0..rng.gen_range(0..=2) {
        let i = rng.gen_range(0..words.len());
        words[i] = SUBSTITUTES[rng.gen_range(0..SUBSTITUTES.len())].to_string();
    }
    if rng.gen_bool(0.5) {
        let i = rng.gen_range(0..=words.len());
        words.insert(
            i,
            SUBSTITUTES[rng.gen_range(0..SUBSTITUTES.len())].to_string(),
        );
    }
    let mut body = words.join(if rng.gen_bool(0.2) { "  " } else { " " });
    if rng.gen_bool(0.2) {
        body = body.to_uppercase();
    }
    // No signature with a name: on this platform the name is a field of its own, not part of
    // the text.
    let greeting = GREETINGS[rng.gen_range(0..GREETINGS.len())];
    let sign = SIGN_OFFS[rng.gen_range(0..SIGN_OFFS.len())];
    format!("{greeting} {body} {sign}").trim().to_string()
}

/// A unique opinion: three to five sentences of the real messages.
fn unique(rng: &mut StdRng, sentences: &[String]) -> String {
    (0..rng.gen_range(3..=5))
        .map(|_| sentences[rng.gen_range(0..sentences.len())].as_str())
        .collect()
}

pub fn run(args: ClusterBenchArgs) -> Result<()> {
    let sentences = load_sentences(&args.corpus)?;
    let templates = load_templates(&args.templates)?;
    let params = Params::default();

    // Clustering one article's opinions: one to three sentences each, as people write.
    let mut rng = StdRng::seed_from_u64(7);
    let texts: Vec<String> = (0..args.docs)
        .map(|_| {
            (0..rng.gen_range(1..=3))
                .map(|_| sentences[rng.gen_range(0..sentences.len())].as_str())
                .collect()
        })
        .collect();
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    app::search::tokenize::warm_up();
    let started = Instant::now();
    let _ = app::cluster::algo::words_all(&refs);
    emit(
        "cluster",
        "words_100k_s",
        started.elapsed().as_secs_f64(),
        "s",
    );
    let started = Instant::now();
    let a = analyse(&refs, &[], &params);
    let secs = started.elapsed().as_secs_f64();
    emit("cluster", "cluster_100k_s", secs, "s");
    emit("cluster", "cluster_docs", args.docs as f64, "docs");
    emit("cluster", "clusters", a.clusters.len() as f64, "clusters");
    emit("cluster", "other_opinions", a.others.len() as f64, "docs");
    emit("cluster", "unique_opinions", a.unique.len() as f64, "docs");
    emit(
        "cluster",
        "clusters_of_10_or_more",
        a.clusters.iter().filter(|c| c.members.len() >= 10).count() as f64,
        "clusters",
    );
    themes(&args.corpus, &refs)?;
    drop((texts, a));

    // Campaigns among a million: a fifth are copies of the templates.
    let mut rng = StdRng::seed_from_u64(11);
    let mut texts = Vec::with_capacity(args.campaign_docs);
    let mut truth: Vec<Option<u32>> = Vec::with_capacity(args.campaign_docs);
    for _ in 0..args.campaign_docs {
        if rng.gen_bool(0.2) {
            let t = rng.gen_range(0..templates.len());
            texts.push(campaign_copy(&templates[t], &mut rng));
            truth.push(Some(t as u32));
        } else {
            texts.push(unique(&mut rng, &sentences));
            truth.push(None);
        }
    }
    let started = Instant::now();
    let sigs = {
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        signatures(&refs)
    };
    let groups = campaigns(&sigs, params.campaign_jaccard, params.min_copies);
    let secs = started.elapsed().as_secs_f64();
    let (precision, recall) = pair_scores(&groups, &truth);
    // How similar copies of one template really are (estimated Jaccard of 2,000 random pairs).
    let mut by_template: HashMap<u32, Vec<usize>> = HashMap::new();
    for (i, t) in truth.iter().enumerate() {
        if let Some(t) = t {
            by_template.entry(*t).or_default().push(i);
        }
    }
    let keys: Vec<u32> = by_template.keys().copied().collect();
    let mut sims: Vec<f32> = (0..2000)
        .map(|_| {
            let g = &by_template[&keys[rng.gen_range(0..keys.len())]];
            let (a, b) = (g[rng.gen_range(0..g.len())], g[rng.gen_range(0..g.len())]);
            app::cluster::algo::similarity(&sigs[a], &sigs[b])
        })
        .collect();
    sims.sort_by(|a, b| a.total_cmp(b));
    emit(
        "cluster",
        "copy_pair_jaccard_p5",
        f64::from(sims[100]),
        "ratio",
    );
    emit(
        "cluster",
        "copy_pair_jaccard_p50",
        f64::from(sims[1000]),
        "ratio",
    );
    emit("cluster", "campaigns_1m_s", secs, "s");
    emit(
        "cluster",
        "campaign_docs",
        args.campaign_docs as f64,
        "docs",
    );
    emit(
        "cluster",
        "campaign_templates",
        templates.len() as f64,
        "templates",
    );
    emit("cluster", "campaign_precision", precision, "ratio");
    emit("cluster", "campaign_recall", recall, "ratio");
    emit("cluster", "campaign_groups", groups.len() as f64, "groups");
    real_messages(&args.corpus)?;
    short_letters(&args.corpus, &args.short_letters)?;
    quality_script();
    // Baseline: identical text after removing spaces and punctuation and folding case.
    let started = Instant::now();
    let mut exact: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, t) in texts.iter().enumerate() {
        let key: String = t
            .chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect();
        exact.entry(key).or_default().push(i);
    }
    let exact: Vec<Vec<usize>> = exact.into_values().filter(|g| g.len() > 1).collect();
    let (bp, br) = pair_scores(&exact, &truth);
    emit(
        "cluster",
        "exact_duplicates_s",
        started.elapsed().as_secs_f64(),
        "s",
    );
    emit("cluster", "exact_duplicates_precision", bp, "ratio");
    emit("cluster", "exact_duplicates_recall", br, "ratio");
    Ok(())
}

/// The real messages: which repeated messages are found. A repost is usually by the same user
/// (under a new subject), so the share of grouped pairs from one user is a floor for precision;
/// exact repeats of the text must all be found.
fn real_messages(path: &std::path::Path) -> Result<()> {
    use std::io::BufRead;
    let file = std::fs::File::open(path)?;
    let reader = std::io::BufReader::new(flate2::read::GzDecoder::new(file));
    let mut texts = Vec::new();
    let mut subjects = Vec::new();
    for line in reader.lines() {
        let v: serde_json::Value = serde_json::from_str(&line?)?;
        texts.push(v["detail"].as_str().unwrap_or("").trim().to_string());
        subjects.push(v["user_id"].as_str().unwrap_or("").trim().to_string());
    }
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    let sigs = signatures(&refs);
    let groups = campaigns(&sigs, Params::default().campaign_jaccard, 2);
    let mut ids: HashMap<&str, u32> = HashMap::new();
    let subject_label: Vec<Option<u32>> = subjects
        .iter()
        .map(|s| {
            let n = ids.len() as u32;
            Some(*ids.entry(s.as_str()).or_insert(n))
        })
        .collect();
    let (same_subject, _) = pair_scores(&groups, &subject_label);
    let mut exact: HashMap<String, u32> = HashMap::new();
    let exact_label: Vec<Option<u32>> = texts
        .iter()
        .map(|t| {
            let key: String = t.chars().filter(|c| c.is_alphanumeric()).collect();
            let n = exact.len() as u32;
            Some(*exact.entry(key).or_insert(n))
        })
        .collect();
    let (_, exact_recall) = pair_scores(&groups, &exact_label);
    emit("cluster", "real_messages", texts.len() as f64, "docs");
    emit("cluster", "real_groups", groups.len() as f64, "groups");
    emit(
        "cluster",
        "real_grouped_messages",
        groups.iter().map(Vec::len).sum::<usize>() as f64,
        "docs",
    );
    emit("cluster", "real_pairs_same_user", same_subject, "ratio");
    emit("cluster", "real_exact_repeat_recall", exact_recall, "ratio");
    Ok(())
}

/// Themes: a simulated committee confirms the themes of 600 real messages (the first-level
/// classes of the contest's taxonomy whose terms occur in a message, several when close to the
/// top), the model is trained on them, and the meter compares the machine with the committee
/// on 300 more; then the model assigns themes to the 100,000 opinions of the clustering run.
fn themes(corpus: &std::path::Path, many: &[&str]) -> Result<()> {
    use app::theme::model::{features_of, quality, Model};
    let taxonomy = corpus.with_file_name("tipdm2020-c-category-taxonomy-attachment1.tsv");
    let tsv = std::fs::read_to_string(&taxonomy)
        .with_context(|| format!("cannot read the taxonomy {}", taxonomy.display()))?;
    let mut classes: Vec<&str> = Vec::new();
    let mut terms: Vec<(&str, usize)> = Vec::new();
    for line in tsv.lines().skip(1) {
        let parts: Vec<&str> = line.split('\t').collect();
        if parts.len() < 3 {
            continue;
        }
        let c = match classes.iter().position(|x| *x == parts[0]) {
            Some(i) => i,
            None => {
                classes.push(parts[0]);
                classes.len() - 1
            }
        };
        for w in parts[2].split(|ch: char| "、，,（）()和与及/".contains(ch)) {
            if w.chars().count() >= 2 {
                terms.push((w, c));
            }
        }
    }
    let (mut texts, mut labels) = (Vec::new(), Vec::new());
    for m in real_messages_json(corpus)? {
        let text = format!(
            "{}。{}",
            m["subject"].as_str().unwrap_or(""),
            m["detail"].as_str().unwrap_or("").trim()
        );
        let mut votes = vec![0usize; classes.len()];
        for (w, c) in &terms {
            votes[*c] += text.matches(w).count();
        }
        let top = votes.iter().copied().max().unwrap_or(0);
        if top == 0 {
            continue;
        }
        labels.push(
            (0..classes.len())
                .filter(|&c| votes[c] * 2 >= top && votes[c] >= top.min(2))
                .collect::<Vec<_>>(),
        );
        texts.push(text);
    }
    // A fixed order, not the file's (messages of one period sit together).
    let mut order: Vec<usize> = (0..texts.len()).collect();
    let mut rng = StdRng::seed_from_u64(5);
    for i in (1..order.len()).rev() {
        order.swap(i, rng.gen_range(0..=i));
    }
    let (train, check) = (
        &order[..600.min(order.len())],
        &order[600.min(order.len())..],
    );
    let check = &check[..300.min(check.len())];
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    let x = features_of(&refs);
    let started = Instant::now();
    let model = Model::train(
        &train.iter().map(|&i| x[i].clone()).collect::<Vec<_>>(),
        &train.iter().map(|&i| labels[i].clone()).collect::<Vec<_>>(),
        classes.len(),
    );
    emit(
        "cluster",
        "themes_train_600_s",
        started.elapsed().as_secs_f64(),
        "s",
    );
    let q = quality(
        &check
            .iter()
            .map(|&i| (model.assign(&x[i]), labels[i].clone()))
            .collect::<Vec<_>>(),
    );
    emit("cluster", "themes", classes.len() as f64, "themes");
    emit("cluster", "themes_reviewed", q.reviewed as f64, "docs");
    emit("cluster", "themes_precision", q.precision, "ratio");
    emit("cluster", "themes_recall", q.recall, "ratio");
    emit("cluster", "themes_f1", q.f1, "ratio");
    emit("cluster", "themes_f1_low", q.f1_low, "ratio");
    emit("cluster", "themes_f1_high", q.f1_high, "ratio");
    let started = Instant::now();
    let assigned: usize = features_of(many)
        .iter()
        .map(|f| model.assign(f).len())
        .sum();
    emit(
        "cluster",
        "themes_assign_100k_s",
        started.elapsed().as_secs_f64(),
        "s",
    );
    emit("cluster", "themes_assigned", assigned as f64, "assignments");
    Ok(())
}

/// The real messages as JSON objects.
fn real_messages_json(path: &std::path::Path) -> Result<Vec<serde_json::Value>> {
    use std::io::BufRead;
    let file = std::fs::File::open(path)?;
    let reader = std::io::BufReader::new(flate2::read::GzDecoder::new(file));
    reader
        .lines()
        .map(|l| Ok(serde_json::from_str(&l?)?))
        .collect()
}

/// The real messages, read whole (their details).
fn real_texts(path: &std::path::Path) -> Result<Vec<String>> {
    use std::io::BufRead;
    let file = std::fs::File::open(path)?;
    let reader = std::io::BufReader::new(flate2::read::GzDecoder::new(file));
    let mut texts = Vec::new();
    for line in reader.lines() {
        let v: serde_json::Value = serde_json::from_str(&line?)?;
        texts.push(v["detail"].as_str().unwrap_or("").trim().to_string());
    }
    Ok(texts)
}

/// Short form letters (25–60 copies of each template) mixed into the real messages: the case's
/// templates with the case's rules, and templates of our own with other courtesies.
fn short_letters(corpus: &std::path::Path, case: &std::path::Path) -> Result<()> {
    use short_letters::{case_templates, mix, scores, CASE_RULES, OWN_RULES, OWN_TEMPLATES};
    let real = real_texts(corpus)?;
    let own: Vec<String> = OWN_TEMPLATES.iter().map(|t| t.to_string()).collect();
    let case = match case_templates(case) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("short form letters of the case skipped: {e:#}");
            Vec::new()
        }
    };
    let params = Params::default();
    for (name, sets, seed) in [
        ("short_letters_case", vec![(&case[..], &CASE_RULES)], 16u64),
        ("short_letters_own", vec![(&own[..], &OWN_RULES)], 17),
    ] {
        if sets.iter().all(|s| s.0.is_empty()) {
            continue;
        }
        let (texts, truth) = mix(real.clone(), &sets, seed);
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        let started = Instant::now();
        let groups = campaigns(&signatures(&refs), params.campaign_jaccard, 2);
        let secs = started.elapsed().as_secs_f64();
        let (precision, recall) = scores(&groups, &truth);
        let copies = truth.iter().flatten().count();
        emit("cluster", &format!("{name}_copies"), copies as f64, "docs");
        emit(
            "cluster",
            &format!("{name}_docs"),
            texts.len() as f64,
            "docs",
        );
        emit("cluster", &format!("{name}_precision"), precision, "ratio");
        emit("cluster", &format!("{name}_recall"), recall, "ratio");
        emit("cluster", &format!("{name}_s"), secs, "s");
    }
    Ok(())
}

/// Runs `server/scripts/cluster_quality.py` (our clusters against scikit-learn's, ARI and NMI)
/// when Python with scikit-learn is there; says why not otherwise.
fn quality_script() {
    let script = std::path::Path::new("server/scripts/cluster_quality.py");
    let has_sklearn = std::process::Command::new("python3")
        .args(["-c", "import sklearn"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !script.exists() || !has_sklearn {
        eprintln!(
            "cluster quality against scikit-learn skipped: needs {} (run from the repository root) and `pip install scikit-learn`",
            script.display()
        );
        return;
    }
    let Ok(exe) = std::env::current_exe() else {
        return;
    };
    match std::process::Command::new("python3")
        .arg(script)
        .arg(exe)
        .output()
    {
        Ok(o) => {
            print!("{}", String::from_utf8_lossy(&o.stdout));
            if !o.status.success() {
                eprintln!("{}", String::from_utf8_lossy(&o.stderr));
            }
        }
        Err(e) => eprintln!("cannot run {}: {e}", script.display()),
    }
}
