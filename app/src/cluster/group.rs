//! Groups of opinions that make the same point: TF-IDF vectors over words, a graph of each
//! opinion's most similar neighbours, and average-linkage agglomeration along that graph.
//!
//! Average linkage — two groups merge when their opinions are, on average over all pairs,
//! similar enough — keeps a group to one point: a chain of pairwise similar opinions (A like B,
//! B like C) does not pull A and C together unless the whole groups are alike. With
//! L2-normalised vectors the average cosine over all pairs of two groups is the dot product of
//! their summed vectors divided by both sizes, so it is computed exactly from two sparse sums,
//! without visiting the pairs. Candidates come from the neighbour graph: only groups with some
//! pair of similar members are compared at all, which keeps a hundred thousand opinions within
//! seconds.
//!
//! Support and opposition never share a group: two groups whose members include a supporter
//! and an opponent are not merged.

use std::collections::{BinaryHeap, HashMap};

/// Sparse vector: (term id, weight), sorted by term id, L2-normalised.
pub type Vector = Vec<(u32, f32)>;

/// Which side an opinion takes, as far as groups are concerned.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Side {
    #[default]
    Neutral,
    Support,
    Oppose,
}

impl Side {
    fn bit(self) -> u8 {
        match self {
            Side::Neutral => 0,
            Side::Support => 1,
            Side::Oppose => 2,
        }
    }
}

/// The words of a vector space: ids to words, for keywords.
pub struct Vocabulary {
    pub words: Vec<String>,
    /// Per document, the share of its vector's length left once the words no other document
    /// has were dropped (1: all its words are shared). A document's similarity to another over
    /// all its words is the similarity of the vectors times both shares.
    pub kept: Vec<f32>,
}

/// How sharply rare words count: IDF to this power. A point is carried by its particular words
/// (a place, a fee, a deadline) more than by the words every opinion uses; squaring went too
/// far on the labelled real messages, 1.5 did best.
const IDF_POWER: f32 = 1.5;

/// TF-IDF vectors (sublinear term frequency, smoothed inverse document frequency to the power
/// [`IDF_POWER`], L2-normalised) of documents given as words.
pub fn vectors(docs: &[Vec<String>]) -> (Vec<Vector>, Vocabulary) {
    let mut ids: HashMap<&str, u32> = HashMap::new();
    let mut words: Vec<String> = Vec::new();
    let mut df: Vec<u32> = Vec::new();
    let mut counted: Vec<Vec<(u32, f32)>> = Vec::with_capacity(docs.len());
    for d in docs {
        let mut tf: Vec<(u32, f32)> = Vec::with_capacity(d.len());
        for word in d {
            let id = *ids.entry(word.as_str()).or_insert_with(|| {
                words.push(word.clone());
                df.push(0);
                (words.len() - 1) as u32
            });
            tf.push((id, 1.0));
        }
        tf.sort_unstable_by_key(|x| x.0);
        tf.dedup_by(|b, a| {
            if a.0 == b.0 {
                a.1 += b.1;
                true
            } else {
                false
            }
        });
        for (id, _) in &tf {
            df[*id as usize] += 1;
        }
        counted.push(tf);
    }
    let n = docs.len() as f32;
    let mut kept = Vec::with_capacity(docs.len());
    let vectors = counted
        .into_iter()
        .map(|mut v| {
            for (id, tf) in v.iter_mut() {
                let idf = ((1.0 + n) / (1.0 + df[*id as usize] as f32)).ln() + 1.0;
                *tf = (1.0 + tf.ln()) * idf.powf(IDF_POWER);
            }
            let whole = v.iter().map(|x| x.1 * x.1).sum::<f32>().sqrt();
            // A word of one opinion only links it to no other; it would only dilute the rest.
            v.retain(|(id, _)| df[*id as usize] >= 2);
            let norm = v.iter().map(|x| x.1 * x.1).sum::<f32>().sqrt();
            kept.push(if whole > 0.0 { norm / whole } else { 0.0 });
            if norm > 0.0 {
                v.iter_mut().for_each(|x| x.1 /= norm);
            }
            v
        })
        .collect();
    (vectors, Vocabulary { words, kept })
}

/// Dot product of two sorted sparse vectors.
pub fn dot(a: &[(u32, f32)], b: &[(u32, f32)]) -> f32 {
    let (mut i, mut j, mut s) = (0, 0, 0.0);
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                s += a[i].1 * b[j].1;
                i += 1;
                j += 1;
            }
        }
    }
    s
}

/// A hasher for term ids: SipHash (the standard one) resists crafted keys, which term ids from
/// our own vocabulary are not, and it was most of clustering's time.
#[derive(Default)]
pub struct TermHasher(u64);

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

pub type TermMap = HashMap<u32, f32, std::hash::BuildHasherDefault<TermHasher>>;

/// The neighbour graph: for each document, the most similar others.
pub struct Graph {
    /// Pairs (i < j) with their cosine similarity, at least `min_similarity`.
    pub edges: Vec<(u32, u32, f32)>,
    /// Per document, the highest similarity over all its words ([`Vocabulary::kept`]) to any
    /// other document seen (0: none).
    pub closest: Vec<f32>,
}

/// Terms of a document used to look for its neighbours: its heaviest.
const PROBE_TERMS: usize = 8;
/// Neighbours kept per document.
const NEIGHBOURS: usize = 30;

/// Pairs of documents with cosine similarity of at least `min_similarity`, at most
/// [`NEIGHBOURS`] per document. Candidates share one of their [`PROBE_TERMS`] heaviest terms;
/// a term that thousands of documents lean on says little about which belong together and is
/// not followed.
pub fn graph(vectors: &[Vector], kept: &[f32], min_similarity: f32) -> Graph {
    let n = vectors.len();
    let probes: Vec<Vec<u32>> = vectors
        .iter()
        .map(|v| {
            let mut t = v.clone();
            t.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            t.into_iter().take(PROBE_TERMS).map(|x| x.0).collect()
        })
        .collect();
    let mut postings: HashMap<u32, Vec<u32>, std::hash::BuildHasherDefault<TermHasher>> =
        HashMap::default();
    for (i, p) in probes.iter().enumerate() {
        for t in p {
            postings.entry(*t).or_default().push(i as u32);
        }
    }
    let cap = 2000usize.max((n as f64).sqrt() as usize * 4);
    let terms = vectors
        .iter()
        .flat_map(|v| v.last())
        .map(|x| x.0 as usize + 1)
        .max()
        .unwrap_or(0);
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(8);
    let chunk = n.div_ceil(threads).max(1);
    type Part = (Vec<(u32, u32, f32)>, Vec<f32>);
    let parts: Vec<Part> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..n)
            .step_by(chunk)
            .map(|from| {
                let (probes, postings) = (&probes, &postings);
                s.spawn(move || {
                    let to = (from + chunk).min(n);
                    let mut seen = vec![u32::MAX; n];
                    // The document's vector spread out by term, so a candidate's similarity is
                    // one lookup per term of the candidate.
                    let mut dense = vec![0f32; terms];
                    let mut edges = Vec::new();
                    let mut closest = vec![0f32; to - from];
                    let mut mine: Vec<(f32, u32)> = Vec::new();
                    for i in from..to {
                        mine.clear();
                        for (t, w) in &vectors[i] {
                            dense[*t as usize] = *w;
                        }
                        for t in &probes[i] {
                            let Some(list) = postings.get(t) else {
                                continue;
                            };
                            if list.len() > cap {
                                continue;
                            }
                            for &j in list {
                                if j as usize == i || seen[j as usize] == i as u32 {
                                    continue;
                                }
                                seen[j as usize] = i as u32;
                                let s: f32 = vectors[j as usize]
                                    .iter()
                                    .map(|(t, w)| w * dense[*t as usize])
                                    .sum();
                                let whole = s * kept[i] * kept[j as usize];
                                closest[i - from] = closest[i - from].max(whole);
                                if s >= min_similarity {
                                    mine.push((s, j));
                                }
                            }
                        }
                        for (t, _) in &vectors[i] {
                            dense[*t as usize] = 0.0;
                        }
                        mine.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
                        for &(s, j) in mine.iter().take(NEIGHBOURS) {
                            let (a, b) = if (i as u32) < j {
                                (i as u32, j)
                            } else {
                                (j, i as u32)
                            };
                            edges.push((a, b, s));
                        }
                    }
                    (edges, closest)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_default())
            .collect()
    });
    let mut edges = Vec::new();
    let mut closest = Vec::with_capacity(n);
    for (e, c) in parts {
        edges.extend(e);
        closest.extend(c);
    }
    // Each pair once (found from both ends).
    edges.sort_unstable_by_key(|e| (e.0, e.1));
    edges.dedup_by(|b, a| a.0 == b.0 && a.1 == b.1);
    // A document's similarity to a neighbour found only from the other end counts too.
    for &(a, b, s) in &edges {
        let whole = s * kept[a as usize] * kept[b as usize];
        closest[a as usize] = closest[a as usize].max(whole);
        closest[b as usize] = closest[b as usize].max(whole);
    }
    Graph { edges, closest }
}

/// One group being built: the sum of its members' vectors, its members, the sides they take,
/// and the groups it has similar members with.
struct Node {
    sum: TermMap,
    members: Vec<usize>,
    sides: u8,
    neighbours: Vec<u32>,
    /// Bumped on every merge: heap entries computed before are stale.
    stamp: u32,
}

/// Average cosine similarity of all pairs across two groups.
fn linkage(a: &Node, b: &Node) -> f32 {
    let (small, big) = if a.sum.len() <= b.sum.len() {
        (a, b)
    } else {
        (b, a)
    };
    let dot: f32 = small
        .sum
        .iter()
        .map(|(k, w)| w * big.sum.get(k).copied().unwrap_or(0.0))
        .sum();
    dot / (a.members.len() as f32 * b.members.len() as f32)
}

/// The average similarity two groups of `a` and `b` opinions need to merge: `single` for two
/// single opinions, falling towards `floor` as the groups grow. The average over many pairs is
/// a steadier sign of a shared point than one pair's similarity, and long opinions on one
/// point share their point's words but little else.
pub fn needed(single: f32, floor: f32, a: usize, b: usize) -> f32 {
    floor + (single - floor) / ((a * b) as f32).sqrt()
}

#[derive(PartialEq)]
struct Candidate {
    margin: f32,
    a: u32,
    b: u32,
    stamps: (u32, u32),
}

impl Eq for Candidate {}

impl PartialOrd for Candidate {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Candidate {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        // Highest margin first; ties: lower ids first (deterministic).
        self.margin
            .total_cmp(&other.margin)
            .then(other.a.cmp(&self.a))
            .then(other.b.cmp(&self.b))
    }
}

/// Average-linkage agglomeration along the graph's edges: repeatedly merges the two groups whose
/// average similarity most exceeds what they [`needed`], while one does, never a group with a
/// supporter into one with an opponent. Groups (indices into `vectors`, each sorted), ordered
/// by their first member; every document is in exactly one.
pub fn agglomerate(
    vectors: &[Vector],
    graph: &Graph,
    sides: &[Side],
    single: f32,
    floor: f32,
) -> Vec<Vec<usize>> {
    let floor = floor.min(single);
    let mut nodes: Vec<Node> = vectors
        .iter()
        .enumerate()
        .map(|(i, v)| Node {
            sum: v.iter().copied().collect(),
            members: vec![i],
            sides: sides.get(i).copied().unwrap_or_default().bit(),
            neighbours: Vec::new(),
            stamp: 0,
        })
        .collect();
    let mut heap: BinaryHeap<Candidate> = BinaryHeap::new();
    for &(a, b, s) in &graph.edges {
        if s < floor {
            continue;
        }
        nodes[a as usize].neighbours.push(b);
        nodes[b as usize].neighbours.push(a);
        let margin = s - single;
        if margin >= 0.0 {
            heap.push(Candidate {
                margin,
                a,
                b,
                stamps: (0, 0),
            });
        }
    }
    while let Some(c) = heap.pop() {
        if c.margin < 0.0 {
            break;
        }
        let (a, b) = (c.a as usize, c.b as usize);
        if (nodes[a].stamp, nodes[b].stamp) != c.stamps || nodes[a].members.is_empty() {
            continue;
        }
        if nodes[a].sides | nodes[b].sides == 3 {
            continue;
        }
        // Merge the smaller into the larger (fewer terms to move); the survivor keeps its id.
        let (keep, gone) = if nodes[a].sum.len() >= nodes[b].sum.len() {
            (a, b)
        } else {
            (b, a)
        };
        let taken = std::mem::replace(
            &mut nodes[gone],
            Node {
                sum: TermMap::default(),
                members: Vec::new(),
                sides: 0,
                neighbours: Vec::new(),
                stamp: u32::MAX,
            },
        );
        {
            let k = &mut nodes[keep];
            for (t, w) in taken.sum {
                *k.sum.entry(t).or_default() += w;
            }
            k.members.extend(taken.members);
            k.sides |= taken.sides;
            k.stamp += 1;
            k.neighbours.extend(taken.neighbours);
            let mut n = std::mem::take(&mut k.neighbours);
            n.sort_unstable();
            n.dedup();
            n.retain(|&x| x as usize != keep && x as usize != gone);
            k.neighbours = n;
        }
        // The merged group's candidates, computed now; the neighbours learn its new id.
        let list = nodes[keep].neighbours.clone();
        for x in list {
            let xn = &mut nodes[x as usize].neighbours;
            xn.retain(|&y| y as usize != gone);
            if !xn.contains(&(keep as u32)) {
                xn.push(keep as u32);
            }
            let (k, o) = (&nodes[keep], &nodes[x as usize]);
            if k.sides | o.sides == 3 {
                continue;
            }
            let margin = linkage(k, o) - needed(single, floor, k.members.len(), o.members.len());
            if margin >= 0.0 {
                let (lo, hi) = if keep < x as usize {
                    (keep, x as usize)
                } else {
                    (x as usize, keep)
                };
                heap.push(Candidate {
                    margin,
                    a: lo as u32,
                    b: hi as u32,
                    stamps: (nodes[lo].stamp, nodes[hi].stamp),
                });
            }
        }
    }
    let mut out: Vec<Vec<usize>> = nodes
        .into_iter()
        .filter(|n| !n.members.is_empty())
        .map(|mut n| {
            n.members.sort_unstable();
            n.members
        })
        .collect();
    out.sort_by_key(|g| g[0]);
    out
}

/// The sum of some documents' vectors, for describing a group.
pub fn centre(vectors: &[Vector], members: &[usize]) -> TermMap {
    let mut sum = TermMap::default();
    for &m in members {
        for (t, w) in &vectors[m] {
            *sum.entry(*t).or_default() += w;
        }
    }
    sum
}

/// The heaviest terms of a sum (ties: lower id).
pub fn top_terms(sum: &TermMap, k: usize) -> Vec<u32> {
    let mut t: Vec<(u32, f32)> = sum.iter().map(|(a, b)| (*a, *b)).collect();
    t.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    t.into_iter().take(k).map(|x| x.0).collect()
}

/// The member most similar to the centre (ties: the first).
pub fn closest_to(sum: &TermMap, members: &[usize], vectors: &[Vector]) -> usize {
    let mut best: Option<(f32, usize)> = None;
    for &m in members {
        let s: f32 = vectors[m]
            .iter()
            .map(|(t, w)| w * sum.get(t).copied().unwrap_or(0.0))
            .sum();
        if best.is_none_or(|(b, bm)| s > b || (s == b && m < bm)) {
            best = Some((s, m));
        }
    }
    best.map(|b| b.1).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn docs(words: &[&str]) -> Vec<Vec<String>> {
        words
            .iter()
            .map(|d| d.split(' ').map(String::from).collect())
            .collect()
    }

    #[test]
    fn groups_need_less_average_similarity_as_they_grow() {
        assert_eq!(needed(0.45, 0.15, 1, 1), 0.45);
        assert!(needed(0.45, 0.15, 2, 2) < needed(0.45, 0.15, 1, 2));
        assert!(needed(0.45, 0.15, 100, 100) > 0.15);
    }

    #[test]
    fn agglomeration_keeps_points_and_sides_apart() {
        let d = docs(&[
            "供热 温度 太低",
            "供热 温度 不够",
            "热费 太高 降低",
            "热费 价格 降低",
            "管网 漏水",
        ]);
        let (v, _) = vectors(&d);
        let g = graph(&v, &vec![1.0; v.len()], 0.1);
        let all = agglomerate(&v, &g, &[], 0.3, 0.1);
        assert!(all.contains(&vec![0, 1]), "{all:?}");
        assert!(all.contains(&vec![2, 3]), "{all:?}");
        assert!(all.contains(&vec![4]), "{all:?}");
        let sides = [
            Side::Support,
            Side::Oppose,
            Side::Neutral,
            Side::Neutral,
            Side::Neutral,
        ];
        let apart = agglomerate(&v, &g, &sides, 0.3, 0.1);
        assert!(
            apart.contains(&vec![0]) && apart.contains(&vec![1]),
            "{apart:?}"
        );
    }

    proptest! {
        #[test]
        fn linkage_is_the_average_pairwise_similarity(
            a in proptest::collection::vec(proptest::collection::vec(0u8..6, 1..5), 1..4),
            b in proptest::collection::vec(proptest::collection::vec(0u8..6, 1..5), 1..4),
        ) {
            let words = |d: &Vec<u8>| d.iter().map(|w| format!("w{w}")).collect::<Vec<_>>();
            let all: Vec<Vec<String>> = a.iter().chain(&b).map(words).collect();
            let (v, _) = vectors(&all);
            let node = |range: std::ops::Range<usize>| Node {
                sum: centre(&v, &range.clone().collect::<Vec<_>>()),
                members: range.collect(),
                sides: 0,
                neighbours: Vec::new(),
                stamp: 0,
            };
            let (na, nb) = (node(0..a.len()), node(a.len()..all.len()));
            let mut brute = 0.0;
            for i in 0..a.len() {
                for j in a.len()..all.len() {
                    brute += dot(&v[i], &v[j]);
                }
            }
            brute /= (a.len() * b.len()) as f32;
            prop_assert!((linkage(&na, &nb) - brute).abs() < 1e-4);
        }
    }
}
