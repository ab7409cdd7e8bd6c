//! Text clusters and copy-paste campaigns. Pure: texts in, groups out; no web, no database.
//! The same input gives the same output (everything is ordered by input position).
//!
//! **Campaigns** are near-duplicates: MinHash over character 5-shingles of the normalised text
//! (one-permutation hashing with densification: one hash per shingle instead of one per
//! shingle and permutation, which is what makes a million texts a matter of seconds), LSH
//! banding to find candidates, and the estimated Jaccard similarity against the bucket's first
//! member to confirm them. Confirmed pairs are joined with union-find.
//!
//! **Clusters** group the distinct opinions (one per campaign) by topic: TF-IDF over jieba
//! words, cosine similarity; first a single pass in input order that puts each opinion into the
//! most similar cluster if its centroid is similar enough (candidates come from an inverted
//! index of the clusters' words), then agglomerative merging of clusters whose centroids are
//! similar enough, most similar pairs first.

use std::collections::HashMap;

/// Settings; the defaults suit opinions on one article.
#[derive(Clone, Copy, Debug)]
pub struct Params {
    /// Cosine similarity to a cluster's centroid needed to join it.
    pub join: f32,
    /// Cosine similarity of two centroids needed to merge their clusters.
    pub merge: f32,
    /// Estimated Jaccard similarity of shingle sets for two texts to be copies of one campaign.
    pub campaign_jaccard: f32,
    /// Copies needed to call a group a campaign.
    pub min_copies: usize,
}

impl Default for Params {
    fn default() -> Params {
        Params {
            join: 0.3,
            merge: 0.5,
            campaign_jaccard: 0.8,
            min_copies: 2,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Campaigns

const BINS: usize = 128;
const BANDS: usize = 32;
const ROWS: usize = BINS / BANDS;
const SHINGLE: usize = 5;

/// A MinHash signature: per bin, the smallest 16-bit value seen (u16::MAX when empty before
/// densification).
pub type Signature = [u16; BINS];

fn mix(mut x: u64) -> u64 {
    // splitmix64 finaliser: a fast, well-spread 64-bit hash of a 64-bit value.
    x ^= x >> 30;
    x = x.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x ^= x >> 27;
    x = x.wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// Letters and digits only, case and width folded: campaigns differ in spaces, punctuation and
/// greetings, not in these.
fn normalised(text: &str) -> Vec<char> {
    text.chars()
        .map(crate::search::tokenize::fold_char)
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// The signature of a text (one-permutation MinHash with rotation densification).
pub fn signature(text: &str) -> Signature {
    let chars = normalised(text);
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
    if chars.len() < SHINGLE {
        let mut h = 0xcbf2_9ce4_8422_2325u64;
        for c in &chars {
            h = mix(h ^ *c as u64);
        }
        add(mix(h));
    } else {
        for w in chars.windows(SHINGLE) {
            let mut h = 0xcbf2_9ce4_8422_2325u64;
            for c in w {
                h = mix(h ^ *c as u64);
            }
            add(h);
        }
    }
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
    sig
}

/// The estimated Jaccard similarity of two texts' shingle sets.
pub fn similarity(a: &Signature, b: &Signature) -> f32 {
    a.iter().zip(b).filter(|(x, y)| x == y).count() as f32 / BINS as f32
}

fn find(parent: &mut [u32], mut x: u32) -> u32 {
    while parent[x as usize] != x {
        parent[x as usize] = parent[parent[x as usize] as usize];
        x = parent[x as usize];
    }
    x
}

fn union(parent: &mut [u32], a: u32, b: u32) {
    let (ra, rb) = (find(parent, a), find(parent, b));
    if ra != rb {
        // The smaller index is the root: groups are named by their first member.
        let (lo, hi) = if ra < rb { (ra, rb) } else { (rb, ra) };
        parent[hi as usize] = lo;
    }
}

/// Groups of near-duplicate texts (indices into `signatures`, each group in input order, groups
/// ordered by their first member), with at least `min_copies` members.
pub fn campaigns(signatures: &[Signature], jaccard: f32, min_copies: usize) -> Vec<Vec<usize>> {
    let n = signatures.len();
    let mut parent: Vec<u32> = (0..n as u32).collect();
    // Each bucket keeps a few representatives: a text is compared with them (not with every
    // earlier text in the bucket) and becomes one itself if it matched none, so a heavily
    // edited copy that happened to arrive first does not keep the others apart.
    const REPS: usize = 6;
    // One band at a time keeps memory to one table of n entries.
    let mut buckets: HashMap<u64, Vec<u32>> = HashMap::with_capacity(n);
    for band in 0..BANDS {
        buckets.clear();
        for (i, sig) in signatures.iter().enumerate() {
            let mut h = band as u64;
            for v in &sig[band * ROWS..(band + 1) * ROWS] {
                h = mix(h ^ u64::from(*v));
            }
            let reps = buckets.entry(h).or_default();
            let mut matched = false;
            for &r in reps.iter() {
                if find(&mut parent, r) == find(&mut parent, i as u32) {
                    matched = true;
                    break;
                }
                if similarity(&signatures[r as usize], sig) >= jaccard {
                    union(&mut parent, r, i as u32);
                    matched = true;
                    break;
                }
            }
            if !matched && reps.len() < REPS {
                reps.push(i as u32);
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

// ---------------------------------------------------------------------------------------------
// Clusters

/// Sparse vector: (term id, weight), sorted by term id, L2-normalised.
type Vector = Vec<(u32, f32)>;

/// Function words and courtesies of two or more characters: common to opinions on any topic,
/// they would only blur the clusters and fill the keywords (“关于”, “希望采纳”).
const STOP_WORDS: &[&str] = &[
    "一个", "一些", "不是", "以及", "但是", "你们", "其中", "关于", "可以", "各位", "因为", "如果",
    "对于", "就是", "已经", "希望", "并且", "我们", "或者", "所以", "采纳", "是否", "没有", "然后",
    "这个", "这些", "那个", "那些", "还是", "而且", "谢谢", "什么", "怎么", "他们", "您好",
];

/// Words of a text as clustering sees them: jieba words of two or more characters (single
/// characters are mostly particles), without digits-only words, [`STOP_WORDS`], and pieces of
/// addresses (`http`, `example.cn`, `a@b.cn`): they say nothing about the topic, and keywords
/// are shown in the public feedback report.
pub fn words(text: &str) -> Vec<String> {
    crate::search::tokenize::tokens(text, false)
        .into_iter()
        .map(|t| t.text.to_lowercase())
        .filter(|w| {
            w.chars().count() >= 2
                && !w.chars().all(|c| c.is_ascii_digit())
                && !w.contains(['.', '@', '/', ':'])
                && !matches!(w.as_str(), "http" | "https" | "www")
                && !STOP_WORDS.contains(&w.as_str())
        })
        .collect()
}

/// Words of many texts, cut on all cores (jieba is the slow part of clustering).
pub fn words_all(texts: &[&str]) -> Vec<Vec<String>> {
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(8);
    let chunk = texts.len().div_ceil(threads).max(1);
    std::thread::scope(|s| {
        let handles: Vec<_> = texts
            .chunks(chunk)
            .map(|part| s.spawn(move || part.iter().map(|t| words(t)).collect::<Vec<_>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_default())
            .collect()
    })
}

/// One cluster: members (indices into the input), top words, the member closest to the centre.
#[derive(Clone, Debug, PartialEq)]
pub struct Cluster {
    pub members: Vec<usize>,
    pub keywords: Vec<String>,
    pub representative: usize,
}

struct Vocabulary {
    ids: HashMap<String, u32>,
    words: Vec<String>,
}

fn vectors(docs: &[Vec<String>], weights: &[f32]) -> (Vec<Vector>, Vocabulary) {
    let mut vocab = Vocabulary {
        ids: HashMap::new(),
        words: Vec::new(),
    };
    let mut df: Vec<f32> = Vec::new();
    let mut counted: Vec<Vec<(u32, f32)>> = Vec::with_capacity(docs.len());
    for (d, w) in docs.iter().zip(weights) {
        let mut tf: HashMap<u32, f32> = HashMap::new();
        for word in d {
            let id = match vocab.ids.get(word) {
                Some(&id) => id,
                None => {
                    let id = vocab.words.len() as u32;
                    vocab.ids.insert(word.clone(), id);
                    vocab.words.push(word.clone());
                    df.push(0.0);
                    id
                }
            };
            *tf.entry(id).or_default() += 1.0;
        }
        for id in tf.keys() {
            df[*id as usize] += w;
        }
        let mut v: Vec<(u32, f32)> = tf.into_iter().collect();
        v.sort_by_key(|x| x.0);
        counted.push(v);
    }
    let n: f32 = weights.iter().sum();
    let vectors = counted
        .into_iter()
        .map(|v| {
            let mut v: Vector = v
                .into_iter()
                .map(|(id, tf)| {
                    let idf = ((1.0 + n) / (1.0 + df[id as usize])).ln() + 1.0;
                    (id, (1.0 + tf.ln()) * idf)
                })
                .collect();
            let norm = v.iter().map(|x| x.1 * x.1).sum::<f32>().sqrt();
            if norm > 0.0 {
                v.iter_mut().for_each(|x| x.1 /= norm);
            }
            v
        })
        .collect();
    (vectors, vocab)
}

/// A hasher for term ids: SipHash (the standard one) resists crafted keys, which term ids from
/// our own vocabulary are not, and it was most of clustering's time.
#[derive(Default)]
struct TermHasher(u64);

impl std::hash::Hasher for TermHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 ^ u64::from(*b)).wrapping_mul(0x100_0000_01b3);
        }
    }
    fn write_u32(&mut self, n: u32) {
        self.0 = u64::from(n).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
}

type TermMap = HashMap<u32, f32, std::hash::BuildHasherDefault<TermHasher>>;

/// A cluster being built: summed member vectors (weighted), and members.
struct Building {
    centroid: TermMap,
    norm2: f32,
    members: Vec<usize>,
}

impl Building {
    fn cosine(&self, v: &Vector) -> f32 {
        if self.norm2 <= 0.0 {
            return 0.0;
        }
        let dot: f32 = v
            .iter()
            .map(|(id, w)| w * self.centroid.get(id).copied().unwrap_or(0.0))
            .sum();
        dot / self.norm2.sqrt()
    }

    fn add(&mut self, v: &Vector, weight: f32, member: usize) {
        for (id, w) in v {
            let e = self.centroid.entry(*id).or_default();
            let before = *e;
            *e += w * weight;
            self.norm2 += *e * *e - before * before;
        }
        self.members.push(member);
    }

    /// The member most similar to the centre (ties: the first); 0 for no members.
    fn closest(&self, members: &[usize], vectors: &[Vector]) -> usize {
        members
            .iter()
            .copied()
            .map(|m| (self.cosine(&vectors[m]), m))
            .fold(None::<(f32, usize)>, |acc, (s, m)| match acc {
                Some((bs, bm)) if bs > s || (bs == s && bm < m) => Some((bs, bm)),
                _ => Some((s, m)),
            })
            .map(|x| x.1)
            .unwrap_or_default()
    }

    fn top_terms(&self, k: usize) -> Vec<u32> {
        let mut t: Vec<(u32, f32)> = self.centroid.iter().map(|(a, b)| (*a, *b)).collect();
        t.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        t.into_iter().take(k).map(|x| x.0).collect()
    }
}

fn top_of(v: &Vector, k: usize) -> Vec<u32> {
    let mut t = v.clone();
    t.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    t.into_iter().take(k).map(|x| x.0).collect()
}

/// Clusters documents given as words, each with a weight (the copies it stands for).
pub fn clusters(docs: &[Vec<String>], weights: &[f32], params: &Params) -> Vec<Cluster> {
    let (vectors, vocab) = vectors(docs, weights);
    let mut building: Vec<Building> = Vec::new();
    // Term → clusters indexed under it, most recent last; bounded to keep each lookup cheap.
    let mut postings: HashMap<u32, Vec<u32>> = HashMap::new();
    const POSTING_CAP: usize = 256;
    // The document that last looked at each cluster: a candidate reached through two of its
    // words is scored once.
    let mut visited: Vec<usize> = Vec::new();
    for (i, v) in vectors.iter().enumerate() {
        let top = top_of(v, 4);
        let mut best: Option<(f32, u32)> = None;
        for t in &top {
            if let Some(list) = postings.get(t) {
                for &c in list.iter().rev() {
                    if visited[c as usize] == i + 1 {
                        continue;
                    }
                    visited[c as usize] = i + 1;
                    let s = building[c as usize].cosine(v);
                    if s >= params.join && best.is_none_or(|(b, bc)| s > b || (s == b && c < bc)) {
                        best = Some((s, c));
                    }
                }
            }
        }
        let c = match best {
            Some((_, c)) => c,
            None => {
                building.push(Building {
                    centroid: TermMap::default(),
                    norm2: 0.0,
                    members: Vec::new(),
                });
                visited.push(0);
                (building.len() - 1) as u32
            }
        };
        building[c as usize].add(v, weights[i], i);
        for t in top {
            let list = postings.entry(t).or_default();
            if !list.contains(&c) {
                if list.len() >= POSTING_CAP {
                    list.remove(0);
                }
                list.push(c);
            }
        }
    }
    // Agglomerative merging of similar centroids, most similar first.
    let n = building.len();
    let tops: Vec<Vec<u32>> = building.iter().map(|b| b.top_terms(10)).collect();
    let mut by_term: HashMap<u32, Vec<u32>> = HashMap::new();
    for (c, t) in tops.iter().enumerate() {
        for term in t {
            by_term.entry(*term).or_default().push(c as u32);
        }
    }
    let centroid_vec = |b: &Building| -> Vector {
        let norm = b.norm2.sqrt().max(f32::MIN_POSITIVE);
        let mut v: Vector = b.centroid.iter().map(|(k, w)| (*k, w / norm)).collect();
        v.sort_by_key(|x| x.0);
        v
    };
    let mut pairs: Vec<(f32, u32, u32)> = Vec::new();
    let mut visited = vec![usize::MAX; n];
    for a in 0..n {
        let va = centroid_vec(&building[a]);
        for term in &tops[a] {
            let list = by_term.get(term).map(Vec::as_slice).unwrap_or(&[]);
            // A word in thousands of clusters says nothing about which belong together.
            if list.len() > 2000 {
                continue;
            }
            for &b in list {
                if b as usize <= a || visited[b as usize] == a {
                    continue;
                }
                visited[b as usize] = a;
                let s = building[b as usize].cosine(&va);
                if s >= params.merge {
                    pairs.push((s, a as u32, b));
                }
            }
        }
    }
    pairs.sort_by(|x, y| y.0.total_cmp(&x.0).then(x.1.cmp(&y.1)).then(x.2.cmp(&y.2)));
    let mut parent: Vec<u32> = (0..n as u32).collect();
    for (_, a, b) in pairs {
        union(&mut parent, a, b);
    }
    let mut merged: HashMap<u32, Building> = HashMap::new();
    for (c, b) in building.into_iter().enumerate() {
        let root = find(&mut parent, c as u32);
        match merged.get_mut(&root) {
            None => {
                merged.insert(root, b);
            }
            Some(m) => {
                for (k, w) in b.centroid {
                    let e = m.centroid.entry(k).or_default();
                    let before = *e;
                    *e += w;
                    m.norm2 += *e * *e - before * before;
                }
                m.members.extend(b.members);
            }
        }
    }
    let mut out: Vec<Cluster> = merged
        .into_values()
        .map(|mut b| {
            b.members.sort_unstable();
            let representative = b.closest(&b.members, &vectors);
            Cluster {
                keywords: b
                    .top_terms(5)
                    .into_iter()
                    .map(|t| vocab.words[t as usize].clone())
                    .collect(),
                representative,
                members: b.members,
            }
        })
        .collect();
    // Biggest first; ties in input order.
    out.sort_by(|a, b| {
        b.members
            .len()
            .cmp(&a.members.len())
            .then(a.members[0].cmp(&b.members[0]))
    });
    out
}

/// Keywords (top five TF-IDF words of the group's centre) and the member closest to the centre,
/// for groups of documents that did not come from `clusters` (the committee's own groups).
/// IDF is taken over all `docs`.
pub fn describe(docs: &[Vec<String>], groups: &[Vec<usize>]) -> Vec<(Vec<String>, usize)> {
    let weights = vec![1.0; docs.len()];
    let (vectors, vocab) = vectors(docs, &weights);
    groups
        .iter()
        .map(|g| {
            let mut b = Building {
                centroid: TermMap::default(),
                norm2: 0.0,
                members: Vec::new(),
            };
            for &m in g {
                b.add(&vectors[m], 1.0, m);
            }
            let representative = b.closest(g, &vectors);
            let keywords = b
                .top_terms(5)
                .into_iter()
                .map(|t| vocab.words[t as usize].clone())
                .collect();
            (keywords, representative)
        })
        .collect()
}

/// What `analyse` finds: clusters over every text (a campaign's copies in one cluster) and the
/// campaigns.
#[derive(Clone, Debug, PartialEq)]
pub struct Analysis {
    pub clusters: Vec<Cluster>,
    pub campaigns: Vec<Vec<usize>>,
}

/// Campaigns first; then clusters of the distinct texts (a campaign counts once, weighted by its
/// copies), expanded back to every text.
pub fn analyse(texts: &[&str], params: &Params) -> Analysis {
    let signatures: Vec<Signature> = texts.iter().map(|t| signature(t)).collect();
    let campaigns = campaigns(&signatures, params.campaign_jaccard, params.min_copies);
    let mut copy_of: Vec<Option<usize>> = vec![None; texts.len()];
    for g in &campaigns {
        for &m in &g[1..] {
            copy_of[m] = Some(g[0]);
        }
    }
    let distinct: Vec<usize> = (0..texts.len()).filter(|&i| copy_of[i].is_none()).collect();
    let mut copies: HashMap<usize, Vec<usize>> = HashMap::new();
    for (i, c) in copy_of.iter().enumerate() {
        if let Some(first) = c {
            copies.entry(*first).or_default().push(i);
        }
    }
    let distinct_texts: Vec<&str> = distinct.iter().map(|&i| texts[i]).collect();
    let words = words_all(&distinct_texts);
    let weights: Vec<f32> = distinct
        .iter()
        .map(|i| 1.0 + copies.get(i).map_or(0, Vec::len) as f32)
        .collect();
    let clusters = clusters(&words, &weights, params)
        .into_iter()
        .map(|c| {
            let mut members: Vec<usize> = c
                .members
                .iter()
                .flat_map(|&m| {
                    let i = distinct[m];
                    std::iter::once(i).chain(copies.get(&i).cloned().unwrap_or_default())
                })
                .collect();
            members.sort_unstable();
            Cluster {
                members,
                keywords: c.keywords,
                representative: distinct[c.representative],
            }
        })
        .collect();
    Analysis {
        clusters,
        campaigns,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn words_leave_out_particles_courtesies_and_addresses() {
        let w = super::words(
            "希望采纳！详见 http://heating-help.example.cn 或写信 a@b.cn，供热温度太低。",
        );
        assert!(
            w.contains(&"供热".to_string()) && w.contains(&"温度".to_string()),
            "{w:?}"
        );
        for gone in ["希望", "采纳", "http", "heating-help.example.cn", "a@b.cn"] {
            assert!(!w.contains(&gone.to_string()), "{gone} in {w:?}");
        }
    }

    use super::*;

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
        assert!(similarity(&sigs[0], &sigs[1]) > 0.8);
        assert!(similarity(&sigs[0], &sigs[4]) < 0.2);
        assert_eq!(campaigns(&sigs, 0.8, 2), vec![vec![0, 1, 2, 3]]);
        // Deterministic: the same input, the same groups.
        assert_eq!(campaigns(&sigs, 0.8, 2), campaigns(&sigs, 0.8, 2));
        assert!(campaigns(&sigs, 0.8, 5).is_empty());
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

    #[test]
    fn opinions_on_the_same_subject_cluster_together() {
        let texts = [
            "供热温度太低，家里只有十六度，要求提高供热温度标准。",
            "室内供热温度达不到十八度，希望提高供热温度。",
            "冬季供热温度不达标，老人冻得不行，供热温度应当提高。",
            "热费收费标准太高，建议降低热费价格。",
            "热费价格上涨太快，收费标准不合理，应当降低热费。",
            "建议按照实际用热量计量收取热费，降低热费负担。",
        ];
        let a = analyse(&texts, &Params::default());
        assert!(a.campaigns.is_empty());
        let of = |i: usize| {
            a.clusters
                .iter()
                .position(|c| c.members.contains(&i))
                .unwrap()
        };
        assert_eq!(of(0), of(1));
        assert_eq!(of(1), of(2));
        assert_eq!(of(3), of(4));
        assert_ne!(of(0), of(3));
        let heat = &a.clusters[of(0)];
        assert!(
            heat.keywords.iter().any(|k| k == "供热" || k == "温度"),
            "{:?}",
            heat.keywords
        );
        assert!(heat.members.contains(&heat.representative));
        assert_eq!(analyse(&texts, &Params::default()), a);
    }

    #[test]
    fn a_campaign_counts_once_in_its_cluster_but_all_copies_are_members() {
        let c =
            "坚决反对提高热费，热费已经很高了，普通家庭负担不起，请委员会慎重考虑群众的承受能力。";
        let mut texts: Vec<String> = (0..5).map(|i| format!("{c}{}", "！".repeat(i))).collect();
        texts.push("供热管网老化严重，经常漏水，建议加大管网改造投入。".into());
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        let a = analyse(&refs, &Params::default());
        assert_eq!(a.campaigns, vec![vec![0, 1, 2, 3, 4]]);
        let all: usize = a.clusters.iter().map(|c| c.members.len()).sum();
        assert_eq!(all, 6);
        assert!(a.clusters.iter().any(|c| c.members == vec![0, 1, 2, 3, 4]));
    }
}
