//! Groups of opinions and copy-paste campaigns. Pure: texts in, groups out; no web, no database.
//! The same input gives the same output (everything is ordered by input position).
//!
//! 1. **Campaigns** ([`super::campaign`]): near-duplicate copies of one text, found among up to
//!    millions; a campaign counts once below, its copies all belong to its group.
//! 2. **Groups** ([`super::group`]): the distinct opinions, reduced to their core
//!    ([`super::frame::core`]: no greeting, self-introduction or sign-off), as TF-IDF vectors
//!    over jieba words, merged by average linkage while the opinions of two groups are alike on
//!    average; support and opposition are never merged.
//! 3. What fits no group is **其他意见** ([`Analysis::others`]); those of them unlike any other
//!    opinion (and not a campaign) are **独特意见** ([`Analysis::unique`]), shown on their own
//!    so that a minority point is not buried under a campaign.
//! 4. Each group is described by keywords, the member closest to its centre, and a **label**
//!    in its members' own words ([`super::label`]).

pub use super::campaign::{campaigns, pair_scores, signature, signatures, similarity, Signature};
pub use super::group::Side;
use super::group::{
    agglomerate, centre, closest_to, graph, top_terms, vectors, TermMap, Vector, Vocabulary,
};
use std::collections::HashMap;

/// Settings; the defaults suit opinions on one article.
#[derive(Clone, Copy, Debug)]
pub struct Params {
    /// Cosine similarity two single opinions need to be grouped.
    pub merge: f32,
    /// What the average similarity between the opinions of two groups needs, as the groups grow
    /// large ([`super::group::needed`]).
    pub merge_floor: f32,
    /// An opinion whose most similar other opinion is less similar than this is unlike any
    /// other (独特意见), unless it is part of a campaign.
    pub unique: f32,
    /// Estimated Jaccard similarity of shingle sets for two texts to be copies of one campaign.
    pub campaign_jaccard: f32,
    /// Copies needed to call a group a campaign.
    pub min_copies: usize,
}

impl Default for Params {
    fn default() -> Params {
        Params {
            merge: 0.5,
            merge_floor: 0.15,
            unique: 0.2,
            campaign_jaccard: 0.5,
            min_copies: 2,
        }
    }
}

/// Campaigns among `texts` with the settings of `params`.
pub fn find_campaigns(texts: &[&str], params: &Params) -> Vec<Vec<usize>> {
    campaigns(
        &signatures(texts),
        params.campaign_jaccard,
        params.min_copies,
    )
}

// ---------------------------------------------------------------------------------------------
// Words

/// Function words and courtesies of two or more characters: common to opinions on any topic,
/// they would only blur the clusters and fill the keywords (“关于”, “希望采纳”).
const STOP_WORDS: &[&str] = &[
    "一个", "一些", "不是", "以及", "但是", "你们", "其中", "关于", "可以", "各位", "因为", "如果",
    "对于", "就是", "已经", "希望", "并且", "我们", "或者", "所以", "采纳", "是否", "没有", "然后",
    "这个", "这些", "那个", "那些", "还是", "而且", "谢谢", "什么", "怎么", "他们", "您好", "详情",
    "电话", "有事",
];

/// Words of a text as clustering sees them: jieba words of two or more characters (single
/// characters are mostly particles), without digits-only words, [`STOP_WORDS`], and pieces of
/// addresses (`http`, `example.cn`, `a@b.cn`): they say nothing about the topic, and keywords
/// are shown in the public feedback report.
pub fn words(text: &str) -> Vec<String> {
    crate::search::tokenize::tokens(text, false)
        .into_iter()
        .map(|t| t.text.to_lowercase())
        .filter(|w| is_topic_word(w))
        .collect()
}

fn is_topic_word(w: &str) -> bool {
    w.chars().count() >= 2
        && !w.chars().all(|c| c.is_ascii_digit())
        && !w.contains(['.', '@', '/', ':'])
        && !matches!(w, "http" | "https" | "www")
        && !STOP_WORDS.contains(&w)
}

/// Words of an opinion's core as grouping sees them: the first sentence, which usually states
/// the point (details, stories and courtesies follow), counts twice.
pub fn point_words(core: &str) -> Vec<String> {
    let first_end = core
        .split_inclusive(['。', '！', '？', '!', '?', '；', ';', '\n'])
        .scan(0, |at, s| {
            *at += s.len();
            Some((*at, s))
        })
        .find(|(_, s)| s.trim().chars().count() >= 5)
        .map_or(core.len(), |(end, _)| end);
    let mut out = Vec::new();
    let mut first = Vec::new();
    for t in crate::search::tokenize::tokens(core, false) {
        let w = t.text.to_lowercase();
        if is_topic_word(&w) {
            if t.offset_to <= first_end {
                first.push(w.clone());
            }
            out.push(w);
        }
    }
    out.extend(first);
    out
}

/// [`point_words`] of many cores, on all cores of the machine.
pub fn point_words_all(cores: &[&str]) -> Vec<Vec<String>> {
    on_all_cores(cores, point_words)
}

/// Words of many texts, cut on all cores (jieba is the slow part of clustering).
pub fn words_all(texts: &[&str]) -> Vec<Vec<String>> {
    on_all_cores(texts, words)
}

fn on_all_cores(texts: &[&str], f: fn(&str) -> Vec<String>) -> Vec<Vec<String>> {
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(8);
    let chunk = texts.len().div_ceil(threads).max(1);
    std::thread::scope(|s| {
        let handles: Vec<_> = texts
            .chunks(chunk)
            .map(|part| s.spawn(move || part.iter().map(|t| f(t)).collect::<Vec<_>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_default())
            .collect()
    })
}

/// One group: members (indices into the input, copies of a campaign included), top words, the
/// member closest to the centre, and a label in the members' words.
#[derive(Clone, Debug, PartialEq)]
pub struct Cluster {
    pub members: Vec<usize>,
    pub keywords: Vec<String>,
    pub representative: usize,
    pub label: String,
}

/// What `analyse` finds.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Analysis {
    /// Groups of two or more opinions (a campaign's copies count), biggest first.
    pub clusters: Vec<Cluster>,
    pub campaigns: Vec<Vec<usize>>,
    /// Opinions in no group (其他意见), in input order.
    pub others: Vec<usize>,
    /// Of the others, those unlike any other opinion (独特意见), in input order.
    pub unique: Vec<usize>,
}

/// Keywords, representative and label of each group of `docs` (IDF taken over all `docs`), for
/// groups that did not come from `analyse` (the committee's own groups).
pub fn describe(
    texts: &[&str],
    docs: &[Vec<String>],
    groups: &[Vec<usize>],
) -> Vec<(Vec<String>, usize, String)> {
    let (vectors, vocab) = vectors(docs);
    groups
        .iter()
        .map(|g| {
            let sum = centre(&vectors, g);
            let representative = closest_to(&sum, g, &vectors);
            let keywords: Vec<String> = top_terms(&sum, 5)
                .into_iter()
                .map(|t| vocab.words[t as usize].clone())
                .collect();
            let member_vectors: Vec<&Vector> = g.iter().map(|&m| &vectors[m]).collect();
            let label = label_of(texts, g, &member_vectors, &sum, &vocab);
            (keywords, representative, label)
        })
        .collect()
}

/// The label of a group: `members` (indices into `texts`, with their vectors) are looked at
/// from the most central; a clause is close to the centre when it holds the centre's heaviest
/// words.
fn label_of(
    texts: &[&str],
    members: &[usize],
    member_vectors: &[&Vector],
    sum: &TermMap,
    vocab: &Vocabulary,
) -> String {
    let mut order: Vec<(f32, usize)> = members
        .iter()
        .zip(member_vectors)
        .map(|(&m, v)| {
            let s: f32 = v
                .iter()
                .map(|(t, w)| w * sum.get(t).copied().unwrap_or(0.0))
                .sum();
            (s, m)
        })
        .collect();
    order.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    let ordered: Vec<usize> = order.into_iter().map(|x| x.1).collect();
    let top: Vec<(&str, f32)> = top_terms(sum, 30)
        .into_iter()
        .map(|t| (vocab.words[t as usize].as_str(), sum[&t]))
        .collect();
    let closeness = |c: &str| {
        let folded = crate::search::tokenize::fold(c);
        let hits: f32 = top
            .iter()
            .filter(|(w, _)| folded.contains(w))
            .map(|x| x.1)
            .sum();
        hits / (c.chars().count() as f32).sqrt()
    };
    super::label::label(texts, &ordered, &closeness)
}

/// Campaigns first; then groups of the distinct texts (a campaign counts once), expanded back to
/// every text. `sides` (may be empty: all neutral) keeps supporters and opponents apart.
pub fn analyse(texts: &[&str], sides: &[Side], params: &Params) -> Analysis {
    let sigs = signatures(texts);
    let side = |i: usize| sides.get(i).copied().unwrap_or_default();
    // Copies of one text sent in support and in opposition are two campaigns (a group never
    // holds both sides); copies proposing wording go with the larger side.
    let mut campaigns: Vec<Vec<usize>> = campaigns(&sigs, params.campaign_jaccard, 2)
        .into_iter()
        .flat_map(|g| {
            let (mut pro, mut con): (Vec<usize>, Vec<usize>) = (Vec::new(), Vec::new());
            let mut neutral = Vec::new();
            for &m in &g {
                match side(m) {
                    Side::Support => pro.push(m),
                    Side::Oppose => con.push(m),
                    Side::Neutral => neutral.push(m),
                }
            }
            if pro.is_empty() || con.is_empty() {
                return vec![g];
            }
            if pro.len() >= con.len() {
                pro.extend(neutral);
            } else {
                con.extend(neutral);
            }
            pro.sort_unstable();
            con.sort_unstable();
            vec![pro, con]
        })
        .filter(|g| g.len() >= params.min_copies.max(2))
        .collect();
    campaigns.sort_by_key(|g| g[0]);
    // A campaign's copies fold into its first text.
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
    let cores: Vec<&str> = distinct
        .iter()
        .map(|&i| super::frame::core(texts[i]))
        .collect();
    let words = point_words_all(&cores);
    let (vectors, vocab) = vectors(&words);
    // A campaign takes the side its copies take (at most one, see above).
    let distinct_sides: Vec<Side> = distinct
        .iter()
        .map(|&i| {
            std::iter::once(i)
                .chain(copies.get(&i).into_iter().flatten().copied())
                .map(side)
                .find(|s| *s != Side::Neutral)
                .unwrap_or_default()
        })
        .collect();
    let g = graph(&vectors, &vocab.kept, params.merge_floor.min(params.unique));
    let groups = agglomerate(
        &vectors,
        &g,
        &distinct_sides,
        params.merge,
        params.merge_floor,
    );
    let mut out = Analysis {
        campaigns,
        ..Analysis::default()
    };
    for group in groups {
        let mut members: Vec<usize> = group
            .iter()
            .flat_map(|&m| {
                let i = distinct[m];
                std::iter::once(i).chain(copies.get(&i).cloned().unwrap_or_default())
            })
            .collect();
        members.sort_unstable();
        if members.len() < 2 {
            let m = group[0];
            out.others.push(distinct[m]);
            if g.closest[m] < params.unique {
                out.unique.push(distinct[m]);
            }
            continue;
        }
        let sum = centre(&vectors, &group);
        let keywords: Vec<String> = top_terms(&sum, 5)
            .into_iter()
            .map(|t| vocab.words[t as usize].clone())
            .collect();
        let member_texts: Vec<usize> = group.iter().map(|&m| distinct[m]).collect();
        let member_vectors: Vec<&Vector> = group.iter().map(|&m| &vectors[m]).collect();
        out.clusters.push(Cluster {
            label: label_of(texts, &member_texts, &member_vectors, &sum, &vocab),
            representative: distinct[closest_to(&sum, &group, &vectors)],
            keywords,
            members,
        });
    }
    out.others.sort_unstable();
    out.unique.sort_unstable();
    // Biggest first; ties in input order.
    out.clusters.sort_by(|a, b| {
        b.members
            .len()
            .cmp(&a.members.len())
            .then(a.members[0].cmp(&b.members[0]))
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn words_leave_out_particles_courtesies_and_addresses() {
        let w =
            words("希望采纳！详见 http://heating-help.example.cn 或写信 a@b.cn，供热温度太低。");
        assert!(
            w.contains(&"供热".to_string()) && w.contains(&"温度".to_string()),
            "{w:?}"
        );
        for gone in ["希望", "采纳", "http", "heating-help.example.cn", "a@b.cn"] {
            assert!(!w.contains(&gone.to_string()), "{gone} in {w:?}");
        }
    }

    #[test]
    fn the_first_sentence_counts_twice() {
        let w = point_words("供热温度太低。去年我家只有十六度");
        let count = |x: &str| w.iter().filter(|y| *y == x).count();
        assert_eq!(count("供热"), 2, "{w:?}");
        assert_eq!(count("去年"), 1, "{w:?}");
    }

    #[test]
    fn opinions_on_the_same_point_are_grouped() {
        let texts = [
            "供热温度太低，家里只有十六度，要求提高供热温度标准。",
            "室内供热温度达不到十八度，希望提高供热温度。",
            "冬季供热温度不达标，老人冻得不行，供热温度应当提高。",
            "热费收费标准太高，建议降低热费价格。",
            "热费价格上涨太快，收费标准不合理，应当降低热费。",
            "建议按照实际用热量计量收取热费，降低热费负担。",
        ];
        let a = analyse(&texts, &[], &Params::default());
        assert!(a.campaigns.is_empty());
        let of = |i: usize| a.clusters.iter().position(|c| c.members.contains(&i));
        assert!(of(0).is_some());
        assert_eq!(of(0), of(1));
        assert_eq!(of(1), of(2));
        assert!(of(3).is_some());
        assert_eq!(of(3), of(4));
        assert_ne!(of(0), of(3));
        let heat = &a.clusters[of(0).unwrap_or_default()];
        assert!(
            heat.keywords.iter().any(|k| k == "供热" || k == "温度"),
            "{:?}",
            heat.keywords
        );
        assert!(heat.members.contains(&heat.representative));
        // The label is a clause of a member, in its words.
        assert!(
            texts.iter().any(|t| t.contains(&heat.label)) && heat.label.contains("供热温度"),
            "{}",
            heat.label
        );
        assert_eq!(analyse(&texts, &[], &Params::default()), a);
    }

    #[test]
    fn a_campaign_is_one_group_with_all_its_copies() {
        let c =
            "坚决反对提高热费，热费已经很高了，普通家庭负担不起，请委员会慎重考虑群众的承受能力。";
        let mut texts: Vec<String> = (0..5).map(|i| format!("{c}{}", "！".repeat(i))).collect();
        texts.push("供热管网老化严重，经常漏水，建议加大管网改造投入。".into());
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        let a = analyse(&refs, &[], &Params::default());
        assert_eq!(a.campaigns, vec![vec![0, 1, 2, 3, 4]]);
        assert_eq!(a.clusters.len(), 1);
        assert_eq!(a.clusters[0].members, vec![0, 1, 2, 3, 4]);
        // The lone opinion on pipes is among the others, and unlike any other: 独特意见.
        assert_eq!(a.others, vec![5]);
        assert_eq!(a.unique, vec![5]);
    }

    #[test]
    fn support_and_opposition_are_never_one_group() {
        let texts = [
            "第九条规定每年公开供热成本，这条很好，应当保留。",
            "每年公开供热成本的规定很好，应当保留。",
            "每年公开供热成本没有必要，这条应当删除。",
            "第九条每年公开供热成本的规定应当删除。",
        ];
        let sides = [Side::Support, Side::Support, Side::Oppose, Side::Oppose];
        let together = analyse(&texts, &[], &Params::default());
        assert_eq!(together.clusters.len(), 1, "alike in words: {together:?}");
        let a = analyse(&texts, &sides, &Params::default());
        for c in &a.clusters {
            let has = |s: Side| c.members.iter().any(|&m| sides[m] == s);
            assert!(!(has(Side::Support) && has(Side::Oppose)), "{c:?}");
        }
    }

    fn side(n: u8) -> Side {
        match n % 3 {
            0 => Side::Neutral,
            1 => Side::Support,
            _ => Side::Oppose,
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(32))]
        #[test]
        fn every_opinion_is_placed_once_and_sides_stay_apart(
            picks in proptest::collection::vec((0usize..8, 0u8..3), 1..40)
        ) {
            const POOL: [&str; 8] = [
                "供热温度太低，要求提高供热温度。",
                "室内温度达不到十八度，应当提高供热温度。",
                "热费太高，建议降低热费。",
                "热费价格不合理，应当降低热费。",
                "您好，我是退休职工，热费太高，建议降低热费。谢谢！",
                "管网老化经常漏水，建议改造管网。",
                "同意。",
                "建议增加停热退费的规定。",
            ];
            let texts: Vec<&str> = picks.iter().map(|p| POOL[p.0]).collect();
            let sides: Vec<Side> = picks.iter().map(|p| side(p.1)).collect();
            let a = analyse(&texts, &sides, &Params::default());
            let mut seen = vec![0; texts.len()];
            for c in &a.clusters {
                prop_assert!(c.members.len() >= 2);
                prop_assert!(c.label.chars().count() <= super::super::label::MAX_CHARS);
                let has = |s: Side| c.members.iter().any(|&m| sides[m] == s);
                prop_assert!(!(has(Side::Support) && has(Side::Oppose)));
                for &m in &c.members {
                    seen[m] += 1;
                }
            }
            for &m in &a.others {
                seen[m] += 1;
            }
            prop_assert!(seen.iter().all(|&n| n == 1), "{seen:?}");
            prop_assert!(a.unique.iter().all(|u| a.others.contains(u)));
            for g in &a.campaigns {
                prop_assert!(!a.unique.iter().any(|u| g.contains(u)));
            }
        }
    }
}
