//! Tables people exchange with the platform: CSV (UTF-8 with or without BOM, or GB18030 as Excel
//! and WPS write it in China; also Excel's "Unicode 文本", UTF-16 with tabs between the cells)
//! and XLSX, read into rows of text with their line numbers, and XLSX written for downloads. Station lists, opinion files and reports all go through here, so they
//! accept and produce the same formats.

use crate::station::RowError;

/// Rows of a table: (1-based line or spreadsheet row, cells as text), blank rows left out.
pub type Records = Vec<(usize, Vec<String>)>;

/// What an uploaded table may hold. Checked while reading, before anything proportional to a
/// hostile file's claims is allocated: a workbook's parts are decompressed and counted first
/// (a few MB can claim gigabytes), cells are streamed one by one (a sheet can declare a million
/// rows by sixteen thousand columns with two cells in it), and reading stops at the first row
/// over the limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Rows with content, the header row included.
    pub rows: usize,
    /// The rightmost column that may hold content (1-based).
    pub columns: usize,
    /// The file's parts once decompressed (XLSX), or the text (CSV), in bytes.
    pub bytes: u64,
}

impl Limits {
    /// `rows` data rows plus a header, 64 columns, 64 MB decompressed.
    pub const fn rows(rows: usize) -> Limits {
        Limits {
            rows: rows + 1,
            columns: 64,
            bytes: 64 << 20,
        }
    }

    fn too_many_rows(&self) -> String {
        format!(
            "文件超过 {} 行数据（上限），未导入。请分成几个文件分别导入",
            self.rows - 1
        )
    }
}

/// Reads a CSV or XLSX file within `limits`. In a workbook, the sheet named `sheet` is read;
/// failing that, the first sheet if `is_header` accepts its first row (people rename sheets);
/// otherwise the error names the sheets found. CPU-bound: call it off the async threads.
pub fn read_table(
    bytes: &[u8],
    sheet: &str,
    limits: Limits,
    is_header: impl Fn(&[String]) -> bool,
) -> Result<Records, RowError> {
    let file_error = |message: String| RowError { line: 0, message };
    if bytes.starts_with(b"PK\x03\x04") {
        return read_xlsx(bytes, sheet, limits, is_header);
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Err(file_error(
            "不支持旧版 Excel（.xls）文件，请另存为 .xlsx 或 CSV 后再上传".into(),
        ));
    }
    if bytes.len() as u64 > limits.bytes {
        return Err(file_error(format!(
            "文件太大（上限 {} MB）",
            limits.bytes >> 20
        )));
    }
    let text =
        crate::draft::parse::decode::decode(bytes).map_err(|e| file_error(unreadable(&e)))?;
    csv_records_with(&text, delimiter(&text), limits)
}

/// Why a table file cannot be read, in Chinese, with what to do.
fn unreadable(e: &crate::draft::parse::ParseError) -> String {
    use crate::draft::parse::ParseError;
    match e {
        ParseError::Empty => "文件无法读取：文件是空的".into(),
        ParseError::TooLarge { .. } => e.message_zh(),
        ParseError::UnknownEncoding => "文件无法读取：无法识别文字编码（不是 UTF-8、UTF-16、GBK 或 Big5）。请在 Excel 或 WPS 中另存为“CSV UTF-8（逗号分隔）”或 .xlsx 后再上传".into(),
        _ => "文件无法读取：它既不是 CSV 文本，也不是 .xlsx 工作簿。请在 Excel 或 WPS 中另存为“CSV UTF-8（逗号分隔）”或 .xlsx 后再上传".into(),
    }
}

/// The cell separator: a tab when the first line has more tabs than commas (Excel's
/// "Unicode 文本" and "文本文件（制表符分隔）"), else a comma.
fn delimiter(text: &str) -> char {
    let first = text
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or_default();
    if first.matches('\t').count() > first.matches(',').count() {
        '\t'
    } else {
        ','
    }
}

/// Decompresses every part of a workbook into nothing, counting: refuses archives whose parts
/// add up to more than `limit` bytes (whatever their headers claim) or that hold absurdly many
/// parts.
fn check_archive(bytes: &[u8], limit: u64) -> Result<(), String> {
    use std::io::Read;
    let unreadable =
        |e: &dyn std::fmt::Display| format!("XLSX 文件无法读取（{e}），请用 Excel 或 WPS 重新保存");
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| unreadable(&e))?;
    if zip.len() > 10_000 {
        return Err(unreadable(&format_args!("包含 {} 个部件", zip.len())));
    }
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let entry = zip.by_index(i).map_err(|e| unreadable(&e))?;
        let mut counted = entry.take(limit - total.min(limit) + 1);
        let n = std::io::copy(&mut counted, &mut std::io::sink()).map_err(|e| unreadable(&e))?;
        total += n;
        if total > limit {
            return Err(format!(
                "XLSX 文件解压后超过 {} MB（上限），未导入。请删去无关的工作表、图片或格式后重新保存",
                limit >> 20
            ));
        }
    }
    Ok(())
}

/// The column letters of a 1-based column number (1 → A, 16384 → XFD).
fn column_letters(mut n: usize) -> String {
    let mut out = Vec::new();
    while n > 0 {
        let r = (n - 1) % 26;
        out.push(b'A' + r as u8);
        n = (n - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

fn read_xlsx(
    bytes: &[u8],
    wanted: &str,
    limits: Limits,
    is_header: impl Fn(&[String]) -> bool,
) -> Result<Records, RowError> {
    use calamine::{Reader, Xlsx};
    let file_error = |message: String| RowError { line: 0, message };
    check_archive(bytes, limits.bytes).map_err(file_error)?;
    let mut book: Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).map_err(|e| {
            file_error(format!(
                "XLSX 文件无法读取（{e}），请用 Excel 或 WPS 重新保存"
            ))
        })?;
    let names = book.sheet_names();
    if names.iter().any(|n| n == wanted) {
        return stream_sheet(&mut book, wanted, limits, None);
    }
    if let Some(first) = names.first() {
        if let Ok(rows) = stream_sheet(&mut book, first, limits, Some(1)) {
            if rows.first().is_some_and(|(_, h)| is_header(h)) {
                return stream_sheet(&mut book, first, limits, None);
            }
        }
    }
    Err(file_error(format!(
        "工作簿中没有名为“{wanted}”的工作表，第一个工作表的第一行也不是所需的列名（现有工作表：{}）",
        names.join("、")
    )))
}

/// The rows of one worksheet with content, cell by cell (never the sheet's declared range),
/// stopping after `first` rows if given.
fn stream_sheet<R: std::io::Read + std::io::Seek>(
    book: &mut calamine::Xlsx<R>,
    name: &str,
    limits: Limits,
    first: Option<usize>,
) -> Result<Records, RowError> {
    use calamine::DataRef;
    let file_error = |message: String| RowError { line: 0, message };
    let mut cells = book
        .worksheet_cells_reader(name)
        .map_err(|e| file_error(format!("工作表“{name}”无法读取：{e}")))?;
    let mut out: Records = Vec::new();
    let mut current: Option<(usize, Vec<String>)> = None;
    let finish = |row: Option<(usize, Vec<String>)>, out: &mut Records| {
        if let Some((line, cells)) = row {
            if cells.iter().any(|c| !c.trim().is_empty()) {
                out.push((line, cells));
            }
        }
    };
    while let Some(cell) = cells
        .next_cell()
        .map_err(|e| file_error(format!("工作表“{name}”无法读取：{e}")))?
    {
        let (row, col) = cell.get_position();
        let (line, col) = (row as usize + 1, col as usize);
        let text = match cell.get_value() {
            DataRef::Empty => continue,
            DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.clone(),
            DataRef::SharedString(s) => s.to_string(),
            DataRef::Int(n) => n.to_string(),
            DataRef::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
            DataRef::Float(f) => f.to_string(),
            DataRef::Bool(b) => if *b { "1" } else { "0" }.into(),
            DataRef::DateTime(d) => crate::draft::time::excel_day(d.as_f64()),
            DataRef::Error(e) => format!("#{e:?}"),
        };
        if text.trim().is_empty() {
            continue;
        }
        if col >= limits.columns {
            return Err(RowError {
                line,
                message: format!(
                    "第 {line} 行的 {}{line} 单元格有内容：表格最多 {} 列（A–{}），请删去多余的列",
                    column_letters(col + 1),
                    limits.columns,
                    column_letters(limits.columns)
                ),
            });
        }
        if current.as_ref().is_none_or(|(l, _)| *l != line) {
            finish(current.take(), &mut out);
            if first.is_some_and(|n| out.len() >= n) {
                return Ok(out);
            }
            if out.len() >= limits.rows {
                return Err(file_error(limits.too_many_rows()));
            }
            current = Some((line, Vec::new()));
        }
        if let Some((_, row)) = current.as_mut() {
            if row.len() <= col {
                row.resize(col + 1, String::new());
            }
            row[col] = text;
        }
    }
    finish(current.take(), &mut out);
    if out.len() > limits.rows {
        return Err(file_error(limits.too_many_rows()));
    }
    // Cells come row by row in well-formed sheets; a hand-made one may list them out of order.
    out.sort_by_key(|(line, _)| *line);
    Ok(out)
}

/// One cell of a written sheet.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Text(String),
    Number(f64),
}

impl From<&str> for Cell {
    fn from(s: &str) -> Cell {
        Cell::Text(s.into())
    }
}
impl From<String> for Cell {
    fn from(s: String) -> Cell {
        Cell::Text(s)
    }
}
impl From<i64> for Cell {
    fn from(n: i64) -> Cell {
        Cell::Number(n as f64)
    }
}

/// A sheet to write: its name, column headers (with widths in characters) and rows.
pub struct Sheet {
    pub name: String,
    pub columns: Vec<(String, f64)>,
    pub rows: Vec<Vec<Cell>>,
}

/// Writes sheets into an XLSX workbook, header row bold and frozen. Rows stream to temporary
/// files as they are written (constant-memory mode), so large sheets do not hold the whole
/// workbook in memory.
pub fn write_xlsx(sheets: &[Sheet]) -> Result<Vec<u8>, crate::error::AppError> {
    use rust_xlsxwriter::{Format, Workbook};
    let fail = |e: rust_xlsxwriter::XlsxError| {
        tracing::error!(error = %e, "XLSX could not be written");
        crate::error::AppError::Internal
    };
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    for s in sheets {
        let ws = book.add_worksheet_with_constant_memory().map_err(fail)?;
        ws.set_name(&s.name).map_err(fail)?;
        for (c, (title, width)) in s.columns.iter().enumerate() {
            ws.set_column_width(c as u16, *width).map_err(fail)?;
            ws.write_string_with_format(0, c as u16, title, &bold)
                .map_err(fail)?;
        }
        ws.set_freeze_panes(1, 0).map_err(fail)?;
        for (r, row) in s.rows.iter().enumerate() {
            let r = r as u32 + 1;
            for (c, cell) in row.iter().enumerate() {
                match cell {
                    Cell::Text(t) => ws.write_string(r, c as u16, t).map(|_| ()),
                    Cell::Number(n) => ws.write_number(r, c as u16, *n).map(|_| ()),
                }
                .map_err(fail)?;
            }
        }
    }
    book.save_to_buffer().map_err(fail)
}

/// Writes rows as CSV text with a BOM (so Excel and WPS in China open it as UTF-8).
pub fn write_csv(header: &[&str], rows: impl IntoIterator<Item = Vec<String>>) -> String {
    let mut out = String::from("\u{feff}");
    out.push_str(
        &header
            .iter()
            .map(|h| csv_quote(h))
            .collect::<Vec<_>>()
            .join(","),
    );
    out.push_str("\r\n");
    for row in rows {
        out.push_str(
            &row.iter()
                .map(|v| csv_quote(v))
                .collect::<Vec<_>>()
                .join(","),
        );
        out.push_str("\r\n");
    }
    out
}

/// Splits CSV text into records (RFC 4180: quoted fields may hold commas, quotes and newlines).
pub fn csv_records(text: &str, limits: Limits) -> Result<Records, RowError> {
    csv_records_with(text, ',', limits)
}

/// Splits delimited text (commas or tabs) into records, with CSV's quoting, within `limits`.
pub fn csv_records_with(text: &str, delimiter: char, limits: Limits) -> Result<Records, RowError> {
    let mut out = Vec::new();
    let mut field = String::new();
    let mut record = Vec::new();
    let mut line = 1;
    let mut start_line = 1;
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    let mut at_field_start = true;
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                '\n' => {
                    line += 1;
                    field.push('\n');
                }
                c => field.push(c),
            }
            continue;
        }
        match c {
            '"' if at_field_start => {
                quoted = true;
                at_field_start = false;
            }
            c if c == delimiter => {
                push_field(&mut record, &mut field, start_line, limits)?;
                at_field_start = true;
            }
            '\r' => {}
            '\n' => {
                push_field(&mut record, &mut field, start_line, limits)?;
                if record.iter().any(|f| !f.trim().is_empty()) {
                    if out.len() >= limits.rows {
                        return Err(RowError {
                            line: 0,
                            message: limits.too_many_rows(),
                        });
                    }
                    out.push((start_line, std::mem::take(&mut record)));
                }
                record.clear();
                line += 1;
                start_line = line;
                at_field_start = true;
            }
            c => {
                field.push(c);
                at_field_start = false;
            }
        }
    }
    if quoted {
        return Err(RowError {
            line: start_line,
            message: "引号没有闭合".into(),
        });
    }
    push_field(&mut record, &mut field, start_line, limits)?;
    if record.iter().any(|f| !f.trim().is_empty()) {
        if out.len() >= limits.rows {
            return Err(RowError {
                line: 0,
                message: limits.too_many_rows(),
            });
        }
        out.push((start_line, record));
    }
    Ok(out)
}

/// Ends a CSV field: kept within the column limit; empty fields beyond it (Excel writes
/// `,,,,`) are dropped, a filled one is refused with its line.
fn push_field(
    record: &mut Vec<String>,
    field: &mut String,
    line: usize,
    limits: Limits,
) -> Result<(), RowError> {
    let value = std::mem::take(field);
    if record.len() < limits.columns {
        record.push(value);
    } else if !value.trim().is_empty() {
        return Err(RowError {
            line,
            message: format!(
                "第 {line} 行超过 {} 列（上限），请删去多余的列",
                limits.columns
            ),
        });
    }
    Ok(())
}

/// Characters that make Excel and WPS read a CSV cell as a formula (and run it: `=HYPERLINK(…)`,
/// `@SUM(…)`, DDE through `+`/`-`), or hide one behind a tab or carriage return.
pub const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// A cell as written to any CSV the platform produces: a value a spreadsheet would run as a
/// formula gets a leading `'` (shown as text, OWASP's advice), and it is quoted when it must be.
pub fn csv_quote(v: &str) -> String {
    let v = if v.starts_with(FORMULA_STARTS) {
        format!("'{v}")
    } else {
        v.to_string()
    };
    if v.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", v.replace('"', "\"\""))
    } else {
        v
    }
}

/// Undoes [`csv_quote`]'s guard when a file the platform wrote is read back (the station list
/// round-trips).
pub fn unguard_cell(v: &str) -> &str {
    match v.strip_prefix('\'') {
        Some(rest) if rest.starts_with(FORMULA_STARTS) => rest,
        _ => v,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_xlsx_round_trips_and_the_sheet_is_found_by_name_or_header() {
        let sheet = |name: &str| Sheet {
            name: name.into(),
            columns: vec![("条款".into(), 10.0), ("人数".into(), 8.0)],
            rows: vec![
                vec!["第十二条".into(), Cell::from(3)],
                vec!["含,逗号\"引号".into(), Cell::Number(1.5)],
            ],
        };
        let book = write_xlsx(&[sheet("说明"), sheet("意见")]).unwrap();
        let rows = read_table(&book, "意见", Limits::rows(10), |_| false).unwrap();
        assert_eq!(rows[0], (1, vec!["条款".to_string(), "人数".to_string()]));
        assert_eq!(rows[1], (2, vec!["第十二条".to_string(), "3".to_string()]));
        assert_eq!(rows[2].1[1], "1.5");
        // Renamed sheet: the first one is used when its header is right.
        let renamed = write_xlsx(&[sheet("Sheet1")]).unwrap();
        assert!(read_table(&renamed, "意见", Limits::rows(10), |h| h[0] == "条款").is_ok());
        let e = read_table(&renamed, "意见", Limits::rows(10), |_| false).unwrap_err();
        assert!(
            e.message.contains("没有名为“意见”的工作表") && e.message.contains("Sheet1"),
            "{e}"
        );
    }

    #[test]
    fn excel_unicode_text_is_read_as_tab_separated_utf16() {
        let text =
            "name\tlevel\tparent\r\n昌吉回族自治州\t1\t\r\n\"昌吉市\t城区\"\t2\t昌吉回族自治州\r\n";
        let mut bytes = vec![0xFF, 0xFE];
        bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        let rows = read_table(&bytes, "any", Limits::rows(10), |_| true).unwrap();
        assert_eq!(rows.len(), 3);
        assert_eq!(
            rows[1],
            (2, vec!["昌吉回族自治州".into(), "1".into(), "".into()])
        );
        assert_eq!(rows[2].1[0], "昌吉市\t城区");
        // Binary that is not a workbook: the message says what to save as, in Chinese only.
        let e = read_table(
            b"\x00\x01\x02\x03\x04binary\x00\x00",
            "x",
            Limits::rows(10),
            |_| true,
        )
        .unwrap_err();
        assert!(e.message.contains("CSV UTF-8"), "{e}");
        assert!(!e.message.contains("binary"), "{e}");
    }

    #[test]
    fn csv_with_quotes_and_a_bom_reads_back() {
        let text = write_csv(
            &["a", "b"],
            [vec!["x,y".into(), "say \"hi\"\nthere".into()]],
        );
        let rows = read_table(text.as_bytes(), "any", Limits::rows(10), |_| true).unwrap();
        assert_eq!(rows[1].1, vec!["x,y", "say \"hi\"\nthere"]);
        assert!(read_table(
            &[0xD0, 0xCF, 0x11, 0xE0, 0, 0],
            "x",
            Limits::rows(10),
            |_| true
        )
        .unwrap_err()
        .message
        .contains(".xls"));
        assert!(
            read_table(b"PK\x03\x04garbage", "x", Limits::rows(10), |_| true)
                .unwrap_err()
                .message
                .contains("XLSX")
        );
    }

    /// Generated bad uploads, a few thousand per run: whatever arrives, reading it stays within
    /// the limits, never panics, and a refusal says what is wrong in Chinese.
    mod generated {
        use super::super::*;
        use proptest::prelude::*;

        const LIMITS: Limits = Limits {
            rows: 51,
            columns: 64,
            bytes: 4 << 20,
        };

        fn check(result: Result<Records, RowError>) -> Result<(), TestCaseError> {
            match result {
                Ok(rows) => {
                    prop_assert!(rows.len() <= LIMITS.rows, "{} rows", rows.len());
                    for (_, cells) in &rows {
                        prop_assert!(cells.len() <= LIMITS.columns, "{} cells", cells.len());
                    }
                }
                Err(e) => {
                    prop_assert!(
                        e.message
                            .chars()
                            .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                        "a Chinese message: {e}"
                    );
                }
            }
            Ok(())
        }

        fn workbook(cells: &[(u32, u16, String)]) -> Vec<u8> {
            let mut book = rust_xlsxwriter::Workbook::new();
            let ws = book.add_worksheet();
            ws.set_name("意见").expect("sheet name");
            for (r, c, v) in cells {
                ws.write_string(*r, *c, v).expect("cell");
            }
            book.save_to_buffer().expect("workbook")
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(750))]

            /// Sparse workbooks: a dozen cells anywhere in the sheet's 1,048,576 × 16,384.
            #[test]
            fn sparse_workbooks(cells in prop::collection::vec(
                (0u32..1_048_576, 0u16..16_384, "[a-z0-9\u{4e00}-\u{4e80}]{1,8}"), 0..12))
            {
                check(read_table(&workbook(&cells), "意见", LIMITS, |_| true))?;
            }

            /// Real workbooks damaged: bytes changed and the file cut short.
            #[test]
            fn damaged_workbooks(
                rows in 1u32..80,
                flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..24),
                cut in any::<prop::sample::Index>(),
            ) {
                let cells: Vec<(u32, u16, String)> =
                    (0..rows).map(|r| (r, (r % 5) as u16, format!("第{r}条"))).collect();
                let mut bytes = workbook(&cells);
                for (at, b) in flips {
                    let i = at.index(bytes.len());
                    bytes[i] = b;
                }
                let keep = cut.index(bytes.len() + 1).max(4);
                bytes.truncate(keep);
                check(read_table(&bytes, "意见", LIMITS, |_| true))?;
            }

            /// Any bytes at all, as a CSV file or as something claiming to be a workbook.
            #[test]
            fn arbitrary_bytes(mut bytes in prop::collection::vec(any::<u8>(), 0..3000), zip in any::<bool>()) {
                if zip {
                    bytes.splice(0..0, *b"PK\x03\x04");
                }
                check(read_table(&bytes, "意见", LIMITS, |_| true))?;
            }

            /// CSV shapes that cost memory: long rows of empty or filled fields, many lines,
            /// quotes left open, in UTF-8 or GB18030.
            #[test]
            fn csv_shapes(
                fields in 0usize..1500,
                lines in 0usize..80,
                filled in any::<bool>(),
                open_quote in any::<bool>(),
                gbk in any::<bool>(),
            ) {
                let cell = if filled { "意见" } else { "" };
                let row = vec![cell; fields].join(",");
                let mut text: String = (0..lines).map(|i| format!("{i},{row}\n")).collect();
                if open_quote {
                    text.push_str("\"未闭合");
                }
                let bytes = if gbk {
                    encoding_rs::GB18030.encode(&text).0.into_owned()
                } else {
                    text.into_bytes()
                };
                check(read_table(&bytes, "意见", LIMITS, |_| true))?;
            }
        }

        /// Archives whose parts decompress past the limit, whatever their headers claim.
        #[test]
        fn zip_bombs_are_measured_not_trusted() {
            use std::io::Write;
            let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
            let opts = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated);
            out.start_file("xl/worksheets/sheet1.xml", opts)
                .expect("entry");
            let zeros = vec![0u8; 1 << 20];
            for _ in 0..8 {
                out.write_all(&zeros).expect("write");
            }
            let bytes = out.finish().expect("zip").into_inner();
            assert!(bytes.len() < 64 * 1024, "{} bytes", bytes.len());
            let e = read_table(&bytes, "意见", LIMITS, |_| true).unwrap_err();
            assert!(e.message.contains("解压后超过 4 MB"), "{e}");
        }
    }
}
