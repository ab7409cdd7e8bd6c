//! The courtesy frame around an opinion's point. People who share one paragraph on a messaging
//! app each add a greeting (您好，/ 尊敬的领导：), a line about who they are (我是一名退休职工，/
//! 作为小区业主，) and a sign-off (谢谢！/ 恳请采纳。/ ——某小区居民). Those lines say nothing
//! about the point, and in a short text they are a third of the characters: campaign detection,
//! clustering and labels look at the core between them.
//!
//! Pure and cheap (only the first and last few clauses are looked at): it runs on every text of
//! a million-opinion campaign scan.

use crate::search::tokenize::fold_char;

/// The part of `text` that carries its point: without leading greetings and self-introductions
/// and trailing sign-offs and signatures. A slice of `text`; the whole (trimmed) text when the
/// frame would leave almost nothing.
pub fn core(text: &str) -> &str {
    let whole = text.trim_matches(is_separator);
    let mut start = 0;
    let mut end = whole.len();
    // Leading clauses: greetings, then who is writing (at most three clauses).
    for _ in 0..3 {
        let rest = &whole[start..end];
        let clause_len = rest.find(is_delimiter).unwrap_or(rest.len());
        // Frames are short; a long clause is the point (and is not folded for nothing).
        if clause_len == rest.len() || rest[..clause_len].chars().nth(FRAME_CHARS).is_some() {
            break;
        }
        let clause = normalised(&rest[..clause_len]);
        if !(is_greeting(&clause) || is_identity(&clause)) {
            break;
        }
        start += clause_len;
        start += whole[start..end].len() - whole[start..end].trim_start_matches(is_separator).len();
    }
    // Trailing clauses: sign-offs and signatures (at most three).
    for _ in 0..3 {
        let rest = whole[start..end].trim_end_matches(is_separator);
        // A signature after a dash: “——某小区居民”.
        let dash = ["——", "－－", "--"]
            .iter()
            .filter_map(|d| rest.rfind(d))
            .max()
            .filter(|&d| {
                rest[d..]
                    .trim_start_matches(['—', '－', '-', ' '])
                    .chars()
                    .count()
                    <= 16
                    && !rest[..d].trim_end_matches(['—', '－', '-', ' ']).is_empty()
            });
        if let Some(dash) = dash {
            end = start + rest[..dash].trim_end_matches(['—', '－', '-', ' ']).len();
            continue;
        }
        let clause_start = rest.rfind(is_delimiter).map_or(0, |i| {
            i + rest[i..].chars().next().map_or(1, char::len_utf8)
        });
        if clause_start == 0 {
            // One clause left: a sign-off may still be glued to its end (“接受监督谢谢”).
            end = start + glued_off(rest).len();
            break;
        }
        if rest[clause_start..].chars().nth(FRAME_CHARS).is_some()
            || !is_sign_off(&normalised(&rest[clause_start..]))
        {
            end = start + glued_off(rest).len();
            break;
        }
        end = start + clause_start;
    }
    let core = whole[start..end].trim_matches(is_separator);
    if core
        .chars()
        .filter(|c| c.is_alphanumeric())
        .nth(3)
        .is_none()
    {
        whole
    } else {
        core
    }
}

/// Longest clause (in characters, punctuation and spaces included) that can be a frame.
const FRAME_CHARS: usize = 40;

/// Letters and digits only, width and case folded.
fn normalised(s: &str) -> String {
    s.chars()
        .map(fold_char)
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Ends a clause.
fn is_delimiter(c: char) -> bool {
    matches!(
        c,
        '，' | ',' | '。' | '.' | '！' | '!' | '？' | '?' | '；' | ';' | '：' | ':' | '\n' | '\r'
    )
}

/// Between clauses: delimiters, spaces and what wraps them.
fn is_separator(c: char) -> bool {
    is_delimiter(c) || c.is_whitespace() || matches!(c, '、' | '…' | '~' | '～')
}

/// Whom letters are addressed to.
const ADDRESSEES: &[&str] = &[
    "领导",
    "委员",
    "委员会",
    "常委会",
    "人大",
    "代表",
    "同志",
    "同志们",
    "主任",
    "书记",
    "老师",
    "先生",
    "女士",
    "工作人员",
    "政府",
    "联系点",
    "部门",
    "大家",
    "朋友们",
    "你们",
    "您们",
];

fn is_greeting(c: &str) -> bool {
    let n = c.chars().count();
    if n == 0 {
        return true;
    }
    if n > 14 {
        return false;
    }
    if [
        "您好",
        "你好",
        "大家好",
        "各位好",
        "hello",
        "hi",
        "greetings",
    ]
    .contains(&c)
    {
        return true;
    }
    if ["尊敬的", "敬爱的", "亲爱的", "dear"]
        .iter()
        .any(|p| c.starts_with(p))
    {
        return true;
    }
    if c.starts_with("tothe") && n <= 24 {
        return true;
    }
    let addressed = |s: &str| ADDRESSEES.iter().any(|a| s.ends_with(a));
    let bare = c
        .strip_suffix("您好")
        .or_else(|| c.strip_suffix("你们好"))
        .or_else(|| c.strip_suffix("好"))
        .unwrap_or(c);
    let bare = bare.strip_prefix("致").unwrap_or(bare);
    let bare = bare.strip_prefix("各位").unwrap_or(bare);
    !bare.is_empty() && bare.chars().count() <= 10 && addressed(bare)
}

/// Nouns for people that a self-introduction ends with (作为小区业主, 作为一名教师).
const PERSONS: &[char] = &[
    '人', '者', '员', '户', '民', '师', '生', '主', '工', '长', '表', '属', '众', '友', '妈', '爸',
    '家', '士', '姓',
];

fn is_identity(c: &str) -> bool {
    let n = c.chars().count();
    if n > 24 {
        return false;
    }
    let about_me = [
        "我是",
        "我们是",
        "本人是",
        "本人系",
        "本人为",
        "我系",
        "我们系",
        "我家住在",
        "我家在",
        "我住在",
        "我们住在",
    ];
    if about_me
        .iter()
        .any(|p| c.starts_with(p) && c.len() > p.len())
    {
        return true;
    }
    // Announcing what follows: “我们村里的几位老人托我反映”, “现将情况反映如下”.
    if n <= 16 && ["反映", "如下"].iter().any(|e| c.ends_with(e)) {
        return true;
    }
    // “作为小区业主” introduces the writer; “作为供热单位” starts the point.
    ["作为", "身为", "我们作为", "本人作为"]
        .iter()
        .any(|p| c.starts_with(p) && c.len() > p.len())
        && c.ends_with(PERSONS)
}

fn is_sign_off(c: &str) -> bool {
    let n = c.chars().count();
    if n == 0 {
        return true;
    }
    if n > 16 {
        return false;
    }
    const SIGN_OFFS: &[&str] = &[
        "谢谢",
        "感谢",
        "多谢",
        "采纳",
        "此致",
        "敬礼",
        "盼复",
        "辛苦",
        "批准",
        "考虑",
        "斟酌",
        "以上意见",
        "以上是",
        "以上为",
        "引起重视",
        "予以重视",
        "体现",
        "sincerely",
        "thank",
        "regards",
        "respectfully",
        "yourstruly",
    ];
    // It must start like a sign-off (“以上意见请考虑”, “请予考虑”) or be nothing but one; “接受
    // 监督谢谢” is the point with a sign-off glued to it (see `strip_glued_sign_off`).
    const OPENINGS: &[&str] = &[
        "以上",
        "此致",
        "谢谢",
        "感谢",
        "多谢",
        "恳请",
        "敬请",
        "望",
        "请",
        "也请",
        "盼",
        "希望",
        "辛苦",
        "sincerely",
        "thank",
        "regards",
        "respectfully",
        "yours",
    ];
    SIGN_OFFS.iter().any(|s| c.contains(s))
        && (OPENINGS.iter().any(|o| c.starts_with(o))
            || strip_glued_sign_off(c).chars().count() < 3)
}

/// `text` without a sign-off glued to its end, unless that leaves almost nothing.
fn glued_off(text: &str) -> &str {
    let rest = strip_glued_sign_off(text);
    if normalised(rest).chars().count() >= 4 {
        rest
    } else {
        text
    }
}

/// `clause` without a sign-off glued to its end when a full stop was dropped (“…监督谢谢”).
fn strip_glued_sign_off(clause: &str) -> &str {
    const GLUED: &[&str] = &[
        "谢谢您",
        "谢谢你们",
        "谢谢",
        "感谢",
        "恳请采纳",
        "请予采纳",
        "请采纳",
        "望采纳",
        "希望采纳",
        "此致敬礼",
    ];
    for g in GLUED {
        if let Some(rest) = clause.strip_suffix(g) {
            return rest.trim_end_matches(is_separator);
        }
    }
    clause
}

#[cfg(test)]
mod tests {
    use super::core;
    use proptest::prelude::*;

    #[test]
    fn greetings_introductions_and_sign_offs_are_left_out() {
        let point = "第九条规定的供热收费标准应当每三年评估一次，建议改为每年公开成本监审结果，接受居民监督";
        for text in [
            format!("您好，我是一名退休职工，{point}。谢谢！"),
            format!("尊敬的领导：作为小区业主，{point}。恳请采纳。"),
            format!("各位委员好！本人是个体工商户，{point}。以上是我的意见。"),
            format!("{point}——某小区居民"),
            format!("{point}谢谢！"),
            format!("致立法联系点：{point}，请予考虑，谢谢。"),
            format!("  {point}。 "),
        ] {
            assert_eq!(core(&text), point, "{text}");
        }
    }

    #[test]
    fn the_point_itself_is_kept() {
        // A clause that starts the point is not an introduction.
        let t = "作为供热单位，应当保证室温不低于十八度。";
        assert_eq!(core(t), "作为供热单位，应当保证室温不低于十八度");
        let t = "建议第二十六条增加规定：停热超过二十四小时的，按日退还热费。";
        assert_eq!(
            core(t),
            "建议第二十六条增加规定：停热超过二十四小时的，按日退还热费"
        );
        // Nothing but courtesy: kept whole rather than emptied.
        assert_eq!(core("谢谢！"), "谢谢");
        assert_eq!(core("您好，谢谢"), "您好，谢谢");
    }

    #[test]
    fn english_letters_have_frames_too() {
        assert_eq!(
            core("Dear FCC, Please keep the net neutrality rules in place. Sincerely,"),
            "Please keep the net neutrality rules in place"
        );
    }

    proptest! {
        #[test]
        fn the_core_is_a_slice_of_the_text(s in "[您好尊敬的领导我是作为业主谢采纳，。！—供热a-z ]{0,40}") {
            let c = core(&s);
            let start = c.as_ptr() as usize - s.as_ptr() as usize;
            prop_assert!(start + c.len() <= s.len());
            prop_assert!(s.is_char_boundary(start) && s.is_char_boundary(start + c.len()));
        }
    }
}
