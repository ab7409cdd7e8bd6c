//! Finding the unit an offline opinion is about from what an operator types: 「12」,
//! 「12.2」, 「第12条第2款」, 「第十二条第二款第三项」, the exact label, or a few words of the
//! unit's text. Pure: the caller passes the draft's units.

use crate::draft::parse::numerals;

/// A unit that can be chosen: its stable uid, its label in the newest version
/// (`第十二条第2款`) and its text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unit {
    pub uid: String,
    pub label: String,
    pub text: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Pick {
    Found(usize),
    /// Several units match the words: their labels (at most 8).
    Ambiguous(Vec<String>),
    NotFound,
}

/// Full-width digits and letters to ASCII; spaces dropped.
fn fold(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '０'..='９' | 'Ａ'..='Ｚ' | 'ａ'..='ｚ' | '．' => {
                char::from_u32(c as u32 - 0xFEE0).unwrap_or(c)
            }
            c => c,
        })
        .collect()
}

/// The label a reference stands for: `12` → 第十二条, `12.2` → 第十二条第2款,
/// `第十二条第二款第三项` → 第十二条第2款第3项 (paragraphs and items are numbered in Arabic
/// in labels, as the comment form shows them).
pub fn label_of(reference: &str) -> Option<String> {
    let r = fold(reference);
    let numbers: Vec<&str> = r.split(['.', '-', '、', ',']).collect();
    if numbers
        .iter()
        .all(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
    {
        let n: Vec<u32> = numbers.iter().filter_map(|n| n.parse().ok()).collect();
        return match n.as_slice() {
            [a] if *a > 0 => Some(format!("第{}条", numerals::to_chinese(*a))),
            [a, p] if *a > 0 && *p > 0 => Some(format!("第{}条第{p}款", numerals::to_chinese(*a))),
            [a, p, i] if *a > 0 && *p > 0 && *i > 0 => {
                Some(format!("第{}条第{p}款第{i}项", numerals::to_chinese(*a)))
            }
            _ => None,
        };
    }
    // 第…条[第…款][第…项]
    let rest = r.strip_prefix('第')?;
    let (article, mut rest) = rest.split_once('条')?;
    let article = numerals::parse(article).filter(|n| *n > 0)?;
    let mut label = format!("第{}条", numerals::to_chinese(article));
    for unit in ['款', '项', '目'] {
        if rest.is_empty() {
            break;
        }
        let after = rest.strip_prefix('第')?;
        let (n, tail) = after.split_once(unit)?;
        let n = numerals::parse(n).filter(|n| *n > 0)?;
        label.push_str(&format!("第{n}{unit}"));
        rest = tail;
    }
    rest.is_empty().then_some(label)
}

/// Finds the unit meant by `query` among `units` (in document order).
pub fn pick(units: &[Unit], query: &str) -> Pick {
    let q = query.trim();
    if q.is_empty() {
        return Pick::NotFound;
    }
    if let Some(i) = units.iter().position(|u| u.label == q || u.uid == q) {
        return Pick::Found(i);
    }
    if let Some(label) = label_of(q) {
        return match units.iter().position(|u| u.label == label) {
            Some(i) => Pick::Found(i),
            None => Pick::NotFound,
        };
    }
    // Words of the text. A unit whose text contains them counts; an article that matches only
    // because one of its paragraphs does is left out when that paragraph matches too.
    let words = fold(q);
    if words.chars().count() < 2 {
        return Pick::NotFound;
    }
    let hits: Vec<usize> = units
        .iter()
        .enumerate()
        .filter(|(_, u)| fold(&u.text).contains(&words))
        .map(|(i, _)| i)
        .collect();
    let narrowest: Vec<usize> = hits
        .iter()
        .copied()
        .filter(|&i| {
            !hits
                .iter()
                .any(|&j| j != i && units[j].label.starts_with(&units[i].label))
        })
        .collect();
    match narrowest.as_slice() {
        [] => Pick::NotFound,
        [i] => Pick::Found(*i),
        many => Pick::Ambiguous(
            many.iter()
                .take(8)
                .map(|&i| units[i].label.clone())
                .collect(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn units() -> Vec<Unit> {
        let u = |uid: &str, label: &str, text: &str| Unit {
            uid: uid.into(),
            label: label.into(),
            text: text.into(),
        };
        vec![
            u("a1", "第一条", "为了规范城镇供热，制定本条例。"),
            u(
                "a12",
                "第十二条",
                "供热单位应当按时供热。\n室温不得低于十八摄氏度。",
            ),
            u("a12.1", "第十二条第1款", "供热单位应当按时供热。"),
            u("a12.2", "第十二条第2款", "室温不得低于十八摄氏度。"),
            u("a12.2.3", "第十二条第2款第3项", "（三）住宅卧室。"),
            u("a20", "第二十条", "热用户应当按时缴纳热费。"),
        ]
    }

    #[test]
    fn numbers_and_labels_in_every_spelling_find_the_unit() {
        let us = units();
        for (q, want) in [
            ("12", "a12"),
            ("１２", "a12"),
            ("12.2", "a12.2"),
            ("12-2-3", "a12.2.3"),
            ("第12条", "a12"),
            ("第12条第2款", "a12.2"),
            ("第十二条第二款", "a12.2"),
            ("第十二条第2款第三项", "a12.2.3"),
            (" 第十二条 ", "a12"),
            ("第二十条", "a20"),
            ("a1", "a1"),
        ] {
            assert_eq!(
                pick(&us, q),
                Pick::Found(us.iter().position(|u| u.uid == want).unwrap()),
                "{q}"
            );
        }
        for q in [
            "13",
            "第十二条第3款",
            "0",
            "第条",
            "第十二条第",
            "第十二条abc",
            "",
            "x",
        ] {
            assert_eq!(pick(&us, q), Pick::NotFound, "{q}");
        }
    }

    #[test]
    fn words_of_the_text_find_the_narrowest_unit_or_say_which_match() {
        let us = units();
        assert_eq!(pick(&us, "十八摄氏度"), Pick::Found(3));
        assert_eq!(pick(&us, "按时缴纳"), Pick::Found(5));
        assert_eq!(
            pick(&us, "按时"),
            Pick::Ambiguous(vec!["第十二条第1款".into(), "第二十条".into()])
        );
        assert_eq!(pick(&us, "地铁"), Pick::NotFound);
    }

    proptest! {
        #[test]
        fn an_arabic_article_number_is_the_chinese_label(n in 1u32..2000) {
            let label = label_of(&n.to_string()).unwrap();
            prop_assert_eq!(label_of(&label), Some(label.clone()));
            prop_assert_eq!(numerals::parse(label.trim_start_matches('第').trim_end_matches('条')), Some(n));
        }
    }
}
