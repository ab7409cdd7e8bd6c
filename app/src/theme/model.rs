//! Themes across a draft, the pure part: proposing themes from all opinions, a multi-label model
//! trained on the committee's confirmed assignments, and the quality meter that compares the
//! machine's assignments with the committee's. No web, no database, no network: a model is a
//! few weights per theme, trained here and stored as numbers.
//!
//! **Features**: the jieba words of an opinion's core ([`crate::cluster::frame::core`]), hashed
//! into [`DIMS`] buckets (no vocabulary to keep in step between training and assignment),
//! log term frequency, L2-normalised.
//!
//! **Model**: one logistic regression per theme (one against the rest), fitted with
//! `linfa-logistic` (L2-regularised, L-BFGS) on the opinions the committee has reviewed. An
//! opinion carries every theme whose probability reaches [`THRESHOLD`]: several themes, or
//! none. Assignment is a sparse dot product per theme, so a hundred thousand opinions take
//! seconds.
//!
//! **Quality meter**: on the opinions the committee reviewed, precision, recall and F1 of the
//! machine's (opinion, theme) pairs against the committee's, micro-averaged, with a 95 %
//! bootstrap interval over opinions; a warning when F1 is under [`WARN_F1`] over at least
//! [`WARN_MIN_REVIEWED`] reviewed opinions.

use linfa::prelude::*;
use linfa_logistic::LogisticRegression;
use ndarray::{Array1, Array2};

/// Feature buckets.
pub const DIMS: usize = 1 << 11;
/// Probability from which an opinion carries a theme.
pub const THRESHOLD: f32 = 0.4;
/// Below this F1 the meter warns…
pub const WARN_F1: f64 = 0.75;
/// …once the committee has reviewed this many opinions.
pub const WARN_MIN_REVIEWED: usize = 30;

/// Sparse features: (bucket, weight), sorted by bucket, L2-normalised.
pub type Features = Vec<(u32, f32)>;

fn bucket(word: &str) -> u32 {
    // FNV-1a: stable across processes and versions (the std hasher is not).
    let mut h: u32 = 0x811c_9dc5;
    for b in word.as_bytes() {
        h ^= u32::from(*b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h % DIMS as u32
}

/// Features of an opinion given as its words.
pub fn features(words: &[String]) -> Features {
    let mut v: Vec<(u32, f32)> = words.iter().map(|w| (bucket(w), 1.0)).collect();
    v.sort_unstable_by_key(|x| x.0);
    v.dedup_by(|b, a| {
        if a.0 == b.0 {
            a.1 += b.1;
            true
        } else {
            false
        }
    });
    for x in v.iter_mut() {
        x.1 = 1.0 + x.1.ln();
    }
    let norm = v.iter().map(|x| x.1 * x.1).sum::<f32>().sqrt();
    if norm > 0.0 {
        v.iter_mut().for_each(|x| x.1 /= norm);
    }
    v
}

/// Features of many opinions' texts (their cores' words), on all cores of the machine.
pub fn features_of(texts: &[&str]) -> Vec<Features> {
    let cores: Vec<&str> = texts
        .iter()
        .map(|t| crate::cluster::frame::core(t))
        .collect();
    crate::cluster::algo::words_all(&cores)
        .iter()
        .map(|w| features(w))
        .collect()
}

/// One theme's classifier: weights per bucket and an intercept (None: the committee's
/// assignments had no example for one side, so nothing is learned and the theme is never
/// assigned by the machine).
#[derive(Clone, Debug, PartialEq)]
pub struct Classifier {
    pub weights: Vec<f32>,
    pub intercept: f32,
}

/// The model of a draft's themes.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Model {
    pub themes: Vec<Option<Classifier>>,
}

impl Model {
    /// Trains on reviewed opinions: `x[i]` with the themes `y[i]` (indices below `themes`) the
    /// committee confirmed for it.
    pub fn train(x: &[Features], y: &[Vec<usize>], themes: usize) -> Model {
        let n = x.len().min(y.len());
        let mut records = Array2::<f64>::zeros((n, DIMS));
        for (i, f) in x.iter().take(n).enumerate() {
            for (k, w) in f {
                records[[i, *k as usize]] = f64::from(*w);
            }
        }
        let classifiers = (0..themes)
            .map(|t| {
                let targets: Array1<bool> = y.iter().take(n).map(|l| l.contains(&t)).collect();
                let positives = targets.iter().filter(|b| **b).count();
                if positives == 0 || positives == n {
                    return None;
                }
                let data = Dataset::new(records.clone(), targets);
                let fitted = LogisticRegression::default()
                    .alpha(0.1)
                    .max_iterations(100)
                    .fit(&data)
                    .ok()?;
                // The fitted model's positive class is whichever label it sorted second.
                let sign = if fitted.labels().pos.class { 1.0 } else { -1.0 };
                Some(Classifier {
                    weights: fitted.params().iter().map(|w| (sign * w) as f32).collect(),
                    intercept: (sign * fitted.intercept()) as f32,
                })
            })
            .collect();
        Model {
            themes: classifiers,
        }
    }

    /// The probability of each theme for an opinion.
    pub fn probabilities(&self, f: &Features) -> Vec<f32> {
        self.themes
            .iter()
            .map(|c| match c {
                None => 0.0,
                Some(c) => {
                    let z: f32 = c.intercept
                        + f.iter()
                            .map(|(k, w)| w * c.weights.get(*k as usize).copied().unwrap_or(0.0))
                            .sum::<f32>();
                    1.0 / (1.0 + (-z).exp())
                }
            })
            .collect()
    }

    /// The themes the machine gives an opinion (possibly several, possibly none).
    pub fn assign(&self, f: &Features) -> Vec<usize> {
        self.probabilities(f)
            .into_iter()
            .enumerate()
            .filter(|(_, p)| *p >= THRESHOLD)
            .map(|(t, _)| t)
            .collect()
    }
}

/// The machine against the committee on the reviewed opinions.
#[derive(Clone, Debug, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct Quality {
    pub reviewed: usize,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    /// 95 % bootstrap interval of F1 (resampling the reviewed opinions).
    pub f1_low: f64,
    pub f1_high: f64,
    /// F1 under [`WARN_F1`] over at least [`WARN_MIN_REVIEWED`] reviewed opinions.
    pub warning: bool,
}

fn counts(machine: &[usize], committee: &[usize]) -> (u64, u64, u64) {
    let tp = machine.iter().filter(|t| committee.contains(t)).count() as u64;
    (
        tp,
        machine.len() as u64 - tp,
        committee.iter().filter(|t| !machine.contains(t)).count() as u64,
    )
}

fn f1_of(tp: u64, fp: u64, fne: u64) -> (f64, f64, f64) {
    let ratio = |a: u64, b: u64| if b == 0 { 1.0 } else { a as f64 / b as f64 };
    let (p, r) = (ratio(tp, tp + fp), ratio(tp, tp + fne));
    let f1 = if p + r == 0.0 {
        0.0
    } else {
        2.0 * p * r / (p + r)
    };
    (p, r, f1)
}

/// Micro-averaged precision, recall and F1 of the machine's themes against the committee's, per
/// reviewed opinion (`pairs[i]` = (machine, committee)), with a bootstrap interval (deterministic:
/// a fixed sequence of resamples).
pub fn quality(pairs: &[(Vec<usize>, Vec<usize>)]) -> Quality {
    let per: Vec<(u64, u64, u64)> = pairs.iter().map(|(m, c)| counts(m, c)).collect();
    let sum = |idx: &mut dyn Iterator<Item = usize>| {
        idx.fold((0, 0, 0), |acc, i| {
            (acc.0 + per[i].0, acc.1 + per[i].1, acc.2 + per[i].2)
        })
    };
    let (tp, fp, fne) = sum(&mut (0..per.len()));
    let (precision, recall, f1) = f1_of(tp, fp, fne);
    let (mut f1_low, mut f1_high) = (f1, f1);
    if per.len() > 1 {
        const RESAMPLES: usize = 1000;
        let mut state: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = move |n: usize| {
            // xorshift64*: a fixed, well-spread sequence.
            state ^= state >> 12;
            state ^= state << 25;
            state ^= state >> 27;
            (state.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 33) as usize % n
        };
        let mut f1s: Vec<f64> = (0..RESAMPLES)
            .map(|_| {
                let (tp, fp, fne) = sum(&mut (0..per.len()).map(|_| next(per.len())));
                f1_of(tp, fp, fne).2
            })
            .collect();
        f1s.sort_by(|a, b| a.total_cmp(b));
        f1_low = f1s[RESAMPLES * 25 / 1000];
        f1_high = f1s[RESAMPLES * 975 / 1000 - 1];
    }
    Quality {
        reviewed: pairs.len(),
        precision,
        recall,
        f1,
        f1_low,
        f1_high,
        warning: pairs.len() >= WARN_MIN_REVIEWED && f1 < WARN_F1,
    }
}

/// A theme the system proposes: a name (its two heaviest words), a description in the
/// opinions' own words, and the opinions it was found in.
#[derive(Clone, Debug, PartialEq)]
pub struct Proposal {
    pub name: String,
    pub description: String,
    pub members: Vec<usize>,
}

/// Themes proposed from all opinions of a draft: the largest groups at coarse settings (a theme
/// is broader than a point), at most `max` of them, each with at least 1 % of the opinions (and
/// at least three).
pub fn propose(texts: &[&str], max: usize) -> Vec<Proposal> {
    let params = crate::cluster::algo::Params {
        merge: 0.15,
        merge_floor: 0.05,
        ..Default::default()
    };
    let least = (texts.len() / 100).max(3);
    crate::cluster::algo::analyse(texts, &[], &params)
        .clusters
        .into_iter()
        .filter(|c| c.members.len() >= least)
        .take(max)
        .map(|c| Proposal {
            name: c
                .keywords
                .iter()
                .take(2)
                .cloned()
                .collect::<Vec<_>>()
                .join("、"),
            description: c.label,
            members: c.members,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(words: &[&str]) -> Features {
        features(&words.iter().map(|w| w.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn features_are_stable_and_normalised() {
        let a = f(&["供热", "价格", "价格"]);
        assert_eq!(a, f(&["价格", "供热", "价格"]));
        let norm: f32 = a.iter().map(|x| x.1 * x.1).sum();
        assert!((norm - 1.0).abs() < 1e-5);
        assert!(f(&[]).is_empty());
    }

    #[test]
    fn a_model_learns_several_themes_per_opinion() {
        let price = ["热价", "收费", "价格", "成本"];
        let temp = ["室温", "温度", "十八度", "不达标"];
        let pipes = ["管网", "漏水", "改造", "老旧"];
        let mut x = Vec::new();
        let mut y = Vec::new();
        for i in 0..72 {
            // Opinions on two themes are the minority, as in real consultations.
            let (words, themes): (Vec<&str>, Vec<usize>) = match i % 6 {
                0 | 3 => (price.to_vec(), vec![0]),
                1 | 4 => (temp.to_vec(), vec![1]),
                2 => (pipes.to_vec(), vec![2]),
                _ => (price.iter().chain(&temp).copied().collect(), vec![0, 1]),
            };
            let mut words = words;
            words.rotate_left(i % 3);
            words.truncate(3 + i % 2);
            x.push(f(&words));
            y.push(themes);
        }
        let m = Model::train(&x, &y, 4);
        assert!(m.themes[3].is_none(), "no example, nothing learned");
        assert_eq!(m.assign(&f(&["热价", "成本"])), vec![0]);
        assert_eq!(m.assign(&f(&["管网", "漏水"])), vec![2]);
        assert_eq!(m.assign(&f(&["热价", "收费", "室温", "温度"])), vec![0, 1]);
        let pairs: Vec<(Vec<usize>, Vec<usize>)> = x
            .iter()
            .zip(&y)
            .map(|(x, y)| (m.assign(x), y.clone()))
            .collect();
        let q = quality(&pairs);
        assert!(q.f1 > 0.9 && !q.warning, "{q:?}");
    }

    #[test]
    fn the_meter_counts_pairs_and_warns_only_with_enough_reviews() {
        let q = quality(&[(vec![0, 1], vec![0]), (vec![], vec![2])]);
        assert!((q.precision - 0.5).abs() < 1e-9 && (q.recall - 0.5).abs() < 1e-9);
        assert!(!q.warning, "two reviewed opinions are too few to warn");
        let bad: Vec<(Vec<usize>, Vec<usize>)> = (0..40).map(|i| (vec![i % 2], vec![0])).collect();
        let q = quality(&bad);
        assert!(q.warning && q.f1 < 0.75, "{q:?}");
        assert!(q.f1_low <= q.f1 && q.f1 <= q.f1_high, "{q:?}");
        let good: Vec<(Vec<usize>, Vec<usize>)> = (0..40).map(|_| (vec![0], vec![0])).collect();
        assert_eq!(quality(&good).f1, 1.0);
        assert_eq!(quality(&[]).reviewed, 0);
    }
}
