//! A group's label in its members' own words: the sentence or clause of its most central members
//! that is most like the group as a whole, at most [`MAX_CHARS`] characters — what a clerk would
//! write on the group ("建议每年公开供热成本"), not a list of keywords.
//!
//! Candidates are the sentences, clauses and pairs of adjacent clauses of each member's core
//! (courtesies left out), cleaned of leading connectives (但是, 我认为) and list markers (1、,
//! （一）). Each is scored by the caller's measure of how close its words are to the group's
//! centre, preferring clauses that state a point (建议, 应当, 反对 …) and of a readable length.

use super::frame::core;

/// The longest label, in characters.
pub const MAX_CHARS: usize = 24;

/// Central members looked at (the first ones of `members`).
const MEMBERS_LOOKED_AT: usize = 12;

/// Words that start a clause without being part of its point.
const CONNECTIVES: &[&str] = &[
    "但是",
    "可是",
    "然而",
    "而且",
    "并且",
    "同时",
    "另外",
    "此外",
    "所以",
    "因此",
    "因而",
    "总之",
    "首先",
    "其次",
    "最后",
    "再次",
    "本人认为",
    "个人认为",
    "我们认为",
    "我认为",
    "我觉得",
    "认为",
    "我建议",
    "本人建议",
    "一是",
    "二是",
    "三是",
    "四是",
    "五是",
    "还有",
    "但",
    "并",
    "且",
    "另",
];

/// Words that state what the writer wants or thinks of the text.
const POINT_WORDS: &[&str] = &[
    "建议",
    "应当",
    "应该",
    "应",
    "必须",
    "要求",
    "反对",
    "赞成",
    "支持",
    "同意",
    "不同意",
    "增加",
    "删除",
    "取消",
    "明确",
    "改为",
    "修改",
    "不得",
    "不能",
    "保留",
    "提高",
    "降低",
    "规定",
];

/// The label of a group: the best candidate from `members` (indices into `texts`, most central
/// first) by `closeness` (how close a candidate's words are to the group's centre; higher is
/// closer). Empty when no member has any text.
pub fn label(texts: &[&str], members: &[usize], closeness: &dyn Fn(&str) -> f32) -> String {
    let mut best: Option<(f32, String)> = None;
    let mut seen: Vec<String> = Vec::new();
    for &m in members.iter().take(MEMBERS_LOOKED_AT) {
        for candidate in candidates(core(texts[m])) {
            if seen.contains(&candidate) {
                continue;
            }
            let n = candidate.chars().count();
            let length = match n {
                0..=3 => 0.3,
                4..=5 => 0.6,
                6..=7 => 0.85,
                8..=20 => 1.0,
                _ => 0.9,
            };
            let point = if POINT_WORDS.iter().any(|w| candidate.contains(w)) {
                1.25
            } else {
                1.0
            };
            let score = closeness(&candidate) * length * point;
            // Ties: the shorter says it more crisply.
            if best
                .as_ref()
                .is_none_or(|(b, l)| score > *b || (score == *b && n < l.chars().count()))
            {
                best = Some((score, candidate.clone()));
            }
            seen.push(candidate);
        }
    }
    best.map(|b| b.1).unwrap_or_default()
}

/// Sentences, clauses and pairs of adjacent clauses of a text, cleaned, of 2 to [`MAX_CHARS`]
/// characters; a sentence with no clause that short gives its first [`MAX_CHARS`] characters.
pub fn candidates(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for sentence in text.split(['。', '！', '？', '!', '?', '；', ';', '\n']) {
        let sentence = clean(sentence);
        if sentence.is_empty() {
            continue;
        }
        if sentence.chars().count() <= MAX_CHARS {
            push(&mut out, sentence.to_string());
        }
        // Clauses, keeping the separator between two adjacent ones.
        let mut clauses: Vec<(&str, &str)> = Vec::new();
        let mut rest = sentence;
        while !rest.is_empty() {
            let cut = rest
                .find(['，', ',', '：', ':', '、'])
                .unwrap_or(rest.len());
            let sep_len = rest[cut..].chars().next().map_or(0, char::len_utf8);
            clauses.push((&rest[..cut], &rest[cut..cut + sep_len]));
            rest = &rest[cut + sep_len..];
        }
        if clauses.len() > 1 {
            for (k, (c, sep)) in clauses.iter().enumerate() {
                push(&mut out, clean(c).to_string());
                if let Some((next, _)) = clauses.get(k + 1) {
                    push(&mut out, clean(&format!("{c}{sep}{next}")).to_string());
                }
            }
        }
        if !out.iter().any(|c| sentence.contains(c.as_str())) {
            push(&mut out, shorten(sentence));
        }
    }
    out
}

fn push(out: &mut Vec<String>, c: String) {
    let n = c.chars().count();
    if (2..=MAX_CHARS).contains(&n) && !out.contains(&c) {
        out.push(c);
    }
}

/// Without list markers, leading connectives, quotes and surrounding punctuation.
fn clean(s: &str) -> &str {
    let mut s = s.trim();
    loop {
        let before = s;
        s = s.trim_start_matches(|c: char| {
            !c.is_alphanumeric() && !matches!(c, '(' | '（' | '“' | '《')
        });
        // List markers: 1、 1. (1) （一） 一、
        if let Some(rest) = strip_marker(s) {
            s = rest;
        }
        for c in CONNECTIVES {
            if let Some(rest) = s.strip_prefix(c) {
                if rest.chars().count() >= 4 {
                    s = rest.trim_start_matches(['，', ',', '：', ':', ' ']);
                    break;
                }
            }
        }
        if s == before {
            break;
        }
    }
    s.trim_end_matches(|c: char| !c.is_alphanumeric() && !matches!(c, '）' | ')' | '”' | '》'))
}

fn strip_marker(s: &str) -> Option<&str> {
    let t = s.trim_start_matches(['(', '（']);
    let digits = t
        .char_indices()
        .take_while(|(_, c)| {
            c.is_ascii_digit()
                || matches!(
                    c,
                    '一' | '二' | '三' | '四' | '五' | '六' | '七' | '八' | '九' | '十'
                )
        })
        .last()
        .map(|(i, c)| i + c.len_utf8())?;
    let after = &t[digits..];
    let rest = after.strip_prefix(['、', '.', '．', ')', '）'])?;
    Some(rest.trim_start())
}

/// The first [`MAX_CHARS`] characters, cut after the last clause separator if there is one in
/// the second half.
fn shorten(s: &str) -> String {
    let head: String = s.chars().take(MAX_CHARS).collect();
    match head.rfind(['，', ',', '、', '：']) {
        Some(i) if head[..i].chars().count() >= MAX_CHARS / 2 => head[..i].to_string(),
        _ => head,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn clauses_are_cleaned_and_short() {
        let c = candidates("但是，我认为第九条规定的供热收费标准应当每三年评估一次，建议改为每年公开成本监审结果。1、接受居民监督");
        assert!(
            c.contains(&"建议改为每年公开成本监审结果".to_string()),
            "{c:?}"
        );
        assert!(c.contains(&"接受居民监督".to_string()), "{c:?}");
        assert!(c.iter().all(|x| x.chars().count() <= MAX_CHARS), "{c:?}");
        assert!(
            !c.iter()
                .any(|x| x.starts_with("但是") || x.starts_with("1、")),
            "{c:?}"
        );
    }

    #[test]
    fn the_clause_closest_to_the_group_wins() {
        let texts = [
            "您好，我是退休职工，建议每年公开供热成本，接受群众监督。谢谢！",
            "建议每年公开供热成本。",
            "供热成本应当每年公开，这样大家才放心。",
        ];
        let centre = ["供热", "成本", "公开", "每年"];
        let closeness = |c: &str| centre.iter().filter(|w| c.contains(*w)).count() as f32;
        assert_eq!(
            label(&texts, &[0, 1, 2], &closeness),
            "建议每年公开供热成本"
        );
        assert_eq!(label(&texts, &[], &closeness), "");
    }

    proptest! {
        #[test]
        fn labels_are_never_longer_than_the_limit(s in "[建议供热成本，。、：1（一）a-z]{0,80}") {
            let texts = [s.as_str()];
            let l = label(&texts, &[0], &|c: &str| c.chars().count() as f32);
            prop_assert!(l.chars().count() <= MAX_CHARS);
            for c in candidates(&s) {
                prop_assert!(c.chars().count() <= MAX_CHARS && c.chars().count() >= 2);
            }
        }
    }
}
