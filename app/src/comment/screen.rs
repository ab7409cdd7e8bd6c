//! Automatic screening of a comment's text: personal data and links are found (and masked in
//! public display), and obvious spam is flagged for a moderator. Pure: no database, no web.
//!
//! The stored comment is never altered; masking happens when a comment is shown publicly, so a
//! moderator still sees what the citizen wrote.

use regex::Regex;
use std::sync::LazyLock;

/// What screening found. Serialised as a comma-separated list in `comment.flags`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Flag {
    /// A mobile or landline number.
    Phone,
    /// A resident identity card number (身份证号).
    IdCard,
    Email,
    Url,
    /// The same character or phrase over and over.
    Repeat,
}

impl Flag {
    pub const ALL: [Flag; 5] = [
        Flag::Phone,
        Flag::IdCard,
        Flag::Email,
        Flag::Url,
        Flag::Repeat,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Flag::Phone => "phone",
            Flag::IdCard => "idcard",
            Flag::Email => "email",
            Flag::Url => "url",
            Flag::Repeat => "repeat",
        }
    }

    pub fn parse(s: &str) -> Option<Flag> {
        Flag::ALL.into_iter().find(|f| f.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Flag::Phone => "含电话号码",
            Flag::IdCard => "含身份证号",
            Flag::Email => "含邮箱",
            Flag::Url => "含链接",
            Flag::Repeat => "疑似灌水",
        }
    }

    /// Flags that hold a comment for a moderator even under post-moderation: likely spam.
    /// Personal data alone does not: it is masked in public display anyway.
    pub fn holds_for_review(self) -> bool {
        matches!(self, Flag::Url | Flag::Repeat)
    }
}

pub fn flags_to_string(flags: &[Flag]) -> String {
    flags
        .iter()
        .map(|f| f.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

pub fn flags_from_str(s: &str) -> Vec<Flag> {
    s.split(',').filter_map(Flag::parse).collect()
}

// Every pattern runs on the *folded* text (see [`Folded`]): full-width digits and letters,
// `＠`, `：／／` are their ASCII selves there and invisible characters are gone, so a number
// typed as １３８… or with zero-width spaces inside is found like any other.
//
// `(?-u:\b)` is an ASCII word boundary: a digit right after a Chinese character (号13800138000)
// still starts a number, which the Unicode `\b` would not allow.
static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?-u:\b)[A-Za-z0-9._%+-]+ ?@ ?[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?-u:\b)",
    )
    .expect("static regex")
});
static URL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?i)(?:https?://|www\.)[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+",
        // A bare domain with a path is a link whatever its ending (t.me/x, bit.ly/x) …
        r"|(?-u:\b)[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/[A-Za-z0-9\-._~/?#=&%]+",
        // … and a bare domain alone when its ending is one spam uses.
        r"|(?-u:\b)[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.(?:com|cn|net|org|top|xyz|info|vip|cc|io|me|ly|tv|co|site|shop|app|link|club|online)(?-u:\b)",
    ))
    .expect("static regex")
});
/// Candidates for identity card numbers: 18 (or the old 15) digits, spaces or hyphens allowed
/// between any of them (people group them as they read them out); [`is_id_number`] checks the
/// region and birth date.
static ID_CARD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?-u:\b)[1-9](?:[ -]?\d){16}[ -]?[\dXx](?-u:\b)|(?-u:\b)[1-9](?:[ -]?\d){14}(?-u:\b)",
    )
    .expect("static regex")
});
static PHONE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?:\+?86[ -]?)?(?-u:\b)1[3-9]\d[ -]?\d{4}[ -]?\d{4}(?-u:\b)",
        r"|(?-u:\b)0\d{2,3}[ -]?\d{7,8}(?-u:\b)",
        r"|(?-u:\b)400[ -]?\d{3}[ -]?\d{4}(?-u:\b)",
    ))
    .expect("static regex")
});

fn is_id_number(candidate: &str) -> bool {
    let d: Vec<u8> = candidate
        .bytes()
        .filter(|b| b.is_ascii_digit() || *b == b'X' || *b == b'x')
        .collect();
    let num = |r: std::ops::Range<usize>| {
        std::str::from_utf8(&d[r])
            .ok()
            .and_then(|s| s.parse::<u32>().ok())
    };
    let (year, month, day) = match d.len() {
        18 => (num(6..10), num(10..12), num(12..14)),
        15 => (num(6..8).map(|y| 1900 + y), num(8..10), num(10..12)),
        _ => return false,
    };
    matches!((year, month, day), (Some(y), Some(m), Some(dd))
        if (1800..=2099).contains(&y) && (1..=12).contains(&m) && (1..=31).contains(&dd))
}

/// A text folded for matching, with the way back to the original: each folded character knows
/// the byte range of the original character it came from.
struct Folded {
    text: String,
    /// (byte offset in `text`, original start, original end), one per folded character.
    map: Vec<(usize, usize, usize)>,
}

/// Characters with no width that people (and spammers) slip into numbers and addresses.
pub(crate) fn invisible(c: char) -> bool {
    matches!(c, '\u{00ad}' | '\u{180e}' | '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}'
        | '\u{2060}'..='\u{2064}' | '\u{feff}')
}

fn fold(text: &str) -> Folded {
    use unicode_normalization::UnicodeNormalization;
    let mut out = Folded {
        text: String::with_capacity(text.len()),
        map: Vec::with_capacity(text.len()),
    };
    for (i, c) in text.char_indices() {
        if invisible(c) {
            continue;
        }
        let end = i + c.len_utf8();
        // Compatibility forms only where they are ASCII: full-width letters, digits and
        // signs. Other characters (Chinese, ①, ㎡) stay as written.
        let folded: String = std::iter::once(c).nfkc().collect();
        if folded.is_ascii() && !folded.is_empty() {
            for f in folded.chars() {
                out.map.push((out.text.len(), i, end));
                out.text.push(f);
            }
        } else {
            out.map.push((out.text.len(), i, end));
            out.text.push(c);
        }
    }
    out
}

impl Folded {
    /// The original byte range of the folded range `start..end`.
    fn original(&self, start: usize, end: usize) -> (usize, usize) {
        let first = self.map.partition_point(|m| m.0 < start);
        let last = self.map.partition_point(|m| m.0 < end).saturating_sub(1);
        match (self.map.get(first), self.map.get(last)) {
            (Some(a), Some(b)) => (a.1, b.2),
            _ => (0, 0),
        }
    }
}

/// Personal data and links found in a text: (flag, original byte range), earlier kinds first
/// and no two ranges overlapping. E-mail before link (an address contains a domain), identity
/// card before phone (an ID number contains phone-like digit runs).
fn findings(text: &str) -> Vec<(Flag, usize, usize)> {
    let f = fold(text);
    let mut found: Vec<(Flag, usize, usize)> = Vec::new();
    let mut add = |flag: Flag, start: usize, end: usize| {
        if !found.iter().any(|(_, s, e)| start < *e && *s < end) {
            found.push((flag, start, end));
        }
    };
    for m in EMAIL.find_iter(&f.text) {
        add(Flag::Email, m.start(), m.end());
    }
    for m in URL.find_iter(&f.text) {
        add(Flag::Url, m.start(), m.end());
    }
    for m in ID_CARD.find_iter(&f.text) {
        if is_id_number(m.as_str()) {
            add(Flag::IdCard, m.start(), m.end());
        }
    }
    for m in PHONE.find_iter(&f.text) {
        add(Flag::Phone, m.start(), m.end());
    }
    found
        .into_iter()
        .map(|(flag, s, e)| {
            let (a, b) = f.original(s, e);
            (flag, a, b)
        })
        .collect()
}

/// The flags a comment's texts raise.
pub fn screen(texts: &[&str]) -> Vec<Flag> {
    let mut flags = Vec::new();
    for t in texts {
        let found = findings(t).into_iter().map(|(f, _, _)| f);
        for flag in found.chain(is_repetitive(t).then_some(Flag::Repeat)) {
            if !flags.contains(&flag) {
                flags.push(flag);
            }
        }
    }
    flags.sort();
    flags
}

/// The text as the public sees it: personal data and links replaced by a note (found on the
/// folded text, replaced in the text as written).
pub fn mask(text: &str) -> String {
    let mut found = findings(text);
    found.sort_by_key(|(_, s, _)| *s);
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for (flag, s, e) in found {
        if s < at {
            continue;
        }
        out.push_str(&text[at..s]);
        out.push_str(match flag {
            Flag::Email => "［邮箱已隐去］",
            Flag::Url => "［链接已隐去］",
            Flag::IdCard => "［身份证号已隐去］",
            _ => "［电话已隐去］",
        });
        at = e;
    }
    out.push_str(&text[at..]);
    out
}

/// A text made mostly of one repeated character or short phrase (灌水): ten or more of the same
/// character in a row, or (for texts of 20+ characters) so few distinct character pairs that
/// the text is a phrase copied over and over.
fn is_repetitive(text: &str) -> bool {
    let chars: Vec<char> = text.chars().filter(|c| !c.is_whitespace()).collect();
    let mut run = 1;
    for w in chars.windows(2) {
        if w[0] == w[1] && !w[0].is_ascii_digit() {
            run += 1;
            if run >= 10 {
                return true;
            }
        } else {
            run = 1;
        }
    }
    if chars.len() < 20 {
        return false;
    }
    let pairs: std::collections::HashSet<(char, char)> =
        chars.windows(2).map(|w| (w[0], w[1])).collect();
    (pairs.len() as f64) / ((chars.len() - 1) as f64) < 0.25
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn finds_and_masks_personal_data() {
        let cases = [
            (
                "我的电话13800138000请联系",
                Flag::Phone,
                "我的电话［电话已隐去］请联系",
            ),
            (
                "手机 +86 138-0013-8000。",
                Flag::Phone,
                "手机 ［电话已隐去］。",
            ),
            ("座机0994-2345678", Flag::Phone, "座机［电话已隐去］"),
            (
                "身份证号652301199001011234，",
                Flag::IdCard,
                "身份证号［身份证号已隐去］，",
            ),
            (
                "号码65230119900101123x",
                Flag::IdCard,
                "号码［身份证号已隐去］",
            ),
            (
                "写信到zhang.san@example.com.cn谢谢",
                Flag::Email,
                "写信到［邮箱已隐去］谢谢",
            ),
            (
                "详见https://example.com/a?b=1。",
                Flag::Url,
                "详见［链接已隐去］。",
            ),
            (
                "访问 www.spam.top 领取",
                Flag::Url,
                "访问 ［链接已隐去］ 领取",
            ),
            ("加群 fuli.vip", Flag::Url, "加群 ［链接已隐去］"),
        ];
        for (text, flag, masked) in cases {
            assert_eq!(screen(&[text]), vec![flag], "{text}");
            assert_eq!(mask(text), masked, "{text}");
        }
    }

    #[test]
    fn folded_forms_are_found_and_masked_where_they_stand() {
        let cases = [
            (
                "电话１３８００１３８０００。",
                Flag::Phone,
                "电话［电话已隐去］。",
            ),
            (
                "电话138\u{200b}0013\u{200b}8000",
                Flag::Phone,
                "电话［电话已隐去］",
            ),
            (
                "邮箱 zhang＠example．com 谢谢",
                Flag::Email,
                "邮箱 ［邮箱已隐去］ 谢谢",
            ),
            (
                "身份证 6523 0119 9001 0112 34 。",
                Flag::IdCard,
                "身份证 ［身份证号已隐去］ 。",
            ),
            (
                "身份证652301-19900101-1234",
                Flag::IdCard,
                "身份证［身份证号已隐去］",
            ),
            (
                "进群看 t.me/fuli888 领取",
                Flag::Url,
                "进群看 ［链接已隐去］ 领取",
            ),
            (
                "见 ｈｔｔｐ：／／ｅｘａｍｐｌｅ．ｃｏｍ／ａ",
                Flag::Url,
                "见 ［链接已隐去］",
            ),
        ];
        for (text, flag, masked) in cases {
            assert_eq!(screen(&[text]), vec![flag], "{text}");
            assert_eq!(mask(text), masked, "{text}");
        }
        // Eighteen digits that are no birth date are not an ID number.
        assert_eq!(screen(&["编号 123456789012345678"]), vec![]);
    }

    #[test]
    fn ordinary_text_is_left_alone() {
        for text in [
            "建议将第十二条中的供热期由每年10月15日至次年4月15日延长15天。",
            "室温不低于18℃，2023年冬季我家只有16度。",
            "第3款所称的“热用户”应包括2000余户老旧小区居民。",
            "罚款5000元以上20000元以下过重。",
            "《民法典》第509条已有规定。",
        ] {
            assert_eq!(screen(&[text]), vec![], "{text}");
            assert_eq!(mask(text), text);
        }
    }

    #[test]
    fn flags_spam_repetition() {
        assert!(screen(&["顶顶顶顶顶顶顶顶顶顶顶"]).contains(&Flag::Repeat));
        assert!(
            screen(&["支持支持支持支持支持支持支持支持支持支持支持支持"]).contains(&Flag::Repeat)
        );
        assert!(!screen(&["好好学习，天天向上。供热企业应当保障室温。"]).contains(&Flag::Repeat));
    }

    #[test]
    fn flags_round_trip_through_storage() {
        let f = screen(&["电话13800138000，网址 http://a.cn"]);
        assert_eq!(f, vec![Flag::Phone, Flag::Url]);
        assert_eq!(flags_from_str(&flags_to_string(&f)), f);
        assert_eq!(flags_from_str(""), vec![]);
    }

    proptest! {
        // Masking never leaves a detected item behind and never touches text without one.
        #[test]
        fn mask_removes_what_screen_finds(s in "[\\u{4e00}-\\u{4e80}0-9a-z@.:/ -]{0,60}") {
            let masked = mask(&s);
            let after = screen(&[&masked]);
            prop_assert!(after.iter().all(|f| *f == Flag::Repeat), "{s:?} → {masked:?}: {after:?}");
            let before = screen(&[&s]);
            if before.iter().all(|f| *f == Flag::Repeat) {
                prop_assert_eq!(masked, s);
            }
        }
    }
}
