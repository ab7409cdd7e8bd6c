//! Tracking numbers for receipts: `YJ-7K3Q-9M2P` — eight Crockford base-32 characters (no I, L,
//! O, U, so nothing reads as another) where the last is a check character over the first seven
//! (mod 37, Crockford's check alphabet), so a mistyped number is caught before any lookup.
//! Crockford's five extra check symbols (`*~$=U`) are hard to read aloud, hand-write or type, so
//! new numbers are drawn only from payloads whose check falls in the 32 letters and digits;
//! numbers issued before with such a symbol stay valid.

const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const CHECK: &[u8; 37] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ*~$=U";

fn value(c: u8) -> Option<u64> {
    let c = c.to_ascii_uppercase();
    // Crockford: I and L read as 1, O as 0.
    let c = match c {
        b'I' | b'L' => b'1',
        b'O' => b'0',
        c => c,
    };
    ALPHABET.iter().position(|&a| a == c).map(|p| p as u64)
}

fn check_char(payload: &[u8]) -> Option<u8> {
    let mut n: u64 = 0;
    for &c in payload {
        n = n * 32 + value(c)?;
    }
    Some(CHECK[(n % 37) as usize])
}

/// Makes a tracking number from 35 random bits: the first payload from `random` on (at most four
/// steps) whose check character is a letter or digit.
pub fn make(random: u64) -> String {
    let mask = (1u64 << 35) - 1;
    let mut random = random & mask;
    while random % 37 >= 32 {
        random = (random + 1) & mask;
    }
    let mut payload = [0u8; 7];
    for (i, slot) in payload.iter_mut().enumerate() {
        *slot = ALPHABET[((random >> (5 * (6 - i))) & 31) as usize];
    }
    let check = check_char(&payload).unwrap_or(b'0');
    let s: Vec<char> = payload
        .iter()
        .chain(std::iter::once(&check))
        .map(|&b| b as char)
        .collect();
    format!(
        "YJ-{}-{}",
        s[..4].iter().collect::<String>(),
        s[4..].iter().collect::<String>()
    )
}

/// Normalises what someone typed (“yj 7k3q 9m2p”, lower case, O for 0) and checks the check
/// character. `None` when it is not a valid tracking number.
pub fn normalize(input: &str) -> Option<String> {
    let compact: Vec<u8> = input
        .trim()
        .bytes()
        .filter(|b| b.is_ascii_alphanumeric() || matches!(b, b'*' | b'~' | b'$' | b'='))
        .map(|b| b.to_ascii_uppercase())
        .collect();
    let body = compact.strip_prefix(b"YJ").unwrap_or(&compact);
    if body.len() != 8 {
        return None;
    }
    let payload: Vec<u8> = body[..7]
        .iter()
        .map(|&c| value(c).map(|v| ALPHABET[v as usize]))
        .collect::<Option<_>>()?;
    let expected = check_char(&payload)?;
    let given = match body[7] {
        b'I' | b'L' => b'1',
        b'O' => b'0',
        c => c,
    };
    if given != expected {
        return None;
    }
    let s: String = payload
        .iter()
        .chain(std::iter::once(&expected))
        .map(|&b| b as char)
        .collect();
    Some(format!("YJ-{}-{}", &s[..4], &s[4..]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn reads_what_people_type() {
        let t = make(0x5_1234_5678);
        assert!(t.starts_with("YJ-") && t.len() == 12, "{t}");
        assert_eq!(normalize(&t.to_lowercase()), Some(t.clone()));
        assert_eq!(normalize(&t.replace('-', " ")), Some(t.clone()));
        assert_eq!(normalize("YJ-1234"), None);
        assert_eq!(normalize(""), None);
    }

    proptest! {
        #[test]
        fn valid_numbers_round_trip(r in 0u64..(1 << 35)) {
            let t = make(r);
            prop_assert_eq!(normalize(&t), Some(t));
        }

        #[test]
        fn new_numbers_are_letters_and_digits_only(r in 0u64..(1 << 35)) {
            let t = make(r);
            prop_assert!(t.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'), "{}", t);
        }

        #[test]
        fn one_mistyped_character_is_caught(r in 0u64..(1 << 35), pos in 0usize..7, delta in 1u64..32) {
            let t = make(r);
            let mut chars: Vec<u8> = t.bytes().collect();
            let idx = if pos < 4 { 3 + pos } else { 4 + pos };
            let v = value(chars[idx]).unwrap();
            chars[idx] = ALPHABET[((v + delta) % 32) as usize];
            let typo = String::from_utf8(chars).unwrap();
            prop_assert_eq!(normalize(&typo), None);
        }
    }
}
