//! Writing Word documents (`.docx`) for the committee, which edits its papers in Word or WPS
//! before they go to the Standing Committee: A4 pages with the margins of official documents
//! (GB/T 9704), 仿宋 body text, 黑体 headings, 宋体 in tables, bordered tables whose header
//! row repeats on each page, and centred page numbers in the footer.
//!
//! The package is written by hand with the `zip` crate: a few fixed parts and one
//! `document.xml` built from [`Block`]s. That keeps the East Asian font settings, table borders
//! and list numbering exactly as we want them and adds no dependency beyond the zip and XML
//! crates the import already uses; [`crate::draft::parse::docx`] reads the files back.
//!
//! [`draft_docx`] writes a draft's text the way committees' Word files have it — labels typed
//! out, or 第X章/第X条/（X） produced by Word's automatic numbering — for tests and the
//! benchmark of the Word import.

use crate::draft::parse::numerals::to_chinese;
use crate::draft::{DraftTree, Node, NodeKind};
use std::io::Write;

/// A4 in twentieths of a point.
const PAGE_W: u32 = 11906;
const PAGE_H: u32 = 16838;
/// GB/T 9704: top 37 mm, bottom 35 mm, left 28 mm, right 26 mm.
const MARGINS: (u32, u32, u32, u32) = (2098, 1984, 1588, 1474);
/// Landscape pages (wide tables): 25 mm all round.
const LANDSCAPE_MARGIN: u32 = 1418;
/// The text width between the margins, in twips.
pub const TEXT_WIDTH: u32 = PAGE_W - MARGINS.2 - MARGINS.3;
/// The text width of a landscape page.
pub const LANDSCAPE_TEXT_WIDTH: u32 = PAGE_H - 2 * LANDSCAPE_MARGIN;

/// One block of the document body.
#[derive(Clone, Debug, PartialEq)]
pub enum Block {
    /// The document's title: centred, large.
    Title(String),
    /// A centred line under the title (题注, date).
    Subtitle(String),
    /// A heading (1 = 黑体 三号, 2 = 黑体 四号, 3 = 楷体-like bold body size).
    Heading(u8, String),
    /// A body paragraph, first line indented two characters.
    Paragraph(String),
    /// A paragraph of an automatic list: the list (see [`Document::lists`]), the number it
    /// restarts at when it starts a new run, and the text after the label Word shows.
    Numbered {
        list: usize,
        restart_at: Option<u32>,
        text: String,
    },
    /// A table with borders: column widths (twips), a header row repeated on every page, rows.
    /// In the columns listed in `merged`, an empty cell continues the cell above it (one cell
    /// spanning rows, as an article's text beside each of its opinion groups).
    Table {
        widths: Vec<u32>,
        header: Vec<String>,
        rows: Vec<Vec<String>>,
        merged: Vec<usize>,
    },
    PageBreak,
}

/// A list definition for automatic numbering: Word's number format and level text.
#[derive(Clone, Debug, PartialEq)]
pub struct List {
    /// `chineseCounting`, `chineseCountingThousand`, `decimal` …
    pub format: &'static str,
    /// `第%1条`, `（%1）` …
    pub text: &'static str,
    pub start: u32,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Document {
    pub title: String,
    pub blocks: Vec<Block>,
    pub lists: Vec<List>,
    /// A4 turned sideways (wide tables such as the 对照表).
    pub landscape: bool,
}

fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            // Characters XML 1.0 does not allow.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

/// Runs for a piece of text: line breaks become `w:br`.
fn runs(text: &str, props: &str) -> String {
    let mut out = String::new();
    for (i, line) in text.split('\n').enumerate() {
        out.push_str("<w:r>");
        out.push_str(props);
        if i > 0 {
            out.push_str("<w:br/>");
        }
        out.push_str(&format!(
            "<w:t xml:space=\"preserve\">{}</w:t></w:r>",
            esc(line)
        ));
    }
    out
}

fn paragraph(style: &str, text: &str) -> String {
    format!(
        "<w:p><w:pPr><w:pStyle w:val=\"{style}\"/></w:pPr>{}</w:p>",
        runs(text, "")
    )
}

impl Document {
    fn body(&self) -> (String, Vec<(usize, usize, u32)>) {
        let mut out = String::new();
        // Word list instances: (numId, list, restart value); numId 1.. are one per list, more
        // are added for each restart.
        let mut instances: Vec<(usize, usize, u32)> = Vec::new();
        let mut current: Vec<usize> = (1..=self.lists.len()).collect();
        let mut next_id = self.lists.len() + 1;
        for block in &self.blocks {
            match block {
                Block::Title(t) => out.push_str(&paragraph("Title", t)),
                Block::Subtitle(t) => out.push_str(&paragraph("Subtitle", t)),
                Block::Heading(level, t) => {
                    out.push_str(&paragraph(&format!("Heading{}", level.clamp(&1, &3)), t))
                }
                Block::Paragraph(t) => out.push_str(&paragraph("BodyText", t)),
                Block::Numbered {
                    list,
                    restart_at,
                    text,
                } => {
                    if let Some(start) = restart_at {
                        instances.push((next_id, *list, *start));
                        if let Some(c) = current.get_mut(*list) {
                            *c = next_id;
                        }
                        next_id += 1;
                    }
                    let num = current.get(*list).copied().unwrap_or(0);
                    out.push_str(&format!(
                        "<w:p><w:pPr><w:pStyle w:val=\"BodyText\"/><w:numPr><w:ilvl w:val=\"0\"/><w:numId w:val=\"{num}\"/></w:numPr></w:pPr>{}</w:p>",
                        runs(text, "")
                    ));
                }
                Block::Table {
                    widths,
                    header,
                    rows,
                    merged,
                } => out.push_str(&table(widths, header, rows, merged)),
                Block::PageBreak => out.push_str("<w:p><w:r><w:br w:type=\"page\"/></w:r></w:p>"),
            }
        }
        let (size, margins) = if self.landscape {
            let m = LANDSCAPE_MARGIN;
            (
                format!("<w:pgSz w:w=\"{PAGE_H}\" w:h=\"{PAGE_W}\" w:orient=\"landscape\"/>"),
                (m, m, m, m),
            )
        } else {
            (
                format!("<w:pgSz w:w=\"{PAGE_W}\" w:h=\"{PAGE_H}\"/>"),
                MARGINS,
            )
        };
        out.push_str(&format!(
            "<w:sectPr><w:footerReference w:type=\"default\" r:id=\"rIdFooter\"/>{size}\
             <w:pgMar w:top=\"{}\" w:right=\"{}\" w:bottom=\"{}\" w:left=\"{}\" w:header=\"851\" w:footer=\"992\" w:gutter=\"0\"/>\
             <w:docGrid w:type=\"lines\" w:linePitch=\"579\"/></w:sectPr>",
            margins.0, margins.3, margins.1, margins.2
        ));
        (out, instances)
    }

    fn numbering(&self, instances: &[(usize, usize, u32)]) -> String {
        let mut out = String::from(XML_DECL);
        out.push_str(&format!("<w:numbering {NS}>"));
        for (i, l) in self.lists.iter().enumerate() {
            out.push_str(&format!(
                "<w:abstractNum w:abstractNumId=\"{i}\"><w:multiLevelType w:val=\"singleLevel\"/>\
                 <w:lvl w:ilvl=\"0\"><w:start w:val=\"{}\"/><w:numFmt w:val=\"{}\"/>\
                 <w:lvlText w:val=\"{}\"/><w:lvlJc w:val=\"left\"/><w:suff w:val=\"space\"/>\
                 <w:pPr><w:ind w:left=\"0\" w:firstLine=\"640\"/></w:pPr></w:lvl></w:abstractNum>",
                l.start,
                l.format,
                esc(l.text)
            ));
        }
        for i in 0..self.lists.len() {
            out.push_str(&format!(
                "<w:num w:numId=\"{}\"><w:abstractNumId w:val=\"{i}\"/></w:num>",
                i + 1
            ));
        }
        for (id, list, start) in instances {
            out.push_str(&format!(
                "<w:num w:numId=\"{id}\"><w:abstractNumId w:val=\"{list}\"/>\
                 <w:lvlOverride w:ilvl=\"0\"><w:startOverride w:val=\"{start}\"/></w:lvlOverride></w:num>"
            ));
        }
        out.push_str("</w:numbering>");
        out
    }

    /// The `.docx` package.
    pub fn to_bytes(&self) -> Result<Vec<u8>, zip::result::ZipError> {
        let (body, instances) = self.body();
        let document = format!("{XML_DECL}<w:document {NS}><w:body>{body}</w:body></w:document>");
        let core = format!(
            "{XML_DECL}<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" \
             xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><dc:title>{}</dc:title><dc:creator>意见</dc:creator></cp:coreProperties>",
            esc(&self.title)
        );
        let parts: [(&str, &str); 9] = [
            ("[Content_Types].xml", CONTENT_TYPES),
            ("_rels/.rels", ROOT_RELS),
            ("docProps/core.xml", &core),
            ("word/document.xml", &document),
            ("word/_rels/document.xml.rels", DOCUMENT_RELS),
            ("word/styles.xml", STYLES),
            ("word/settings.xml", SETTINGS),
            ("word/footer1.xml", FOOTER),
            ("word/numbering.xml", &self.numbering(&instances)),
        ];
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, content) in parts {
            zip.start_file(name, options)?;
            zip.write_all(content.as_bytes())?;
        }
        Ok(zip.finish()?.into_inner())
    }
}

fn table(widths: &[u32], header: &[String], rows: &[Vec<String>], merged: &[usize]) -> String {
    let grid: String = widths
        .iter()
        .map(|w| format!("<w:gridCol w:w=\"{w}\"/>"))
        .collect();
    let border = |side: &str| {
        format!("<w:{side} w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>")
    };
    let borders: String = ["top", "left", "bottom", "right", "insideH", "insideV"]
        .iter()
        .map(|s| border(s))
        .collect();
    let row = |cells: &[String], head: bool, first: bool| {
        let mut r = String::from("<w:tr>");
        if head {
            r.push_str("<w:trPr><w:tblHeader/><w:cantSplit/></w:trPr>");
        }
        for (i, c) in cells.iter().enumerate() {
            let w = widths.get(i).copied().unwrap_or(1000);
            let props = if head { "<w:rPr><w:b/></w:rPr>" } else { "" };
            let merge = if head || !merged.contains(&i) {
                ""
            } else if c.is_empty() && !first {
                "<w:vMerge/>"
            } else {
                "<w:vMerge w:val=\"restart\"/>"
            };
            let paragraphs: String = c
                .split('\n')
                .map(|line| {
                    format!(
                        "<w:p><w:pPr><w:pStyle w:val=\"TableText\"/>{}</w:pPr>{}</w:p>",
                        if head { "<w:jc w:val=\"center\"/>" } else { "" },
                        runs(line, props)
                    )
                })
                .collect();
            r.push_str(&format!(
                "<w:tc><w:tcPr><w:tcW w:w=\"{w}\" w:type=\"dxa\"/>{merge}</w:tcPr>{paragraphs}</w:tc>"
            ));
        }
        r.push_str("</w:tr>");
        r
    };
    let mut out = format!(
        "<w:tbl><w:tblPr><w:tblW w:w=\"{}\" w:type=\"dxa\"/><w:tblBorders>{borders}</w:tblBorders>\
         <w:tblLayout w:type=\"fixed\"/><w:tblCellMar><w:left w:w=\"85\" w:type=\"dxa\"/><w:right w:w=\"85\" w:type=\"dxa\"/></w:tblCellMar></w:tblPr><w:tblGrid>{grid}</w:tblGrid>",
        widths.iter().sum::<u32>()
    );
    if !header.is_empty() {
        out.push_str(&row(header, true, false));
    }
    for (i, r) in rows.iter().enumerate() {
        out.push_str(&row(r, false, i == 0));
    }
    out.push_str("</w:tbl><w:p/>");
    out
}

const XML_DECL: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n";
const NS: &str = "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" \
                  xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"";

const CONTENT_TYPES: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
<Default Extension=\"xml\" ContentType=\"application/xml\"/>\
<Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>\
<Override PartName=\"/word/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml\"/>\
<Override PartName=\"/word/settings.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml\"/>\
<Override PartName=\"/word/numbering.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml\"/>\
<Override PartName=\"/word/footer1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml\"/>\
<Override PartName=\"/docProps/core.xml\" ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/>\
</Types>";

const ROOT_RELS: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/>\
<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties\" Target=\"docProps/core.xml\"/>\
</Relationships>";

const DOCUMENT_RELS: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
<Relationship Id=\"rIdStyles\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>\
<Relationship Id=\"rIdSettings\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings\" Target=\"settings.xml\"/>\
<Relationship Id=\"rIdNumbering\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering\" Target=\"numbering.xml\"/>\
<Relationship Id=\"rIdFooter\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer\" Target=\"footer1.xml\"/>\
</Relationships>";

const SETTINGS: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<w:settings xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">\
<w:defaultTabStop w:val=\"420\"/><w:characterSpacingControl w:val=\"compressPunctuation\"/>\
<w:compat><w:compatSetting w:name=\"compatibilityMode\" w:uri=\"http://schemas.microsoft.com/office/word\" w:val=\"15\"/></w:compat>\
</w:settings>";

/// Centred page numbers, “— 1 —” as official documents print them.
const FOOTER: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<w:ftr xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">\
<w:p><w:pPr><w:pStyle w:val=\"Footer\"/><w:jc w:val=\"center\"/></w:pPr>\
<w:r><w:t xml:space=\"preserve\">— </w:t></w:r>\
<w:r><w:fldChar w:fldCharType=\"begin\"/></w:r><w:r><w:instrText xml:space=\"preserve\"> PAGE </w:instrText></w:r>\
<w:r><w:fldChar w:fldCharType=\"separate\"/></w:r><w:r><w:t>1</w:t></w:r><w:r><w:fldChar w:fldCharType=\"end\"/></w:r>\
<w:r><w:t xml:space=\"preserve\"> —</w:t></w:r></w:p></w:ftr>";

/// Fonts: 仿宋 for body text (三号, 16 pt), 黑体 for headings, 宋体 for tables and the title.
const STYLES: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<w:styles xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">\
<w:docDefaults><w:rPrDefault><w:rPr>\
<w:rFonts w:ascii=\"Times New Roman\" w:hAnsi=\"Times New Roman\" w:eastAsia=\"仿宋\" w:cs=\"Times New Roman\"/>\
<w:sz w:val=\"32\"/><w:szCs w:val=\"32\"/><w:lang w:val=\"en-US\" w:eastAsia=\"zh-CN\"/></w:rPr></w:rPrDefault>\
<w:pPrDefault><w:pPr><w:spacing w:line=\"560\" w:lineRule=\"exact\"/><w:jc w:val=\"both\"/></w:pPr></w:pPrDefault></w:docDefaults>\
<w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\"><w:name w:val=\"Normal\"/></w:style>\
<w:style w:type=\"paragraph\" w:styleId=\"BodyText\"><w:name w:val=\"Body Text\"/><w:basedOn w:val=\"Normal\"/><w:pPr><w:ind w:firstLineChars=\"200\" w:firstLine=\"640\"/></w:pPr></w:style>\
<w:style w:type=\"paragraph\" w:styleId=\"Title\"><w:name w:val=\"Title\"/><w:basedOn w:val=\"Normal\"/><w:pPr><w:jc w:val=\"center\"/><w:spacing w:before=\"240\" w:after=\"240\" w:line=\"700\" w:lineRule=\"exact\"/></w:pPr>\
<w:rPr><w:rFonts w:ascii=\"Times New Roman\" w:hAnsi=\"Times New Roman\" w:eastAsia=\"宋体\"/><w:b/><w:sz w:val=\"44\"/><w:szCs w:val=\"44\"/></w:rPr></w:style>\
<w:style w:type=\"paragraph\" w:styleId=\"Subtitle\"><w:name w:val=\"Subtitle\"/><w:basedOn w:val=\"Normal\"/><w:pPr><w:jc w:val=\"center\"/></w:pPr><w:rPr><w:rFonts w:eastAsia=\"楷体\"/></w:rPr></w:style>\
<w:style w:type=\"paragraph\" w:styleId=\"Heading1\"><w:name w:val=\"heading 1\"/><w:basedOn w:val=\"Normal\"/><w:pPr><w:keepNext/><w:jc w:val=\"center\"/><w:outlineLvl w:val=\"0\"/></w:pPr>\
<w:rPr><w:rFonts w:ascii=\"Times New Roman\" w:hAnsi=\"Times New Roman\" w:eastAsia=\"黑体\"/><w:sz w:val=\"32\"/><w:szCs w:val=\"32\"/></w:rPr></w:style>\
<w:style w:type=\"paragraph\" w:styleId=\"Heading2\"><w:name w:val=\"heading 2\"/><w:basedOn w:val=\"Normal\"/><w:pPr><w:keepNext/><w:ind w:firstLineChars=\"200\" w:firstLine=\"640\"/><w:outlineLvl w:val=\"1\"/></w:pPr>\
<w:rPr><w:rFonts w:eastAsia=\"黑体\"/><w:sz w:val=\"32\"/><w:szCs w:val=\"32\"/></w:rPr></w:style>\
<w:style w:type=\"paragraph\" w:styleId=\"Heading3\"><w:name w:val=\"heading 3\"/><w:basedOn w:val=\"Normal\"/><w:pPr><w:keepNext/><w:ind w:firstLineChars=\"200\" w:firstLine=\"640\"/><w:outlineLvl w:val=\"2\"/></w:pPr>\
<w:rPr><w:rFonts w:eastAsia=\"楷体\"/><w:b/></w:rPr></w:style>\
<w:style w:type=\"paragraph\" w:styleId=\"TableText\"><w:name w:val=\"Table Text\"/><w:basedOn w:val=\"Normal\"/><w:pPr><w:spacing w:line=\"320\" w:lineRule=\"atLeast\"/><w:jc w:val=\"left\"/></w:pPr>\
<w:rPr><w:rFonts w:eastAsia=\"宋体\"/><w:sz w:val=\"21\"/><w:szCs w:val=\"21\"/></w:rPr></w:style>\
<w:style w:type=\"paragraph\" w:styleId=\"Footer\"><w:name w:val=\"footer\"/><w:basedOn w:val=\"Normal\"/><w:rPr><w:rFonts w:eastAsia=\"宋体\"/><w:sz w:val=\"28\"/></w:rPr></w:style>\
<w:style w:type=\"table\" w:default=\"1\" w:styleId=\"TableNormal\"><w:name w:val=\"Normal Table\"/><w:tblPr><w:tblCellMar><w:left w:w=\"108\" w:type=\"dxa\"/><w:right w:w=\"108\" w:type=\"dxa\"/></w:tblCellMar></w:tblPr></w:style>\
</w:styles>";

/// How [`draft_docx`] writes labels.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Labels {
    /// Typed out in the text, as in the source.
    Typed,
    /// 第X章, 第X条 and （X） produced by Word's automatic numbering (labels of other forms,
    /// such as 第X条之一, stay typed).
    Automatic,
}

const CHAPTERS: usize = 0;
const ARTICLES: usize = 1;
const ITEMS: usize = 2;

/// A draft's text as a Word document, as a committee writes it.
pub fn draft_docx(tree: &DraftTree, labels: Labels) -> Document {
    let mut doc = Document {
        title: tree.title.clone(),
        blocks: vec![Block::Title(tree.title.clone())],
        landscape: false,
        lists: vec![
            List {
                format: "chineseCounting",
                text: "第%1章",
                start: 1,
            },
            List {
                format: "chineseCountingThousand",
                text: "第%1条",
                start: 1,
            },
            List {
                format: "chineseCounting",
                text: "（%1）",
                start: 1,
            },
        ],
    };
    for line in tree.note.lines() {
        doc.blocks.push(Block::Subtitle(line.to_string()));
    }
    let mut w = DraftWriter {
        labels,
        last: [None; 3],
        doc,
    };
    for n in &tree.nodes {
        w.node(n);
    }
    w.doc
}

struct DraftWriter {
    labels: Labels,
    /// The last number given by each automatic list.
    last: [Option<u32>; 3],
    doc: Document,
}

impl DraftWriter {
    /// A paragraph with `label` typed out, or produced by list `list` when automatic.
    fn labelled(
        &mut self,
        list: usize,
        number: Option<u32>,
        label: &str,
        text: &str,
        heading: bool,
    ) {
        let automatic = self.labels == Labels::Automatic
            && number.is_some()
            && match list {
                CHAPTERS => label == format!("第{}章", to_chinese(number.unwrap_or(0))),
                ARTICLES => label == format!("第{}条", to_chinese(number.unwrap_or(0))),
                _ => label == format!("（{}）", to_chinese(number.unwrap_or(0))),
            };
        if let (true, Some(n)) = (automatic, number) {
            // A list runs on from its start; it restarts (a new list instance, as Word's
            // “restart numbering” makes) only where the numbers do not follow.
            let follows = match self.last[list] {
                None => self.doc.lists.get(list).is_some_and(|l| l.start == n),
                Some(last) => last + 1 == n,
            };
            let restart_at = (!follows).then_some(n);
            self.last[list] = Some(n);
            self.doc.blocks.push(Block::Numbered {
                list,
                restart_at,
                text: text.to_string(),
            });
            return;
        }
        let joined = match (label.is_empty(), text.is_empty()) {
            (true, _) => text.to_string(),
            (false, true) => label.to_string(),
            (false, false) if heading || list == ARTICLES => format!("{label}　{text}"),
            (false, false) => format!("{label}{text}"),
        };
        self.doc.blocks.push(if heading {
            Block::Heading(1, joined)
        } else {
            Block::Paragraph(joined)
        });
    }

    fn node(&mut self, n: &Node) {
        match n.kind {
            NodeKind::Bian
            | NodeKind::Fenbian
            | NodeKind::Jie
            | NodeKind::Preamble
            | NodeKind::Annex => {
                let label = if n.kind == NodeKind::Annex {
                    ""
                } else {
                    n.label.as_str()
                };
                let text = if n.title.is_empty() && n.kind == NodeKind::Preamble {
                    "序言".to_string()
                } else {
                    [label, n.title.as_str()]
                        .iter()
                        .filter(|s| !s.is_empty())
                        .copied()
                        .collect::<Vec<_>>()
                        .join("　")
                };
                self.doc.blocks.push(Block::Heading(1, text));
                n.children.iter().for_each(|c| self.node(c));
            }
            NodeKind::Zhang => {
                self.labelled(CHAPTERS, n.number, &n.label, &n.title, true);
                n.children.iter().for_each(|c| self.node(c));
            }
            NodeKind::Tiao => {
                let mut children = n.children.iter();
                let first = n
                    .children
                    .first()
                    .filter(|c| c.kind == NodeKind::Kuan && !c.text.is_empty());
                let text = first.map(|c| c.text.as_str()).unwrap_or("");
                self.labelled(
                    ARTICLES,
                    n.number.filter(|_| n.sub.is_none()),
                    &n.label,
                    text,
                    false,
                );
                if let Some(first) = first {
                    children.next();
                    first.children.iter().for_each(|c| self.node(c));
                }
                children.for_each(|c| self.node(c));
            }
            NodeKind::Point => {
                self.doc
                    .blocks
                    .push(Block::Paragraph(format!("{}{}", n.label, n.text)));
                n.children.iter().for_each(|c| self.node(c));
            }
            NodeKind::Kuan => {
                if !n.text.is_empty() {
                    self.doc.blocks.push(Block::Paragraph(n.text.clone()));
                }
                n.children.iter().for_each(|c| self.node(c));
            }
            NodeKind::Xiang => {
                self.labelled(ITEMS, n.number, &n.label, &n.text, false);
                n.children.iter().for_each(|c| self.node(c));
            }
            NodeKind::Mu => {
                self.doc
                    .blocks
                    .push(Block::Paragraph(format!("{}{}", n.label, n.text)));
                n.children.iter().for_each(|c| self.node(c));
            }
        }
    }
}
