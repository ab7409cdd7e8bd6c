//! The Chinese analyzer of the search index: jieba word segmentation over width- and case-folded
//! text, without punctuation and a few function words.
//!
//! Folding maps every character to exactly one character (full-width Latin letters and digits to
//! ASCII, the ideographic space to a space, capitals to small letters), so the character
//! positions jieba reports stay those of the original text and byte offsets can be mapped back:
//! highlights land on the text as the citizen wrote it.
//!
//! Documents are cut in jieba's search mode (a long word also yields the words inside it:
//! 中华人民共和国 → 中华, 人民, 共和国, …), queries in its default mode (the longest words), so
//! a query for 供热 finds 集中供热 and a query for 集中供热 does not match every 供热.

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

/// Tokenizer names registered on the index.
pub const DOC_TOKENIZER: &str = "zh";

/// Words too common to search for on their own; a query made only of them finds nothing.
const STOP_WORDS: &[&str] = &[
    "的", "了", "和", "是", "在", "也", "就", "都", "而", "及", "与", "或", "等", "之", "着", "吧",
    "呢", "啊", "吗", "把", "被", "对", "将", "其", "这", "那", "有", "我", "你", "他", "a", "an",
    "the", "of", "and", "or", "to", "in",
];

/// Maps one character to one character: full-width ASCII to ASCII, ideographic space to space,
/// capitals to small letters (where that is a single character).
pub fn fold_char(c: char) -> char {
    let c = match c as u32 {
        0xFF01..=0xFF5E => char::from_u32(c as u32 - 0xFF01 + 0x21).unwrap_or(c),
        0x3000 => ' ',
        _ => c,
    };
    if c.is_uppercase() {
        let mut lower = c.to_lowercase();
        if let (Some(l), None) = (lower.next(), lower.next()) {
            return l;
        }
    }
    c
}

/// The folded text, as used for indexing and for queries.
pub fn fold(text: &str) -> String {
    text.chars().map(fold_char).collect()
}

/// A word worth indexing: has a letter or digit (jieba also emits punctuation and spaces) and is
/// not a stop word.
fn keep(word: &str) -> bool {
    word.chars().any(char::is_alphanumeric) && !STOP_WORDS.contains(&word)
}

/// Cuts `text` into tokens whose offsets refer to `text` itself.
pub fn tokens(text: &str, search_mode: bool) -> Vec<Token> {
    let folded = fold(text);
    // Byte offset in `text` of each character, indexed by character number (plus the end).
    let mut original: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
    original.push(text.len());
    // tantivy-jieba reports positions as character numbers of the (folded) text.
    let mut jieba = tantivy_jieba::JiebaTokenizer::with_search_mode(search_mode);
    let mut stream = jieba.token_stream(&folded);
    let mut out = Vec::new();
    while let Some(t) = stream.next() {
        if !keep(&t.text) {
            continue;
        }
        let (start, end) = (t.position, t.position + t.position_length);
        if end >= original.len() {
            continue;
        }
        out.push(Token {
            offset_from: original[start],
            offset_to: original[end],
            position: start,
            text: t.text.clone(),
            position_length: t.position_length,
        });
    }
    out
}

/// Loads the dictionary now rather than in the first request that needs it.
pub fn warm_up() {
    let _ = tokens("供热", false);
}

/// The tantivy tokenizer: search mode for documents, default mode for queries.
#[derive(Clone, Copy)]
pub struct ChineseTokenizer {
    pub search_mode: bool,
}

pub struct VecTokenStream {
    tokens: Vec<Token>,
    next: usize,
}

impl TokenStream for VecTokenStream {
    fn advance(&mut self) -> bool {
        self.next += 1;
        self.next <= self.tokens.len()
    }
    fn token(&self) -> &Token {
        &self.tokens[self.next - 1]
    }
    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.next - 1]
    }
}

impl Tokenizer for ChineseTokenizer {
    type TokenStream<'a> = VecTokenStream;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> VecTokenStream {
        VecTokenStream {
            tokens: tokens(text, self.search_mode),
            next: 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn words(text: &str, search: bool) -> Vec<String> {
        tokens(text, search).into_iter().map(|t| t.text).collect()
    }

    #[test]
    fn chinese_is_cut_into_words_and_punctuation_is_dropped() {
        let w = words("冬季供热温度不达标，请尽快解决！", false);
        assert!(w.contains(&"供热".to_string()), "{w:?}");
        assert!(w.contains(&"温度".to_string()), "{w:?}");
        assert!(!w.iter().any(|t| t == "，" || t == "！"), "{w:?}");
    }

    #[test]
    fn search_mode_also_yields_the_words_inside_a_long_word() {
        let w = words("中华人民共和国", true);
        for part in ["中华", "人民", "共和国", "中华人民共和国"] {
            assert!(w.contains(&part.to_string()), "{part} in {w:?}");
        }
        assert_eq!(words("中华人民共和国", false), vec!["中华人民共和国"]);
    }

    #[test]
    fn full_width_and_capitals_fold_to_the_same_word() {
        assert_eq!(words("ＷｉＦｉ信号差", false), words("wifi信号差", false));
        assert_eq!(words("ＰＭ２．５超标", false), words("pm2.5超标", false));
        assert!(words("WiFi", false).contains(&"wifi".to_string()));
    }

    #[test]
    fn offsets_point_into_the_original_text() {
        let text = "ＡＢＣ小区，供热。";
        for t in tokens(text, true) {
            let slice = &text[t.offset_from..t.offset_to];
            assert_eq!(fold(slice), t.text, "{t:?}");
        }
    }

    #[test]
    fn stop_words_and_punctuation_alone_leave_nothing() {
        assert!(tokens("的了和，。！？", false).is_empty());
        assert!(tokens("   ", true).is_empty());
    }

    proptest! {
        #[test]
        fn folding_keeps_the_character_count(s in "\\PC{0,40}") {
            prop_assert_eq!(fold(&s).chars().count(), s.chars().count());
        }

        #[test]
        fn every_token_is_a_folded_slice_of_the_text(s in "[\\u{4e00}-\\u{4e80}a-zA-Zａ-ｚ0-9，。 ]{0,40}") {
            for t in tokens(&s, true) {
                prop_assert!(s.is_char_boundary(t.offset_from) && s.is_char_boundary(t.offset_to));
                prop_assert_eq!(fold(&s[t.offset_from..t.offset_to]), t.text);
            }
        }
    }
}
