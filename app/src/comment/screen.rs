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

// `(?-u:\b)` is an ASCII word boundary: a digit right after a Chinese character (号13800138000)
// still starts a number, which the Unicode `\b` would not allow.
static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?-u:\b)[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?-u:\b)")
        .expect("static regex")
});
static URL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?i)(?:https?://|www\.)[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+",
        r"|(?-u:\b)[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.(?:com|cn|net|org|top|xyz|info|vip|cc|io)(?:/[A-Za-z0-9\-._~/?#=&%]*)?(?-u:\b)",
    ))
    .expect("static regex")
});
static ID_CARD: LazyLock<Regex> = LazyLock::new(|| {
    // 6-digit region, birth date 18xx–20xx, 3-digit sequence, check digit; also the old
    // 15-digit form.
    Regex::new(r"(?-u:\b)(?:[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx]|[1-9]\d{7}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3})(?-u:\b)")
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

/// The flags a comment's texts raise.
pub fn screen(texts: &[&str]) -> Vec<Flag> {
    let mut flags = Vec::new();
    for t in texts {
        for (flag, found) in [
            (Flag::Email, EMAIL.is_match(t)),
            (Flag::Url, URL.is_match(&EMAIL.replace_all(t, ""))),
            (Flag::IdCard, ID_CARD.is_match(t)),
            (Flag::Phone, PHONE.is_match(&ID_CARD.replace_all(t, ""))),
            (Flag::Repeat, is_repetitive(t)),
        ] {
            if found && !flags.contains(&flag) {
                flags.push(flag);
            }
        }
    }
    flags.sort();
    flags
}

/// The text as the public sees it: personal data and links replaced by a note.
pub fn mask(text: &str) -> String {
    // E-mail before URL (an address contains a domain), identity card before phone (an ID
    // number contains phone-like digit runs).
    let t = EMAIL.replace_all(text, "［邮箱已隐去］");
    let t = URL.replace_all(&t, "［链接已隐去］");
    let t = ID_CARD.replace_all(&t, "［身份证号已隐去］");
    PHONE.replace_all(&t, "［电话已隐去］").into_owned()
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
