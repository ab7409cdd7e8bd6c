//! Word documents (`.docx`, as Word and WPS save them) as the text the parser reads: one line
//! per paragraph, in the order Word shows them.
//!
//! * Automatic numbering is written out: many drafts number 第X条 and （一） with Word's list
//!   numbering, so the label is not in the paragraph's text. The numbering definitions
//!   (`word/numbering.xml`, also through paragraph styles in `word/styles.xml`) give each
//!   level's format (`chineseCounting`, `chineseCountingThousand`, `ideographTraditional`,
//!   `decimal` …) and text (`第%1条`, `（%1）`), and the counters run as Word runs them.
//! * Tracked changes are read as accepted (deleted text left out, inserted text kept); hidden
//!   text, field instructions and page-number fields are left out.
//! * Headers, footers and page numbers live in other parts of the package and are not read;
//!   footnotes and endnotes are dropped (their reference marks too) with a warning, as are text
//!   boxes.
//! * Tables: a row of several cells is one line (cells separated by a full-width space, as an
//!   annex's table reads); a one-cell row (a layout frame around text) gives its paragraphs.
//!
//! The zip container and the XML are read with the `zip` and `quick-xml` crates; the structure
//! logic is ours.

use super::numerals;
use super::{ParseError, Warning};
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;
use std::collections::HashMap;
use std::io::Read;

/// Largest part of the package read (document.xml of the largest code is a few MB).
const MAX_PART_BYTES: u64 = 64 * 1024 * 1024;

/// The text of a Word document and what was left out of it.
#[derive(Clone, Debug, PartialEq)]
pub struct DocxText {
    pub text: String,
    /// Warnings with the line (of `text`) they concern.
    pub warnings: Vec<Warning>,
}

/// Whether the bytes are a zip package holding a Word document.
pub fn is_docx(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04")
        && zip::ZipArchive::new(std::io::Cursor::new(bytes))
            .is_ok_and(|z| z.index_for_name("word/document.xml").is_some())
}

fn read_part(
    zip: &mut zip::ZipArchive<std::io::Cursor<&[u8]>>,
    name: &str,
) -> Result<Option<String>, ParseError> {
    let Some(index) = zip.index_for_name(name) else {
        return Ok(None);
    };
    let file = zip
        .by_index(index)
        .map_err(|e| ParseError::Docx(format!("{name}: {e}")))?;
    if file.size() > MAX_PART_BYTES {
        return Err(ParseError::Docx(format!(
            "{name} is {} MB uncompressed",
            file.size() / 1_048_576
        )));
    }
    let mut bytes = Vec::new();
    file.take(MAX_PART_BYTES)
        .read_to_end(&mut bytes)
        .map_err(|e| ParseError::Docx(format!("{name}: {e}")))?;
    let text = String::from_utf8(bytes)
        .map_err(|_| ParseError::Docx(format!("{name} is not UTF-8 XML")))?;
    Ok(Some(text))
}

/// One part of a `.docx` package as text (`word/styles.xml` …), `None` when absent.
pub fn part(bytes: &[u8], name: &str) -> Result<Option<String>, ParseError> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| ParseError::Docx(format!("not a zip package: {e}")))?;
    read_part(&mut zip, name)
}

/// Reads a `.docx` package into text.
pub fn to_text(bytes: &[u8]) -> Result<DocxText, ParseError> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| ParseError::Docx(format!("not a zip package: {e}")))?;
    let document = read_part(&mut zip, "word/document.xml")?.ok_or_else(|| {
        ParseError::Docx("the package has no word/document.xml (not a Word document)".into())
    })?;
    let numbering = match read_part(&mut zip, "word/numbering.xml")? {
        Some(xml) => Numbering::read(&xml)?,
        None => Numbering::default(),
    };
    let styles = match read_part(&mut zip, "word/styles.xml")? {
        Some(xml) => Styles::read(&xml)?,
        None => Styles::default(),
    };
    Body::read(&document, &numbering, &styles)
}

fn xml_error(part: &str, e: impl std::fmt::Display) -> ParseError {
    ParseError::Docx(format!("{part}: {e}"))
}

/// An attribute of an element by its local name (whatever the namespace prefix), unescaped.
fn attr(e: &BytesStart, name: &str) -> Option<String> {
    let a = e
        .attributes()
        .with_checks(false)
        .flatten()
        .find(|a| a.key.local_name().as_ref() == name)?;
    a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
        .ok()
        .map(|v| v.into_owned())
}

fn val(e: &BytesStart) -> Option<String> {
    attr(e, "val")
}

fn int_val(e: &BytesStart) -> Option<i64> {
    val(e)?.trim().parse().ok()
}

// ---------------------------------------------------------------------------------------------
// numbering.xml

#[derive(Clone, Debug, Default, PartialEq)]
struct Level {
    start: i64,
    format: String,
    text: String,
    /// What follows the number: a tab (shown as a space), a space, or nothing.
    suffix: String,
    legal: bool,
    /// `w:lvlRestart`: restart after a use of this (1-based) level or a higher one; 0: never.
    restart: Option<u8>,
}

/// A list instance's overrides of one level: a start value, or a whole new definition.
type LevelOverride = (Option<i64>, Option<Level>);

#[derive(Clone, Debug, Default)]
struct Numbering {
    abstracts: HashMap<String, HashMap<u8, Level>>,
    /// numId → (abstractNumId, overrides by level).
    nums: HashMap<String, (String, HashMap<u8, LevelOverride>)>,
}

impl Numbering {
    fn read(xml: &str) -> Result<Numbering, ParseError> {
        let mut out = Numbering::default();
        let mut reader = Reader::from_str(xml);
        let mut abstract_id: Option<String> = None;
        let mut num_id: Option<String> = None;
        let mut override_level: Option<u8> = None;
        let mut level: Option<(u8, Level)> = None;
        loop {
            let event = reader
                .read_event()
                .map_err(|e| xml_error("numbering.xml", e))?;
            match &event {
                Event::Start(e) | Event::Empty(e) => {
                    let empty = matches!(event, Event::Empty(_));
                    match e.local_name().as_ref() {
                        "abstractNum" => abstract_id = attr(e, "abstractNumId"),
                        "num" => {
                            num_id = attr(e, "numId");
                        }
                        "abstractNumId" => {
                            if let (Some(n), Some(a)) = (&num_id, val(e)) {
                                out.nums.entry(n.clone()).or_default().0 = a;
                            }
                        }
                        "lvlOverride" => {
                            override_level = attr(e, "ilvl").and_then(|v| v.parse().ok());
                        }
                        "startOverride" => {
                            if let (Some(n), Some(l)) = (&num_id, override_level) {
                                out.nums
                                    .entry(n.clone())
                                    .or_default()
                                    .1
                                    .entry(l)
                                    .or_default()
                                    .0 = int_val(e);
                            }
                        }
                        "lvl" if !empty => {
                            let ilvl = attr(e, "ilvl").and_then(|v| v.parse().ok()).unwrap_or(0);
                            level = Some((
                                ilvl,
                                Level {
                                    format: "decimal".into(),
                                    suffix: "tab".into(),
                                    ..Level::default()
                                },
                            ));
                        }
                        "start" => {
                            if let Some((_, l)) = &mut level {
                                l.start = int_val(e).unwrap_or(0);
                            }
                        }
                        "numFmt" => {
                            if let (Some((_, l)), Some(v)) = (&mut level, val(e)) {
                                l.format = v;
                            }
                        }
                        "lvlText" => {
                            if let Some((_, l)) = &mut level {
                                l.text = val(e).unwrap_or_default();
                            }
                        }
                        "suff" => {
                            if let (Some((_, l)), Some(v)) = (&mut level, val(e)) {
                                l.suffix = v;
                            }
                        }
                        "lvlRestart" => {
                            if let Some((_, l)) = &mut level {
                                l.restart = int_val(e).map(|v| v.clamp(0, 9) as u8);
                            }
                        }
                        "isLgl" => {
                            if let Some((_, l)) = &mut level {
                                l.legal = val(e).is_none_or(|v| v != "0" && v != "false");
                            }
                        }
                        _ => {}
                    }
                }
                Event::End(e) => match e.local_name().as_ref() {
                    "lvl" => {
                        if let Some((ilvl, l)) = level.take() {
                            if let (Some(n), Some(o)) = (&num_id, override_level) {
                                out.nums
                                    .entry(n.clone())
                                    .or_default()
                                    .1
                                    .entry(o)
                                    .or_default()
                                    .1 = Some(l);
                            } else if let Some(a) = &abstract_id {
                                out.abstracts.entry(a.clone()).or_default().insert(ilvl, l);
                            }
                        }
                    }
                    "lvlOverride" => override_level = None,
                    "abstractNum" => abstract_id = None,
                    "num" => num_id = None,
                    _ => {}
                },
                Event::Eof => break,
                _ => {}
            }
        }
        Ok(out)
    }

    /// The definition of level `ilvl` of list `num`, with the list's overrides.
    fn level(&self, num: &str, ilvl: u8) -> Option<(String, Level, Option<i64>)> {
        let (abstract_id, overrides) = self.nums.get(num)?;
        let o = overrides.get(&ilvl);
        let level = o
            .and_then(|(_, l)| l.clone())
            .or_else(|| self.abstracts.get(abstract_id)?.get(&ilvl).cloned())?;
        Some((abstract_id.clone(), level, o.and_then(|(s, _)| *s)))
    }
}

/// A number in one of Word's formats.
fn format_number(n: i64, format: &str) -> String {
    const TEN_STEMS: [&str; 10] = ["甲", "乙", "丙", "丁", "戊", "己", "庚", "辛", "壬", "癸"];
    const BRANCHES: [&str; 12] = [
        "子", "丑", "寅", "卯", "辰", "巳", "午", "未", "申", "酉", "戌", "亥",
    ];
    let positive = n.max(0) as u32;
    match format {
        "chineseCounting"
        | "chineseCountingThousand"
        | "japaneseCounting"
        | "taiwaneseCounting"
        | "taiwaneseCountingThousand"
        | "koreanCounting"
        | "ideographDigital"
        | "chineseLegalSimplified" => {
            if positive == 0 {
                "〇".into()
            } else {
                numerals::to_chinese(positive)
            }
        }
        "ideographTraditional" => TEN_STEMS[(positive.max(1) as usize - 1) % 10].into(),
        "ideographZodiac" => BRANCHES[(positive.max(1) as usize - 1) % 12].into(),
        "decimalFullWidth" | "decimalFullWidth2" => positive
            .to_string()
            .chars()
            .map(|c| char::from_u32(c as u32 - '0' as u32 + '０' as u32).unwrap_or(c))
            .collect(),
        "decimalZero" => format!("{positive:02}"),
        "decimalEnclosedCircle" | "decimalEnclosedCircleChinese"
            if (1..=20).contains(&positive) =>
        {
            char::from_u32('①' as u32 + positive - 1)
                .map(String::from)
                .unwrap_or_default()
        }
        "decimalEnclosedParen" if (1..=20).contains(&positive) => {
            char::from_u32('⑴' as u32 + positive - 1)
                .map(String::from)
                .unwrap_or_default()
        }
        "lowerLetter" | "upperLetter" => {
            let base = if format == "lowerLetter" { b'a' } else { b'A' };
            let k = positive.max(1) - 1;
            let c = char::from(base + (k % 26) as u8);
            c.to_string().repeat(k as usize / 26 + 1)
        }
        "lowerRoman" | "upperRoman" => {
            let r = roman(positive);
            if format == "lowerRoman" {
                r.to_lowercase()
            } else {
                r
            }
        }
        "none" | "bullet" => String::new(),
        _ => positive.to_string(),
    }
}

fn roman(mut n: u32) -> String {
    let table = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    let mut out = String::new();
    for (v, s) in table {
        while n >= v {
            out.push_str(s);
            n -= v;
        }
    }
    out
}

/// The running counters of the lists, as Word keeps them: one set per abstract list, so that
/// two lists sharing a definition continue each other unless one restarts.
#[derive(Default)]
struct Counters {
    values: HashMap<String, [Option<i64>; 9]>,
    seen_nums: std::collections::HashSet<String>,
}

impl Counters {
    /// The label Word shows for a paragraph of list `num` at level `ilvl`.
    fn next(&mut self, numbering: &Numbering, num: &str, ilvl: u8) -> Option<String> {
        let ilvl = ilvl.min(8);
        let (abstract_id, level, start_override) = numbering.level(num, ilvl)?;
        if level.format == "bullet" {
            return Some(String::new());
        }
        let first_use = self.seen_nums.insert(num.to_string());
        let values = self.values.entry(abstract_id.clone()).or_default();
        let i = ilvl as usize;
        values[i] = Some(match (values[i], start_override.filter(|_| first_use)) {
            (_, Some(s)) => s,
            (Some(v), None) => v + 1,
            (None, None) => level.start,
        });
        for (k, deeper) in values.iter_mut().enumerate().skip(i + 1) {
            let restart = numbering
                .level(num, k as u8)
                .and_then(|(_, l, _)| l.restart);
            // By default a level restarts after any higher level; lvlRestart names the lowest
            // level (1-based) that restarts it, 0 none.
            if restart.is_none_or(|r| r != 0 && i < r as usize) {
                *deeper = None;
            }
        }
        let values = *values;
        let mut label = String::new();
        let mut chars = level.text.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '%' {
                if let Some(d) = chars.peek().and_then(|d| d.to_digit(10)) {
                    chars.next();
                    let k = (d as usize).saturating_sub(1).min(8);
                    let def = numbering
                        .level(num, k as u8)
                        .map(|(_, l, _)| l)
                        .unwrap_or_default();
                    let value = values[k].unwrap_or(def.start);
                    let format = if level.legal && k != i {
                        "decimal"
                    } else {
                        def.format.as_str()
                    };
                    label.push_str(&format_number(value, format));
                    continue;
                }
            }
            label.push(c);
        }
        if !label.is_empty() && level.suffix != "nothing" {
            label.push(' ');
        }
        Some(label)
    }
}

// ---------------------------------------------------------------------------------------------
// styles.xml

#[derive(Clone, Debug, Default)]
struct Style {
    based_on: Option<String>,
    num: Option<String>,
    ilvl: Option<u8>,
}

#[derive(Clone, Debug, Default)]
struct Styles(HashMap<String, Style>);

impl Styles {
    fn read(xml: &str) -> Result<Styles, ParseError> {
        let mut out = HashMap::new();
        let mut reader = Reader::from_str(xml);
        let mut current: Option<(String, Style)> = None;
        loop {
            let event = reader
                .read_event()
                .map_err(|e| xml_error("styles.xml", e))?;
            match &event {
                Event::Start(e) | Event::Empty(e) => match e.local_name().as_ref() {
                    "style" if matches!(event, Event::Start(_)) => {
                        current = attr(e, "styleId").map(|id| (id, Style::default()));
                    }
                    "basedOn" => {
                        if let Some((_, s)) = &mut current {
                            s.based_on = val(e);
                        }
                    }
                    "numId" => {
                        if let Some((_, s)) = &mut current {
                            s.num = val(e);
                        }
                    }
                    "ilvl" => {
                        if let Some((_, s)) = &mut current {
                            s.ilvl = val(e).and_then(|v| v.parse().ok());
                        }
                    }
                    _ => {}
                },
                Event::End(e) if e.local_name().as_ref() == "style" => {
                    if let Some((id, s)) = current.take() {
                        out.insert(id, s);
                    }
                }
                Event::Eof => break,
                _ => {}
            }
        }
        Ok(Styles(out))
    }

    /// The list numbering a paragraph style carries (through the styles it is based on).
    fn numbering(&self, style: &str) -> (Option<String>, Option<u8>) {
        let mut num = None;
        let mut ilvl = None;
        let mut id = Some(style.to_string());
        for _ in 0..16 {
            let Some(s) = id.as_ref().and_then(|i| self.0.get(i)) else {
                break;
            };
            num = num.or_else(|| s.num.clone());
            ilvl = ilvl.or(s.ilvl);
            id = s.based_on.clone();
        }
        (num, ilvl)
    }
}

// ---------------------------------------------------------------------------------------------
// document.xml

#[derive(Default)]
struct Paragraph {
    style: Option<String>,
    num: Option<String>,
    ilvl: Option<u8>,
    text: String,
}

/// A field being read: its instruction so far, and whether its result is shown.
struct Field {
    instruction: String,
    in_result: bool,
}

#[derive(Default)]
struct Body {
    lines: Vec<String>,
    warnings: Vec<Warning>,
    /// The table rows being read (a row of a nested table above the row of the cell that
    /// holds it): each row's cells, each cell's paragraphs.
    rows: Vec<Vec<Vec<String>>>,
    footnotes: Vec<u32>,
    text_boxes: u32,
    revisions: bool,
}

impl Body {
    fn read(xml: &str, numbering: &Numbering, styles: &Styles) -> Result<DocxText, ParseError> {
        let mut body = Body::default();
        let mut counters = Counters::default();
        let mut reader = Reader::from_str(xml);
        let mut para: Option<Paragraph> = None;
        // Depth inside elements whose text Word does not show (deleted text, text boxes, the
        // fallback copy of drawings).
        let mut hidden_depth = 0u32;
        let mut in_text = false;
        let mut in_run_props = false;
        let mut run_hidden = false;
        let mut fields: Vec<Field> = Vec::new();
        let mut in_instr = false;
        let mut in_para_props = false;
        loop {
            let event = reader
                .read_event()
                .map_err(|e| xml_error("document.xml", e))?;
            match &event {
                Event::Start(e) => {
                    let name = e.local_name();
                    let name = name.as_ref();
                    if hidden_depth > 0 {
                        hidden_depth += 1;
                        continue;
                    }
                    match name {
                        "del" | "moveFrom" => {
                            body.revisions = true;
                            hidden_depth = 1;
                        }
                        "Fallback" => hidden_depth = 1,
                        "txbxContent" => {
                            body.text_boxes += 1;
                            hidden_depth = 1;
                        }
                        "pPrChange" | "rPrChange" | "sectPrChange" | "tblPrChange"
                        | "trPrChange" | "tcPrChange" | "numberingChange" => {
                            body.revisions = true;
                            hidden_depth = 1;
                        }
                        "ins" | "moveTo" => body.revisions = true,
                        "pPr" => in_para_props = true,
                        "tr" => body.rows.push(Vec::new()),
                        "tc" => {
                            if let Some(row) = body.rows.last_mut() {
                                row.push(Vec::new());
                            }
                        }
                        "p" => para = Some(Paragraph::default()),
                        "r" => run_hidden = false,
                        "rPr" => in_run_props = true,
                        "t" => in_text = true,
                        "instrText" => in_instr = true,
                        "fldSimple" => fields.push(Field {
                            instruction: attr(e, "instr").unwrap_or_default(),
                            in_result: true,
                        }),
                        _ => {}
                    }
                }
                Event::Empty(e) => {
                    if hidden_depth > 0 {
                        continue;
                    }
                    let name = e.local_name();
                    match name.as_ref() {
                        "pStyle" => {
                            if let Some(p) = &mut para {
                                p.style = val(e);
                            }
                        }
                        "numId" => {
                            if let Some(p) = &mut para {
                                p.num = val(e);
                            }
                        }
                        "ilvl" => {
                            if let Some(p) = &mut para {
                                p.ilvl = val(e).and_then(|v| v.parse().ok());
                            }
                        }
                        "vanish" if in_run_props => {
                            run_hidden = val(e).is_none_or(|v| v != "0" && v != "false");
                        }
                        "tab" | "ptab" if !in_run_props && !in_para_props => {
                            push_text(&mut para, " ", run_hidden)
                        }
                        "br" | "cr" => {
                            let kind = attr(e, "type").unwrap_or_default();
                            if kind != "page" && kind != "column" {
                                push_text(&mut para, "\n", run_hidden);
                            }
                        }
                        "noBreakHyphen" => push_text(&mut para, "-", run_hidden),
                        "footnoteReference" | "endnoteReference" => {
                            body.footnotes.push(body.lines.len() as u32 + 1);
                        }
                        "fldChar" => match attr(e, "fldCharType").as_deref() {
                            Some("begin") => fields.push(Field {
                                instruction: String::new(),
                                in_result: false,
                            }),
                            Some("separate") => {
                                if let Some(f) = fields.last_mut() {
                                    f.in_result = true;
                                }
                            }
                            Some("end") => {
                                fields.pop();
                            }
                            _ => {}
                        },
                        "p" => {
                            body.paragraph(Paragraph::default(), numbering, styles, &mut counters)
                        }
                        _ => {}
                    }
                }
                Event::Text(t) => {
                    if hidden_depth > 0 {
                        continue;
                    }
                    let s = t.xml10_content();
                    if in_instr {
                        if let Some(f) = fields.last_mut() {
                            f.instruction.push_str(&s);
                        }
                    } else if in_text && shown(&fields) {
                        push_text(&mut para, &s, run_hidden);
                    }
                }
                Event::GeneralRef(r) => {
                    if hidden_depth > 0 || !in_text || !shown(&fields) {
                        continue;
                    }
                    let c = match r.resolve_char_ref() {
                        Ok(Some(c)) => Some(c),
                        _ => match r.as_ref() {
                            "amp" => Some('&'),
                            "lt" => Some('<'),
                            "gt" => Some('>'),
                            "quot" => Some('"'),
                            "apos" => Some('\''),
                            _ => None,
                        },
                    };
                    if let Some(c) = c {
                        push_text(&mut para, c.encode_utf8(&mut [0; 4]), run_hidden);
                    }
                }
                Event::End(e) => {
                    if hidden_depth > 0 {
                        hidden_depth -= 1;
                        continue;
                    }
                    match e.local_name().as_ref() {
                        "t" => in_text = false,
                        "instrText" => in_instr = false,
                        "rPr" => in_run_props = false,
                        "fldSimple" => {
                            fields.pop();
                        }
                        "p" => {
                            if let Some(p) = para.take() {
                                body.paragraph(p, numbering, styles, &mut counters);
                            }
                        }
                        "pPr" => in_para_props = false,
                        "tr" => body.end_row(),
                        _ => {}
                    }
                }
                Event::Eof => break,
                _ => {}
            }
        }
        if let Some(&first) = body.footnotes.first() {
            body.warnings.push(Warning {
                line: first,
                message: format!(
                    "已删除 {} 处脚注或尾注（草案正文不含注释；第{}行等）",
                    body.footnotes.len(),
                    body.footnotes
                        .iter()
                        .take(10)
                        .map(u32::to_string)
                        .collect::<Vec<_>>()
                        .join("、")
                ),
            });
        }
        if body.text_boxes > 0 {
            body.warnings.push(Warning {
                line: 1,
                message: format!(
                    "文档中有 {} 个文本框，其中的文字未读取（请把草案文字放在正文中）",
                    body.text_boxes
                ),
            });
        }
        if body.revisions {
            body.warnings.push(Warning {
                line: 1,
                message: "文档含有修订记录，已按接受全部修订后的文字读取".into(),
            });
        }
        let mut text = body.lines.join("\n");
        text.push('\n');
        Ok(DocxText {
            text,
            warnings: body.warnings,
        })
    }

    fn paragraph(
        &mut self,
        p: Paragraph,
        numbering: &Numbering,
        styles: &Styles,
        counters: &mut Counters,
    ) {
        let (style_num, style_ilvl) = p
            .style
            .as_deref()
            .map(|s| styles.numbering(s))
            .unwrap_or_default();
        let num = p.num.or(style_num).filter(|n| n != "0");
        let label = num
            .and_then(|n| counters.next(numbering, &n, p.ilvl.or(style_ilvl).unwrap_or(0)))
            .unwrap_or_default();
        let text = format!("{label}{}", p.text);
        // A table cell collects its paragraphs; elsewhere each paragraph is a line.
        if let Some(cell) = self.rows.last_mut().and_then(|row| row.last_mut()) {
            cell.push(text);
            return;
        }
        for part in text.split('\n') {
            self.lines.push(part.trim_end().to_string());
        }
    }

    fn end_row(&mut self) {
        let Some(row) = self.rows.pop() else {
            return;
        };
        let cells: Vec<String> = row
            .iter()
            .map(|c| {
                c.iter()
                    .map(|p| p.replace('\n', " ").trim().to_string())
                    .filter(|p| !p.is_empty())
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect();
        let lines: Vec<String> = if row.len() == 1 {
            row.into_iter()
                .flatten()
                .flat_map(|p| p.split('\n').map(str::to_string).collect::<Vec<_>>())
                .collect()
        } else if cells.iter().any(|c| !c.is_empty()) {
            vec![cells.join("　")]
        } else {
            Vec::new()
        };
        // A row inside a cell of an outer table belongs to that cell.
        if let Some(cell) = self.rows.last_mut().and_then(|r| r.last_mut()) {
            cell.extend(lines);
        } else {
            self.lines.extend(lines);
        }
    }
}

/// Whether text at this point is shown: not inside a field's instruction, nor in the result
/// of a page-number field.
fn shown(fields: &[Field]) -> bool {
    fields.iter().all(|f| {
        let instruction = f.instruction.trim_start().to_ascii_uppercase();
        f.in_result
            && !instruction.starts_with("PAGE")
            && !instruction.starts_with("NUMPAGES")
            && !instruction.starts_with("SECTIONPAGES")
    })
}

fn push_text(para: &mut Option<Paragraph>, s: &str, hidden: bool) {
    if hidden {
        return;
    }
    if let Some(p) = para {
        p.text.push_str(s);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn package(parts: &[(&str, &str)]) -> Vec<u8> {
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default();
        for (name, content) in parts {
            zip.start_file(*name, options).unwrap();
            zip.write_all(content.as_bytes()).unwrap();
        }
        zip.finish().unwrap().into_inner()
    }

    const W: &str = "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"";

    fn p(props: &str, runs: &str) -> String {
        format!("<w:p><w:pPr>{props}</w:pPr>{runs}</w:p>")
    }

    fn r(text: &str) -> String {
        format!("<w:r><w:t xml:space=\"preserve\">{text}</w:t></w:r>")
    }

    /// A document as Word writes one: articles numbered through a paragraph style linked to a
    /// list (chineseCountingThousand, 第%1条), items through direct numbering restarted per
    /// article, a heading numbered 第%1章 with ideographTraditional sections under it, a
    /// footnote, a PAGE field, tracked changes, hidden text, a table in the annex, and tab
    /// stops in paragraph properties.
    #[test]
    fn reads_a_word_document_as_word_shows_it() {
        let numbering = format!(
            "<w:numbering {W}>\
             <w:abstractNum w:abstractNumId=\"0\"><w:lvl w:ilvl=\"0\"><w:start w:val=\"1\"/><w:numFmt w:val=\"chineseCountingThousand\"/><w:lvlText w:val=\"第%1条\"/><w:suff w:val=\"space\"/></w:lvl></w:abstractNum>\
             <w:abstractNum w:abstractNumId=\"1\"><w:lvl w:ilvl=\"0\"><w:start w:val=\"1\"/><w:numFmt w:val=\"chineseCounting\"/><w:lvlText w:val=\"（%1）\"/><w:suff w:val=\"nothing\"/></w:lvl></w:abstractNum>\
             <w:abstractNum w:abstractNumId=\"2\"><w:lvl w:ilvl=\"0\"><w:start w:val=\"1\"/><w:numFmt w:val=\"chineseCounting\"/><w:lvlText w:val=\"第%1章\"/></w:lvl>\
             <w:lvl w:ilvl=\"1\"><w:start w:val=\"1\"/><w:numFmt w:val=\"ideographTraditional\"/><w:lvlText w:val=\"%2、\"/><w:suff w:val=\"nothing\"/></w:lvl></w:abstractNum>\
             <w:num w:numId=\"1\"><w:abstractNumId w:val=\"0\"/></w:num>\
             <w:num w:numId=\"2\"><w:abstractNumId w:val=\"1\"/></w:num>\
             <w:num w:numId=\"3\"><w:abstractNumId w:val=\"1\"/><w:lvlOverride w:ilvl=\"0\"><w:startOverride w:val=\"1\"/></w:lvlOverride></w:num>\
             <w:num w:numId=\"4\"><w:abstractNumId w:val=\"2\"/></w:num>\
             </w:numbering>"
        );
        let styles = format!(
            "<w:styles {W}><w:style w:type=\"paragraph\" w:styleId=\"a5\"><w:name w:val=\"条\"/>\
             <w:pPr><w:numPr><w:numId w:val=\"1\"/></w:numPr></w:pPr></w:style>\
             <w:style w:type=\"paragraph\" w:styleId=\"a6\"><w:basedOn w:val=\"a5\"/></w:style></w:styles>"
        );
        let article =
            "<w:pStyle w:val=\"a6\"/><w:tabs><w:tab w:val=\"left\" w:pos=\"420\"/></w:tabs>";
        let item = |num: u32| {
            format!("<w:numPr><w:ilvl w:val=\"0\"/><w:numId w:val=\"{num}\"/></w:numPr>")
        };
        let chapter = "<w:numPr><w:ilvl w:val=\"0\"/><w:numId w:val=\"4\"/></w:numPr>";
        let body = [
            p("", &r("某某条例（草案）")),
            p(chapter, &r("总则")),
            p(
                article,
                &format!(
                    "{}<w:r><w:footnoteReference w:id=\"1\"/></w:r>{}",
                    r("为了规范管理"),
                    r("，制定本条例。")
                ),
            ),
            p(article, &format!("{}<w:del><w:r><w:delText>旧的文字</w:delText></w:r></w:del><w:ins>{}</w:ins>", r("下列事项"), r("适用本条例"))),
            p(&item(2), &r("甲；")),
            p(&item(2), &format!("{}<w:r><w:rPr><w:vanish/></w:rPr><w:t>隐藏</w:t></w:r>", r("乙。"))),
            p(article, &r("下列行为应当禁止：")),
            p(&item(3), &r("丙；")),
            p(&item(3), &format!("{}<w:r><w:fldChar w:fldCharType=\"begin\"/></w:r><w:r><w:instrText> PAGE </w:instrText></w:r><w:r><w:fldChar w:fldCharType=\"separate\"/></w:r><w:r><w:t>7</w:t></w:r><w:r><w:fldChar w:fldCharType=\"end\"/></w:r>", r("丁。"))),
            p(chapter, &r("附则")),
            p(article, &r("本条例自公布之日起施行。")),
            p("", &r("附件：清单")),
            "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>序号</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>名称</w:t></w:r></w:p></w:tc></w:tr>\
             <w:tr><w:tc><w:p><w:r><w:t>1</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>锅炉</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"
                .to_string(),
        ]
        .concat();
        let document = format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><w:document {W}><w:body>{body}<w:sectPr/></w:body></w:document>"
        );
        let header = format!(
            "<w:hdr {W}>{}</w:hdr>",
            p("", &r("某某市人民代表大会常务委员会"))
        );
        let bytes = package(&[
            ("word/document.xml", &document),
            ("word/numbering.xml", &numbering),
            ("word/styles.xml", &styles),
            ("word/header1.xml", &header),
            ("word/footnotes.xml", "<w:footnotes/>"),
        ]);
        assert!(is_docx(&bytes));
        let d = to_text(&bytes).unwrap();
        let lines: Vec<&str> = d.text.lines().collect();
        assert_eq!(
            lines,
            [
                "某某条例（草案）",
                "第一章 总则",
                "第一条 为了规范管理，制定本条例。",
                "第二条 下列事项适用本条例",
                "（一）甲；",
                "（二）乙。",
                "第三条 下列行为应当禁止：",
                "（一）丙；",
                "（二）丁。",
                "第二章 附则",
                "第四条 本条例自公布之日起施行。",
                "附件：清单",
                "序号　名称",
                "1　锅炉",
            ]
        );
        let w: Vec<_> = d
            .warnings
            .iter()
            .map(|w| (w.line, w.message.as_str()))
            .collect();
        assert!(
            w.iter().any(|(l, m)| *l == 3 && m.contains("脚注")),
            "{w:?}"
        );
        assert!(w.iter().any(|(_, m)| m.contains("修订")), "{w:?}");
        let parsed = super::super::parse_text(&d.text).unwrap();
        assert_eq!((parsed.counts.zhang, parsed.counts.tiao), (2, 4));
    }

    /// One multi-level list for chapters and articles, as drafters set it up in Word: the
    /// article level never restarts (`lvlRestart` 0), so articles run on across chapters; a
    /// third level without it restarts under each article.
    #[test]
    fn multi_level_lists_restart_as_word_restarts_them() {
        let numbering = format!(
            "<w:numbering {W}><w:abstractNum w:abstractNumId=\"7\">\
             <w:lvl w:ilvl=\"0\"><w:start w:val=\"1\"/><w:numFmt w:val=\"chineseCounting\"/><w:lvlText w:val=\"第%1章\"/></w:lvl>\
             <w:lvl w:ilvl=\"1\"><w:start w:val=\"1\"/><w:lvlRestart w:val=\"0\"/><w:numFmt w:val=\"chineseCountingThousand\"/><w:lvlText w:val=\"第%2条\"/></w:lvl>\
             <w:lvl w:ilvl=\"2\"><w:start w:val=\"1\"/><w:numFmt w:val=\"chineseCounting\"/><w:lvlText w:val=\"（%3）\"/><w:suff w:val=\"nothing\"/></w:lvl>\
             </w:abstractNum><w:num w:numId=\"9\"><w:abstractNumId w:val=\"7\"/></w:num></w:numbering>"
        );
        let at = |level: u8, text: &str| {
            p(
                &format!("<w:numPr><w:ilvl w:val=\"{level}\"/><w:numId w:val=\"9\"/></w:numPr>"),
                &r(text),
            )
        };
        let body = [
            at(0, "总则"),
            at(1, "甲。"),
            at(1, "乙："),
            at(2, "子；"),
            at(2, "丑。"),
            at(0, "附则"),
            at(1, "丙："),
            at(2, "寅。"),
        ]
        .concat();
        let document = format!("<w:document {W}><w:body>{body}</w:body></w:document>");
        let bytes = package(&[
            ("word/document.xml", &document),
            ("word/numbering.xml", &numbering),
        ]);
        let text = to_text(&bytes).unwrap().text;
        assert_eq!(
            text.lines().collect::<Vec<_>>(),
            [
                "第一章 总则",
                "第一条 甲。",
                "第二条 乙：",
                "（一）子；",
                "（二）丑。",
                "第二章 附则",
                "第三条 丙：",
                "（一）寅。",
            ]
        );
    }

    #[test]
    fn a_zip_that_is_not_a_word_file_is_refused() {
        let bytes = package(&[("xl/workbook.xml", "<workbook/>")]);
        assert!(!is_docx(&bytes));
        assert!(matches!(to_text(&bytes), Err(ParseError::Docx(_))));
        assert!(matches!(
            to_text(b"PK\x03\x04broken"),
            Err(ParseError::Docx(_))
        ));
    }

    #[test]
    fn word_number_formats() {
        assert_eq!(format_number(1, "chineseCounting"), "一");
        assert_eq!(format_number(11, "chineseCounting"), "十一");
        assert_eq!(format_number(120, "chineseCountingThousand"), "一百二十");
        assert_eq!(format_number(3, "ideographTraditional"), "丙");
        assert_eq!(format_number(12, "decimalFullWidth"), "１２");
        assert_eq!(format_number(3, "decimalEnclosedCircle"), "③");
        assert_eq!(format_number(4, "lowerRoman"), "iv");
        assert_eq!(format_number(28, "lowerLetter"), "bb");
        assert_eq!(format_number(7, "decimal"), "7");
    }
}
