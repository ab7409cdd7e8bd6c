//! Bytes to text: UTF-8 (with or without BOM), or GB18030/GBK as government offices often
//! save. Never guesses silently: text that is neither is refused.

use super::ParseError;

/// Largest accepted draft file. The biggest real code (民法典合同编) is under 1 MB.
pub const MAX_BYTES: usize = 8 * 1024 * 1024;

pub fn decode(bytes: &[u8]) -> Result<String, ParseError> {
    if bytes.len() > MAX_BYTES {
        return Err(ParseError::TooLarge {
            bytes: bytes.len(),
            limit: MAX_BYTES,
        });
    }
    let bytes = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(ParseError::Empty);
    }
    if looks_binary(bytes) {
        return Err(ParseError::Binary);
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        return Ok(s.to_string());
    }
    // Not UTF-8: GB18030 (a superset of GBK and GB2312) must decode without a single error,
    // and the result must read as Chinese, or the file is refused.
    let (text, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
    if had_errors {
        return Err(ParseError::UnknownEncoding);
    }
    let cjk = text
        .chars()
        .filter(|c| ('\u{4e00}'..='\u{9fff}').contains(c))
        .count();
    let non_space = text.chars().filter(|c| !c.is_whitespace()).count().max(1);
    if cjk * 3 < non_space {
        return Err(ParseError::UnknownEncoding);
    }
    Ok(text.into_owned())
}

fn looks_binary(bytes: &[u8]) -> bool {
    let sample = &bytes[..bytes.len().min(8192)];
    let control = sample
        .iter()
        .filter(|&&b| b == 0 || (b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0c)))
        .count();
    sample.contains(&0) || control * 100 > sample.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_gbk_and_utf8_with_bom() {
        let (gbk, _, _) = encoding_rs::GBK.encode("第一条 为了规范供热管理，制定本条例。");
        assert!(decode(&gbk).unwrap().starts_with("第一条"));
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice("第一条".as_bytes());
        assert_eq!(decode(&bom).unwrap(), "第一条");
    }

    #[test]
    fn refuses_binary_empty_large_and_undecodable() {
        assert_eq!(
            decode(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"),
            Err(ParseError::Binary)
        );
        assert_eq!(decode(b"  \n\r\n"), Err(ParseError::Empty));
        assert!(matches!(
            decode(&vec![b'a'; MAX_BYTES + 1]),
            Err(ParseError::TooLarge { .. })
        ));
        // Latin-1 text is neither UTF-8 nor Chinese GB18030.
        assert_eq!(
            decode(b"caf\xe9 cr\xe8me br\xfbl\xe9e na\xefve"),
            Err(ParseError::UnknownEncoding)
        );
    }
}
