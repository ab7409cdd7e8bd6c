//! Copy-paste campaigns: near-duplicate texts among up to millions. Pure: texts in, groups out.
//!
//! Each text is reduced to its core ([`super::frame::core`]: no greeting, self-introduction or
//! sign-off), then to units (a Chinese character, or a run of Latin letters and digits, which is
//! one word), then to shingles of [`SHINGLE`] units. Three units are short enough that a swapped
//! word (建议 → 希望) spoils few shingles of a sixty-character paragraph, and a Chinese
//! three-character string or a three-word English phrase is specific enough that unrelated texts
//! rarely share many.
//!
//! MinHash over the shingles (one-permutation hashing with densification: one hash per shingle
//! instead of one per shingle and permutation, which is what makes a million texts a matter of
//! seconds), LSH banding to find candidates, and the estimated Jaccard similarity against a few
//! representatives of the bucket to confirm them. Confirmed pairs are joined with union-find, so
//! two copies that each changed other words are joined through the copies between them.

use std::collections::HashMap;

const BINS: usize = 128;
const BANDS: usize = 32;
const ROWS: usize = BINS / BANDS;
/// Units per shingle.
pub const SHINGLE: usize = 3;

/// A MinHash signature: per bin, the smallest 16-bit value seen (borrowed from the next filled
/// bin when empty), and how many shingles the text has.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Signature {
    bins: [u16; BINS],
    pub shingles: u32,
}

pub(crate) fn mix(mut x: u64) -> u64 {
    // splitmix64 finaliser: a fast, well-spread 64-bit hash of a 64-bit value.
    x ^= x >> 30;
    x = x.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x ^= x >> 27;
    x = x.wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// Hashes of the units of a text's core: letters and digits only, case and width folded (copies
/// differ in spaces, punctuation and case, not in these); a run of Latin letters and digits is
/// one unit, any other letter is one unit by itself.
fn units(text: &str) -> Vec<u64> {
    let mut out = Vec::new();
    let mut word: Option<u64> = None;
    for c in super::frame::core(text)
        .chars()
        .map(crate::search::tokenize::fold_char)
        .flat_map(char::to_lowercase)
    {
        if c.is_ascii_alphanumeric() {
            word = Some(mix(word.unwrap_or(0x5bd1_e995) ^ c as u64));
            continue;
        }
        // Anything else ends a word; spaces and punctuation are not units themselves.
        out.extend(word.take());
        if c.is_alphanumeric() {
            out.push(c as u64);
        }
    }
    out.extend(word);
    out
}

/// The signature of a text (one-permutation MinHash with rotation densification).
pub fn signature(text: &str) -> Signature {
    let units = units(text);
    let mut sig = [u16::MAX; BINS];
    let mut filled = [false; BINS];
    let mut add = |h: u64| {
        let bin = (h % BINS as u64) as usize;
        let v = (h >> 48) as u16;
        if !filled[bin] || v < sig[bin] {
            sig[bin] = v;
            filled[bin] = true;
        }
    };
    let shingle = |w: &[u64]| {
        let mut h = 0xcbf2_9ce4_8422_2325u64;
        for u in w {
            h = mix(h ^ u);
        }
        h
    };
    let shingles = if units.len() < SHINGLE {
        add(mix(shingle(&units)));
        1
    } else {
        for w in units.windows(SHINGLE) {
            add(shingle(w));
        }
        units.len() - SHINGLE + 1
    };
    // Empty bins borrow the next filled bin's value (with an offset, so borrowed values of two
    // texts agree exactly when the bins they came from do).
    if filled.iter().any(|f| *f) {
        for i in 0..BINS {
            if !filled[i] {
                let mut j = (i + 1) % BINS;
                let mut steps = 1u16;
                while !filled[j] {
                    j = (j + 1) % BINS;
                    steps += 1;
                }
                sig[i] = sig[j].wrapping_add(steps.wrapping_mul(0x9e37));
            }
        }
    }
    Signature {
        bins: sig,
        shingles: shingles as u32,
    }
}

/// The estimated Jaccard similarity of two texts' shingle sets.
pub fn similarity(a: &Signature, b: &Signature) -> f32 {
    a.bins.iter().zip(&b.bins).filter(|(x, y)| x == y).count() as f32 / BINS as f32
}

pub(crate) fn find(parent: &mut [u32], mut x: u32) -> u32 {
    while parent[x as usize] != x {
        parent[x as usize] = parent[parent[x as usize] as usize];
        x = parent[x as usize];
    }
    x
}

pub(crate) fn union(parent: &mut [u32], a: u32, b: u32) {
    let (ra, rb) = (find(parent, a), find(parent, b));
    if ra != rb {
        // The smaller index is the root: groups are named by their first member.
        let (lo, hi) = if ra < rb { (ra, rb) } else { (rb, ra) };
        parent[hi as usize] = lo;
    }
}

/// A hasher for keys that are well-mixed hashes already.
#[derive(Default)]
struct KeyHasher(u64);

impl std::hash::Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 ^ u64::from(*b)).wrapping_mul(0x100_0000_01b3);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// The similarity two texts need to be copies, when the shorter has `shingles` shingles:
/// `jaccard` for a paragraph, more for a sentence (two opinions quoting the same provision
/// share a phrase — “第九条每年公开供热成本的规定” — and may say opposite things about it),
/// at least 0.8 for a line.
pub fn needed(jaccard: f32, shingles: u32) -> f32 {
    const PARAGRAPH: f32 = 30.0;
    const LINE: f32 = 10.0;
    let short = ((PARAGRAPH - shingles as f32) / (PARAGRAPH - LINE)).clamp(0.0, 1.0);
    jaccard + (jaccard.max(0.8) - jaccard) * short
}

/// Groups of near-duplicate texts (indices into `signatures`, each group in input order, groups
/// ordered by their first member), with at least `min_copies` members. Copies are at least
/// [`needed`]`(jaccard, …)` similar.
pub fn campaigns(signatures: &[Signature], jaccard: f32, min_copies: usize) -> Vec<Vec<usize>> {
    let n = signatures.len();
    let mut parent: Vec<u32> = (0..n as u32).collect();
    // Each bucket keeps a few representatives: a text is compared with them (not with every
    // earlier text in the bucket) and becomes one itself if it matched none, so a heavily
    // edited copy that happened to arrive first does not keep the others apart.
    const REPS: usize = 6;
    // One band at a time keeps memory to one table of n entries. The keys are hashes already;
    // the representatives sit in the entry (no allocation per bucket).
    let mut buckets: HashMap<u64, (u8, [u32; REPS]), std::hash::BuildHasherDefault<KeyHasher>> =
        HashMap::with_capacity_and_hasher(n, Default::default());
    for band in 0..BANDS {
        buckets.clear();
        for (i, sig) in signatures.iter().enumerate() {
            let mut h = band as u64;
            for v in &sig.bins[band * ROWS..(band + 1) * ROWS] {
                h = mix(h ^ u64::from(*v));
            }
            let (count, reps) = buckets.entry(h).or_insert((0, [0; REPS]));
            let mut matched = false;
            for &r in &reps[..*count as usize] {
                if find(&mut parent, r) == find(&mut parent, i as u32) {
                    matched = true;
                    break;
                }
                let rep = &signatures[r as usize];
                if similarity(rep, sig) >= needed(jaccard, rep.shingles.min(sig.shingles)) {
                    union(&mut parent, r, i as u32);
                    matched = true;
                    break;
                }
            }
            if !matched && (*count as usize) < REPS {
                reps[*count as usize] = i as u32;
                *count += 1;
            }
        }
    }
    let mut groups: HashMap<u32, Vec<usize>> = HashMap::new();
    for i in 0..n {
        let r = find(&mut parent, i as u32);
        groups.entry(r).or_default().push(i);
    }
    let mut out: Vec<Vec<usize>> = groups
        .into_values()
        .filter(|g| g.len() >= min_copies.max(2))
        .collect();
    out.sort_by_key(|g| g[0]);
    out
}

/// Signatures of many texts on all cores.
pub fn signatures(texts: &[&str]) -> Vec<Signature> {
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(8);
    let chunk = texts.len().div_ceil(threads).max(1);
    std::thread::scope(|s| {
        let hs: Vec<_> = texts
            .chunks(chunk)
            .map(|c| s.spawn(move || c.iter().map(|t| signature(t)).collect::<Vec<_>>()))
            .collect();
        hs.into_iter()
            .flat_map(|h| h.join().unwrap_or_default())
            .collect()
    })
}

/// Campaign detection scored against true labels, pair by pair: of the pairs put together, how
/// many belong together (precision), and of those that belong together, how many were put
/// together (recall). `truth[i]` is the campaign of text i, `None` for a unique text.
pub fn pair_scores(groups: &[Vec<usize>], truth: &[Option<u32>]) -> (f64, f64) {
    let pairs = |n: u64| n * n.saturating_sub(1) / 2;
    let mut predicted = 0u64;
    let mut correct = 0u64;
    for g in groups {
        predicted += pairs(g.len() as u64);
        let mut per_label: HashMap<u32, u64> = HashMap::new();
        for &i in g {
            if let Some(l) = truth[i] {
                *per_label.entry(l).or_default() += 1;
            }
        }
        correct += per_label.values().map(|&c| pairs(c)).sum::<u64>();
    }
    let mut per_label: HashMap<u32, u64> = HashMap::new();
    for l in truth.iter().flatten() {
        *per_label.entry(*l).or_default() += 1;
    }
    let actual: u64 = per_label.values().map(|&c| pairs(c)).sum();
    let ratio = |a: u64, b: u64| if b == 0 { 1.0 } else { a as f64 / b as f64 };
    (ratio(correct, predicted), ratio(correct, actual))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn copies_with_small_edits_are_one_campaign_and_others_are_not() {
        let base = "我们坚决反对在小区门口设置医院，医院产生的医疗垃圾和噪音会严重影响居民的正常生活，请有关部门重新选址。";
        let texts = [
            base.to_string(),
            format!("尊敬的领导：{base}"),
            base.replace("坚决", "强烈"),
            base.replace('，', " ").replace('。', "！！"),
            "建议将供热期延长到四月十五日，今年春天气温偏低，老人孩子都受不了。".to_string(),
            "小区门口的道路坑洼不平，下雨天积水严重，希望尽快修缮。".to_string(),
        ];
        let sigs: Vec<Signature> = texts.iter().map(|t| signature(t)).collect();
        assert!(
            similarity(&sigs[0], &sigs[1]) > 0.9,
            "the greeting is not counted"
        );
        assert!(similarity(&sigs[0], &sigs[4]) < 0.2);
        assert_eq!(campaigns(&sigs, 0.5, 2), vec![vec![0, 1, 2, 3]]);
        // Deterministic: the same input, the same groups.
        assert_eq!(campaigns(&sigs, 0.5, 2), campaigns(&sigs, 0.5, 2));
        assert!(campaigns(&sigs, 0.5, 5).is_empty());
    }

    #[test]
    fn short_form_letters_with_frames_and_swapped_words_are_one_campaign() {
        let point = "第九条规定的供热收费标准应当每三年评估一次，建议改为每年公开成本监审结果，接受居民监督。";
        let copies = [
            format!("您好，我是一名退休职工，{point}谢谢！"),
            format!(
                "尊敬的领导：作为小区业主，{}恳请采纳。",
                point.replace("建议", "希望")
            ),
            format!(
                "各位委员好！{}以上是我的意见。",
                point.replace("应当", "应该").replace("居民", "群众")
            ),
            format!("{}——某小区居民", point.replace('，', ",").replace('。', "")),
            format!(
                "本人是个体工商户，{}",
                point.replace("规定", "条款").replace("建议", "希望")
            ),
        ];
        // Real opinions on the same article share words (供热, 收费, 公开), not the paragraph.
        let others = [
            "供热收费标准太高，建议降低热费。",
            "建议每年公开供热企业的成本，接受监督。",
            "您好，我是一名退休职工，小区供热温度太低，谢谢！",
        ];
        let sigs: Vec<Signature> = copies
            .iter()
            .map(String::as_str)
            .chain(others)
            .map(signature)
            .collect();
        assert_eq!(campaigns(&sigs, 0.5, 2), vec![vec![0, 1, 2, 3, 4]]);
    }

    #[test]
    fn english_words_are_units() {
        let a = signature("Please keep the net neutrality rules in place.");
        let b = signature("Dear FCC, Please keep the net neutrality rules in place. Sincerely,");
        let c = signature("Please repeal the net neutrality rules now.");
        assert_eq!(similarity(&a, &b), 1.0);
        assert!(similarity(&a, &c) < 0.5);
    }

    #[test]
    fn pair_scores_count_pairs() {
        let truth = vec![Some(1), Some(1), Some(1), None, Some(2), Some(2)];
        assert_eq!(
            pair_scores(&[vec![0, 1, 2], vec![4, 5]], &truth),
            (1.0, 1.0)
        );
        // Split campaign 1: one of three pairs found; a wrong pair lowers precision.
        let (p, r) = pair_scores(&[vec![0, 1], vec![3, 4, 5]], &truth);
        assert!((r - 2.0 / 4.0).abs() < 1e-9, "{r}");
        assert!((p - 2.0 / 4.0).abs() < 1e-9, "{p}");
    }

    proptest! {
        #[test]
        fn similarity_is_a_ratio_and_a_text_is_its_own_copy(a in "\\PC{0,60}", b in "\\PC{0,60}") {
            let (sa, sb) = (signature(&a), signature(&b));
            let s = similarity(&sa, &sb);
            prop_assert!((0.0..=1.0).contains(&s));
            prop_assert_eq!(s, similarity(&sb, &sa));
            prop_assert_eq!(similarity(&sa, &sa), 1.0);
        }
    }
}
