//! Chinese numerals both ways, as used in legislative labels: 第一百二十条 = 120,
//! 第二百零五条 = 205, 第十条 = 10. Also accepts ASCII digits, 〇/两 and the traditional 兩/萬,
//! and names the characters that only look like numerals (a full-width hyphen for 一).

fn digit(c: char) -> Option<u32> {
    Some(match c {
        '零' | '〇' => 0,
        '一' => 1,
        '二' | '两' | '兩' => 2,
        '三' => 3,
        '四' => 4,
        '五' => 5,
        '六' => 6,
        '七' => 7,
        '八' => 8,
        '九' => 9,
        _ => return None,
    })
}

pub fn is_numeral_char(c: char) -> bool {
    digit(c).is_some() || matches!(c, '十' | '百' | '千' | '万' | '萬') || c.is_ascii_digit()
}

/// The numeral a character is mistaken for in published texts: dashes and the katakana
/// prolonged sound mark for 一, circles for 〇, plus signs for 十, ハ for 八.
pub fn lookalike(c: char) -> Option<char> {
    Some(match c {
        '－' | '—' | '―' | '─' | '━' | '-' | '‐' | '‑' | '–' | 'ー' | 'ｰ' | '㇐' => {
            '一'
        }
        '○' | '◯' | 'О' | 'Ｏ' => '〇',
        '＋' | '+' | '╋' | '┼' => '十',
        '＝' | '=' => '二',
        'ハ' | 'ﾊ' => '八',
        _ => return None,
    })
}

/// Parses a Chinese (or ASCII) numeral; `None` if it is not one.
pub fn parse(s: &str) -> Option<u32> {
    if s.is_empty() {
        return None;
    }
    if s.chars().all(|c| c.is_ascii_digit()) {
        return s.parse().ok();
    }
    let mut total: u32 = 0;
    let mut section: u32 = 0;
    let mut current: Option<u32> = None;
    // A run of plain digits without units ("一二〇") reads positionally.
    if s.chars().all(|c| digit(c).is_some()) && s.chars().count() > 1 {
        return s
            .chars()
            .try_fold(0u32, |acc, c| acc.checked_mul(10)?.checked_add(digit(c)?));
    }
    for c in s.chars() {
        if let Some(d) = digit(c) {
            current = Some(d);
            continue;
        }
        let unit = match c {
            '十' => 10,
            '百' => 100,
            '千' => 1000,
            '万' | '萬' => {
                section += current.take().unwrap_or(0);
                total += section.checked_mul(10_000)?;
                section = 0;
                continue;
            }
            _ => return None,
        };
        // "十二" means 12: a unit with no digit before it counts once.
        section += current.take().unwrap_or(1) * unit;
    }
    Some(total + section + current.unwrap_or(0))
}

const DIGITS: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];

/// Writes a number the way legislative labels do (1 ≤ n < 10000): 10 → 十, 120 → 一百二十,
/// 205 → 二百零五.
pub fn to_chinese(n: u32) -> String {
    if n == 0 {
        return "零".into();
    }
    if n >= 10_000 {
        return n.to_string();
    }
    let units = [(1000, "千"), (100, "百"), (10, "十")];
    let mut out = String::new();
    let mut rest = n;
    let mut pending_zero = false;
    for (value, name) in units {
        let d = rest / value;
        rest %= value;
        if d > 0 {
            if pending_zero {
                out.push('零');
                pending_zero = false;
            }
            // 10–19 read 十, 十一 … at the start, but 一百一十 inside a larger number.
            if !(value == 10 && d == 1 && out.is_empty()) {
                out.push_str(DIGITS[d as usize]);
            }
            out.push_str(name);
        } else if !out.is_empty() {
            pending_zero = true;
        }
    }
    if rest > 0 {
        if pending_zero {
            out.push('零');
        }
        out.push_str(DIGITS[rest as usize]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn reads_legislative_numbers() {
        for (s, n) in [
            ("一", 1),
            ("十", 10),
            ("十二", 12),
            ("二十", 20),
            ("一百二十", 120),
            ("二百零五", 205),
            ("一百一十", 110),
            ("九百八十八", 988),
            ("一千零一", 1001),
            ("一千二百六十", 1260),
            ("两百", 200),
            ("兩百", 200),
            ("一萬", 10000),
            ("一二〇", 120),
            ("54", 54),
        ] {
            assert_eq!(parse(s), Some(n), "{s}");
        }
        assert_eq!(parse(""), None);
        assert_eq!(parse("条"), None);
    }

    #[test]
    fn writes_legislative_numbers() {
        assert_eq!(to_chinese(10), "十");
        assert_eq!(to_chinese(15), "十五");
        assert_eq!(to_chinese(110), "一百一十");
        assert_eq!(to_chinese(120), "一百二十");
        assert_eq!(to_chinese(205), "二百零五");
        assert_eq!(to_chinese(1001), "一千零一");
        assert_eq!(to_chinese(1010), "一千零一十");
    }

    proptest! {
        #[test]
        fn round_trips(n in 1u32..10_000) {
            prop_assert_eq!(parse(&to_chinese(n)), Some(n));
        }
    }
}
