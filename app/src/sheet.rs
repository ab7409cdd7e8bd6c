//! Tables people exchange with the platform: CSV (UTF-8 with or without BOM, or GB18030 as Excel
//! and WPS write it in China; also Excel's "Unicode 文本", UTF-16 with tabs between the cells)
//! and XLSX, read into rows of text with their line numbers, and XLSX written for downloads. Station lists, opinion files and reports all go through here, so they
//! accept and produce the same formats.

use crate::station::RowError;

/// Rows of a table: (1-based line or spreadsheet row, cells as text), blank rows left out.
pub type Records = Vec<(usize, Vec<String>)>;

/// Reads a CSV or XLSX file. In a workbook, the sheet named `sheet` is read; failing that, the
/// first sheet if `is_header` accepts its first row (people rename sheets); otherwise the error
/// names the sheets found.
pub fn read_table(
    bytes: &[u8],
    sheet: &str,
    is_header: impl Fn(&[String]) -> bool,
) -> Result<Records, RowError> {
    let file_error = |message: String| RowError { line: 0, message };
    if bytes.starts_with(b"PK\x03\x04") {
        return read_xlsx(bytes, sheet, is_header);
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Err(file_error(
            "不支持旧版 Excel（.xls）文件，请另存为 .xlsx 或 CSV 后再上传".into(),
        ));
    }
    let text =
        crate::draft::parse::decode::decode(bytes).map_err(|e| file_error(unreadable(&e)))?;
    csv_records_with(&text, delimiter(&text))
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

fn read_xlsx(
    bytes: &[u8],
    wanted: &str,
    is_header: impl Fn(&[String]) -> bool,
) -> Result<Records, RowError> {
    use calamine::{Data, Reader, Xlsx};
    let file_error = |message: String| RowError { line: 0, message };
    let mut book: Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).map_err(|e| {
            file_error(format!(
                "XLSX 文件无法读取（{e}），请用 Excel 或 WPS 重新保存"
            ))
        })?;
    let names = book.sheet_names();
    let read = |book: &mut Xlsx<_>, name: &str| -> Result<Records, RowError> {
        let range = book
            .worksheet_range(name)
            .map_err(|e| file_error(format!("工作表“{name}”无法读取：{e}")))?;
        let first_row = range.start().map(|(r, _)| r as usize).unwrap_or(0);
        let first_col = range.start().map(|(_, c)| c as usize).unwrap_or(0);
        let mut out = Vec::new();
        for (i, row) in range.rows().enumerate() {
            // Cells left of the used range (rare: an empty first column) keep their positions.
            let mut cells = vec![String::new(); first_col];
            cells.extend(row.iter().map(|c| match c {
                Data::Empty => String::new(),
                Data::String(s) => s.clone(),
                Data::Int(n) => n.to_string(),
                Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
                Data::Float(f) => f.to_string(),
                Data::Bool(b) => if *b { "1" } else { "0" }.into(),
                Data::DateTime(d) => crate::draft::time::excel_day(d.as_f64()),
                Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
                Data::Error(e) => format!("#{e:?}"),
            }));
            if cells.iter().any(|c| !c.trim().is_empty()) {
                out.push((first_row + i + 1, cells));
            }
        }
        Ok(out)
    };
    if names.iter().any(|n| n == wanted) {
        return read(&mut book, wanted);
    }
    if let Some(first) = names.first() {
        let rows = read(&mut book, first)?;
        if rows.first().is_some_and(|(_, h)| is_header(h)) {
            return Ok(rows);
        }
    }
    Err(file_error(format!(
        "工作簿中没有名为“{wanted}”的工作表，第一个工作表的第一行也不是所需的列名（现有工作表：{}）",
        names.join("、")
    )))
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
pub fn csv_records(text: &str) -> Result<Vec<(usize, Vec<String>)>, RowError> {
    csv_records_with(text, ',')
}

/// Splits delimited text (commas or tabs) into records, with CSV's quoting.
pub fn csv_records_with(
    text: &str,
    delimiter: char,
) -> Result<Vec<(usize, Vec<String>)>, RowError> {
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
                record.push(std::mem::take(&mut field));
                at_field_start = true;
            }
            '\r' => {}
            '\n' => {
                record.push(std::mem::take(&mut field));
                if record.iter().any(|f| !f.trim().is_empty()) {
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
    record.push(field);
    if record.iter().any(|f| !f.trim().is_empty()) {
        out.push((start_line, record));
    }
    Ok(out)
}

/// A CSV field, quoted when it must be.
pub fn csv_quote(v: &str) -> String {
    if v.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", v.replace('"', "\"\""))
    } else {
        v.to_string()
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
        let rows = read_table(&book, "意见", |_| false).unwrap();
        assert_eq!(rows[0], (1, vec!["条款".to_string(), "人数".to_string()]));
        assert_eq!(rows[1], (2, vec!["第十二条".to_string(), "3".to_string()]));
        assert_eq!(rows[2].1[1], "1.5");
        // Renamed sheet: the first one is used when its header is right.
        let renamed = write_xlsx(&[sheet("Sheet1")]).unwrap();
        assert!(read_table(&renamed, "意见", |h| h[0] == "条款").is_ok());
        let e = read_table(&renamed, "意见", |_| false).unwrap_err();
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
        let rows = read_table(&bytes, "any", |_| true).unwrap();
        assert_eq!(rows.len(), 3);
        assert_eq!(
            rows[1],
            (2, vec!["昌吉回族自治州".into(), "1".into(), "".into()])
        );
        assert_eq!(rows[2].1[0], "昌吉市\t城区");
        // Binary that is not a workbook: the message says what to save as, in Chinese only.
        let e = read_table(b"\x00\x01\x02\x03\x04binary\x00\x00", "x", |_| true).unwrap_err();
        assert!(e.message.contains("CSV UTF-8"), "{e}");
        assert!(!e.message.contains("binary"), "{e}");
    }

    #[test]
    fn csv_with_quotes_and_a_bom_reads_back() {
        let text = write_csv(
            &["a", "b"],
            [vec!["x,y".into(), "say \"hi\"\nthere".into()]],
        );
        let rows = read_table(text.as_bytes(), "any", |_| true).unwrap();
        assert_eq!(rows[1].1, vec!["x,y", "say \"hi\"\nthere"]);
        assert!(read_table(&[0xD0, 0xCF, 0x11, 0xE0, 0, 0], "x", |_| true)
            .unwrap_err()
            .message
            .contains(".xls"));
        assert!(read_table(b"PK\x03\x04garbage", "x", |_| true)
            .unwrap_err()
            .message
            .contains("XLSX"));
    }
}
