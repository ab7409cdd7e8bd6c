//! Bytes to text: UTF-8 (with or without BOM), UTF-16 (Word's and Excel's "Unicode text",
//! with its BOM), GB18030/GBK as government offices often save, or Big5 (traditional
//! characters, as Taiwan and Hong Kong sites serve). Never guesses silently: GBK and Big5 are
//! told apart by which reading gives common Chinese characters, and text that is none of these
//! is refused.

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
    if let Some(text) = utf16(bytes) {
        let text = text?;
        if text.trim().is_empty() {
            return Err(ParseError::Empty);
        }
        return Ok(text);
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
    // Not UTF-8: GB18030 (a superset of GBK and GB2312) or Big5 must decode without a single
    // error, and the result must read as Chinese, or the file is refused. Big5 bytes also
    // decode as GBK (into rare characters): the reading with more common characters wins.
    let candidates = [encoding_rs::GB18030, encoding_rs::BIG5]
        .into_iter()
        .filter_map(|enc| {
            let (text, had_errors) = enc.decode_without_bom_handling(bytes);
            (!had_errors).then(|| (common_share(&text), text.into_owned()))
        })
        .max_by(|a, b| a.0.total_cmp(&b.0));
    let Some((_, text)) = candidates else {
        return Err(ParseError::UnknownEncoding);
    };
    let cjk = text
        .chars()
        .filter(|c| ('\u{4e00}'..='\u{9fff}').contains(c))
        .count();
    let non_space = text.chars().filter(|c| !c.is_whitespace()).count().max(1);
    if cjk * 3 < non_space {
        return Err(ParseError::UnknownEncoding);
    }
    Ok(text)
}

/// UTF-16 text: with a BOM, or without one when every other byte of ASCII-heavy text is 0.
/// `None` when the bytes are not UTF-16.
fn utf16(bytes: &[u8]) -> Option<Result<String, ParseError>> {
    let (encoding, body) = if let Some(b) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        (encoding_rs::UTF_16LE, b)
    } else if let Some(b) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        (encoding_rs::UTF_16BE, b)
    } else {
        let sample = &bytes[..bytes.len().min(4096) & !1];
        if sample.len() < 8 {
            return None;
        }
        let zeros = |parity: usize| {
            sample
                .iter()
                .skip(parity)
                .step_by(2)
                .filter(|b| **b == 0)
                .count()
        };
        let half = sample.len() / 2;
        let (odd, even) = (zeros(1), zeros(0));
        if odd * 10 >= half * 3 && even * 20 < half {
            (encoding_rs::UTF_16LE, bytes)
        } else if even * 10 >= half * 3 && odd * 20 < half {
            (encoding_rs::UTF_16BE, bytes)
        } else {
            return None;
        }
    };
    let (text, had_errors) = encoding.decode_without_bom_handling(body);
    if had_errors {
        return Some(Err(ParseError::UnknownEncoding));
    }
    Some(Ok(text.into_owned()))
}

/// Characters common in legislative and administrative text, in both scripts.
const COMMON: &str = "的一是不了人在有中大上国國个個到为為和地出也时時年得就要下以生会會自着去之过過家对對可里后後心多天而能好都然没沒日于於起还還发發成事只作当當想看文无無开開手十用主行方又如前所本见見经經面公同三已从從动動两兩长長知民样樣现現分将將外但身些与與高意进進把法此实實回二理点點月明其种種全工己话話向情部正名定女问問力机機给給等几幾很业業最间間新打便位因重被走电電四第门門相次东東政海口使教西再平真听聽世气氣信北少关關并並内內加化由却卻代军軍产產入先山五太水万萬市眼体體别別处處总總才场場书書比住员員九性通目华華报報立马馬命张張活难難数數件安表原车車白应應路期常提感金何更反合放做系计計或司利受光王果亲親界及今京务務制解各任至清物台记記边邊共风風战戰接它许許八特直服林题題建南度统統色字请請交让讓认認算论論百某谈談早拿半切改规規条條例款项項办辦施院委省县縣区區乡鄉镇鎮村街社管護护保障依据據定罚罰责責";

fn common_share(text: &str) -> f64 {
    let mut cjk = 0usize;
    let mut common = 0usize;
    for c in text
        .chars()
        .filter(|c| ('\u{4e00}'..='\u{9fff}').contains(c))
    {
        cjk += 1;
        if COMMON.contains(c) {
            common += 1;
        }
    }
    common as f64 / cjk.max(1) as f64
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
    fn decodes_big5_and_utf16_with_and_without_bom() {
        let text = "第一條 為了規範物業管理活動，維護業主的合法權益，制定本條例。";
        let (big5, _, unmappable) = encoding_rs::BIG5.encode(text);
        assert!(!unmappable);
        assert_eq!(decode(&big5).unwrap(), text);
        let mut le = vec![0xFF, 0xFE];
        le.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(decode(&le).unwrap(), text);
        let mut be = vec![0xFE, 0xFF];
        be.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
        assert_eq!(decode(&be).unwrap(), text);
        let ascii_heavy = "name\tlevel\r\n昌吉市\t2\r\n";
        let bare: Vec<u8> = ascii_heavy
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        assert_eq!(decode(&bare).unwrap(), ascii_heavy);
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
        // Latin-1 text is neither UTF-8 nor Chinese GB18030 nor Big5.
        assert_eq!(
            decode(b"caf\xe9 cr\xe8me br\xfbl\xe9e na\xefve"),
            Err(ParseError::UnknownEncoding)
        );
    }
}
