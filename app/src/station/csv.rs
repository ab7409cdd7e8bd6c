//! Station lists as CSV: parsing (UTF-8 with or without BOM, or GB18030 as Excel writes it in
//! China; quoted fields; Chinese or English headers), row validation that needs no database,
//! and writing.

use super::{RowError, StationRow};
use std::collections::{HashMap, HashSet};

/// Most rows a list may have (the network has 437 stations; a province has a few thousand).
pub const MAX_ROWS: usize = 20_000;

fn column_of(header: &str) -> Option<&'static str> {
    Some(match header.trim().to_lowercase().as_str() {
        "name" | "名称" | "联系点名称" | "站点名称" => "name",
        "level" | "层级" | "级别" => "level",
        "parent" | "上级" | "上级联系点" => "parent",
        "region_code" | "区划代码" | "行政区划代码" => "region_code",
        "email" | "邮箱" | "电子邮箱" => "email",
        "active" | "启用" | "状态" => "active",
        _ => return None,
    })
}

fn parse_level(v: &str) -> Option<i64> {
    match v.trim() {
        "1" | "州" | "自治州" => Some(1),
        "2" | "县市" | "县" | "市" => Some(2),
        "3" | "乡镇街道" | "乡镇" | "街道" => Some(3),
        "4" | "村社区" | "村" | "社区" => Some(4),
        _ => None,
    }
}

fn parse_active(v: &str) -> Option<bool> {
    match v.trim().to_lowercase().as_str() {
        "" | "1" | "true" | "yes" | "是" | "启用" => Some(true),
        "0" | "false" | "no" | "否" | "停用" => Some(false),
        _ => None,
    }
}

/// What is wrong with a region code (统计用区划代码: digits, 6 for a county, 9 for a township,
/// 12 for a village), if anything. Excel shows long numbers as `6.52301E+11` and saves them so
/// in CSV: the digits are lost, and stations would share one garbled code.
pub fn region_code_problem(code: &str) -> Option<String> {
    let code = code.trim();
    if code.is_empty() || (code.len() <= 12 && code.chars().all(|c| c.is_ascii_digit())) {
        return None;
    }
    let scientific = {
        let (mantissa, exponent) = code.split_once(['e', 'E']).unwrap_or((code, ""));
        let exponent = exponent.trim_start_matches(['+', '-']);
        !exponent.is_empty()
            && exponent.chars().all(|c| c.is_ascii_digit())
            && !mantissa.is_empty()
            && mantissa.chars().all(|c| c.is_ascii_digit() || c == '.')
    };
    Some(if scientific {
        format!(
            "区划代码“{code}”是 Excel 的科学计数法，原来的数字已经丢失（几个联系点会因此得到同一个代码）：请在 Excel 中把这一列设为“文本”格式，重新填写完整代码后再保存"
        )
    } else if code.chars().all(|c| c.is_ascii_digit() || c == '.') {
        format!(
            "区划代码“{code}”带小数点，像是被 Excel 当作数字保存：请把这一列设为“文本”格式后重新填写"
        )
    } else {
        format!("区划代码“{code}”应当只由数字组成（最多 12 位）")
    })
}

pub(crate) fn plausible_email(e: &str) -> bool {
    let Some((local, domain)) = e.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !e.chars().any(|c| c.is_whitespace() || c == ',' || c == ';')
}

/// Parses and checks a station list. Every problem found is reported (with its line); the list
/// is usable only if there is none.
pub fn parse(bytes: &[u8]) -> Result<Vec<StationRow>, Vec<RowError>> {
    let file_error = |message: String| vec![RowError { line: 0, message }];
    let recs = crate::sheet::read_table(
        bytes,
        "联系点",
        crate::sheet::Limits::rows(MAX_ROWS),
        |h| h.iter().filter(|c| column_of(c).is_some()).count() >= 3,
    )
    .map_err(|e| vec![e])?;
    let Some(((_, header), rows)) = recs.split_first() else {
        return Err(file_error("文件是空的".into()));
    };
    let columns: Vec<Option<&str>> = header.iter().map(|h| column_of(h)).collect();
    for required in ["name", "level", "parent"] {
        if !columns.contains(&Some(required)) {
            return Err(file_error(format!(
                "缺少列“{required}”：第一行应为列名 name, level, parent, region_code, email（或 名称, 层级, 上级, 区划代码, 邮箱）"
            )));
        }
    }
    if rows.len() > MAX_ROWS {
        return Err(file_error(format!(
            "行数太多：{}（最多 {MAX_ROWS}）",
            rows.len()
        )));
    }
    let mut errors = Vec::new();
    let mut out = Vec::new();
    for (line, rec) in rows {
        let get = |col: &str| -> String {
            columns
                .iter()
                .position(|c| *c == Some(col))
                .and_then(|i| rec.get(i))
                // A cell our own export guarded against formulas reads back as written.
                .map(|v| crate::sheet::unguard_cell(v.trim()).to_string())
                .unwrap_or_default()
        };
        let mut err = |m: String| {
            errors.push(RowError {
                line: *line,
                message: m,
            })
        };
        let name = get("name");
        if name.is_empty() {
            err("名称为空".into());
            continue;
        }
        if name.contains('/') || name.chars().count() > 100 {
            err(format!("名称“{name}”不可含“/”，且不超过 100 个字"));
            continue;
        }
        let Some(level) = parse_level(&get("level")) else {
            err(format!(
                "层级“{}”无效：应为 1（州）、2（县市）、3（乡镇街道）或 4（村社区）",
                get("level")
            ));
            continue;
        };
        let parent = get("parent").trim_matches('/').to_string();
        if level == 1 && !parent.is_empty() {
            err(format!("州级联系点“{name}”不应有上级"));
            continue;
        }
        if level > 1 && parent.is_empty() {
            err(format!("“{name}”缺少上级联系点"));
            continue;
        }
        let region_code = get("region_code");
        if let Some(problem) = region_code_problem(&region_code) {
            err(problem);
            continue;
        }
        let email = get("email");
        if !email.is_empty() && !plausible_email(&email) {
            err(format!("邮箱“{email}”格式不正确"));
            continue;
        }
        let Some(active) = parse_active(&get("active")) else {
            err(format!("启用状态“{}”无效：应为 1 或 0", get("active")));
            continue;
        };
        out.push(StationRow {
            id: 0,
            line: *line,
            name,
            level,
            parent,
            region_code,
            email,
            active,
        });
    }
    // The same name twice under one parent.
    let mut seen: HashMap<(String, String), usize> = HashMap::new();
    for r in &out {
        if let Some(first) = seen.insert((r.parent.clone(), r.name.clone()), r.line) {
            errors.push(RowError {
                line: r.line,
                message: format!(
                    "“{}”在同一上级“{}”下重复（第 {first} 行已有）",
                    r.name, r.parent
                ),
            });
        }
    }
    errors.extend(cycles(&out));
    if errors.is_empty() {
        Ok(out)
    } else {
        errors.sort_by_key(|e| e.line);
        Err(errors)
    }
}

/// Parent chains within the file that come back to where they started.
fn cycles(rows: &[StationRow]) -> Vec<RowError> {
    // Rows by name (the last segment of a parent path names the parent).
    let mut by_name: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, r) in rows.iter().enumerate() {
        by_name.entry(r.name.as_str()).or_default().push(i);
    }
    let parent_of = |i: usize| -> Option<usize> {
        let p = rows[i]
            .parent
            .rsplit('/')
            .next()
            .filter(|p| !p.is_empty())?;
        match by_name.get(p).map(Vec::as_slice) {
            Some([only]) => Some(*only),
            _ => None,
        }
    };
    let mut reported = HashSet::new();
    let mut out = Vec::new();
    for start in 0..rows.len() {
        let mut path = vec![start];
        let mut cur = start;
        while let Some(p) = parent_of(cur) {
            if let Some(pos) = path.iter().position(|&x| x == p) {
                let ring: Vec<usize> = path[pos..].to_vec();
                let key = *ring.iter().min().unwrap_or(&p);
                if reported.insert(key) {
                    let names: Vec<&str> = ring
                        .iter()
                        .chain(std::iter::once(&p))
                        .map(|&i| rows[i].name.as_str())
                        .collect();
                    out.push(RowError {
                        line: rows[p].line,
                        message: format!("上级关系成环：{}", names.join(" → ")),
                    });
                }
                break;
            }
            if path.len() > rows.len() {
                break;
            }
            path.push(p);
            cur = p;
        }
    }
    out
}

/// Writes a list (UTF-8 with BOM, so that Excel opens it correctly) with English headers, the
/// parent as its full path.
pub fn write(rows: &[StationRow]) -> String {
    let mut out = String::from("\u{feff}name,level,parent,region_code,email,active\r\n");
    for r in rows {
        out.push_str(&format!(
            "{},{},{},{},{},{}\r\n",
            crate::sheet::csv_quote(&r.name),
            r.level,
            crate::sheet::csv_quote(&r.parent),
            crate::sheet::csv_quote(&r.region_code),
            crate::sheet::csv_quote(&r.email),
            if r.active { 1 } else { 0 }
        ));
    }
    out
}

/// The same list as an XLSX workbook (one sheet, 联系点), which imports back unchanged.
pub fn write_xlsx(rows: &[StationRow]) -> Result<Vec<u8>, crate::error::AppError> {
    use crate::sheet::{Cell, Sheet};
    let columns = [
        ("name", 28.0),
        ("level", 8.0),
        ("parent", 36.0),
        ("region_code", 14.0),
        ("email", 32.0),
        ("active", 8.0),
    ];
    crate::sheet::write_xlsx(&[Sheet {
        name: "联系点".into(),
        columns: columns.iter().map(|(n, w)| (n.to_string(), *w)).collect(),
        rows: rows
            .iter()
            .map(|r| {
                vec![
                    Cell::from(r.name.clone()),
                    Cell::from(r.level),
                    Cell::from(r.parent.clone()),
                    Cell::from(r.region_code.clone()),
                    Cell::from(r.email.clone()),
                    Cell::from(i64::from(r.active)),
                ]
            })
            .collect(),
    }])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn messages(text: &str) -> Vec<String> {
        match parse(text.as_bytes()) {
            Ok(_) => vec![],
            Err(e) => e.iter().map(|e| e.to_string()).collect(),
        }
    }

    #[test]
    fn a_clean_list_with_chinese_headers_and_quotes_parses() {
        let text = "名称,层级,上级,区划代码,邮箱\n昌吉回族自治州,1,,652300,a@b.cn\n\"昌吉市, 城区\",县市,昌吉回族自治州,652301,\n";
        let rows = parse(text.as_bytes()).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1].name, "昌吉市, 城区");
        assert_eq!(rows[1].level, 2);
        assert_eq!(rows[1].line, 3);
    }

    #[test]
    fn gbk_files_from_excel_are_read() {
        let text = "名称,层级,上级\r\n昌吉回族自治州,1,\r\n";
        let (gbk, _, _) = encoding_rs::GBK.encode(text);
        assert_eq!(parse(&gbk).unwrap()[0].name, "昌吉回族自治州");
    }

    #[test]
    fn region_codes_excel_turned_into_numbers_are_refused_with_their_line() {
        let text = "名称,层级,上级,区划代码\r\n昌吉回族自治州,州,,652300\r\n昌吉市,县市,昌吉回族自治州,652301\r\n宁边路街道,乡镇街道,昌吉市,6.52301E+11\r\n建国路社区,村社区,宁边路街道,6.52301E+11\r\n榆树沟镇,乡镇街道,昌吉市,652301100.0\r\n,,,\r\n,,,\r\n";
        let (gbk, _, _) = encoding_rs::GBK.encode(text);
        let m = match parse(&gbk) {
            Ok(_) => panic!("E-notation accepted"),
            Err(e) => e.iter().map(|e| e.to_string()).collect::<Vec<_>>(),
        };
        assert_eq!(m.len(), 3, "{m:?}");
        assert!(
            m[0].starts_with("第 4 行：区划代码“6.52301E+11”是 Excel 的科学计数法"),
            "{m:?}"
        );
        assert!(m[1].starts_with("第 5 行："), "{m:?}");
        assert!(
            m[2].starts_with("第 6 行：") && m[2].contains("小数点"),
            "{m:?}"
        );
        assert_eq!(region_code_problem("652301001001"), None);
        assert_eq!(region_code_problem(""), None);
        assert!(region_code_problem("6523-01").is_some_and(|p| p.contains("只由数字")));
    }

    #[test]
    fn every_bad_row_is_reported_with_its_line() {
        let m = messages(
            "name,level,parent,email\n州,1,,\n甲,5,州,\n乙,2,,\n丙,2,州,not-an-email\n丁,1,州,\n",
        );
        assert_eq!(m.len(), 4, "{m:?}");
        assert!(m[0].starts_with("第 3 行：层级“5”无效"), "{m:?}");
        assert!(
            m[1].contains("第 4 行") && m[1].contains("缺少上级"),
            "{m:?}"
        );
        assert!(m[2].contains("邮箱“not-an-email”格式不正确"), "{m:?}");
        assert!(m[3].contains("不应有上级"), "{m:?}");
    }

    #[test]
    fn duplicates_under_one_parent_and_cycles_are_refused() {
        let m = messages("name,level,parent\n州,1,\n甲,2,州\n甲,2,州\n");
        assert_eq!(m, vec!["第 4 行：“甲”在同一上级“州”下重复（第 3 行已有）"]);
        let m = messages("name,level,parent\n甲,3,乙\n乙,3,丙\n丙,3,甲\n");
        assert_eq!(m.len(), 1, "{m:?}");
        assert!(
            m[0].contains("上级关系成环") && m[0].contains("甲") && m[0].contains("丙"),
            "{m:?}"
        );
    }

    #[test]
    fn missing_columns_and_unclosed_quotes_are_file_errors() {
        assert!(messages("名称,上级\n甲,乙\n")[0].contains("缺少列“level”"));
        assert!(messages("name,level,parent\n\"甲,1,\n")[0].contains("引号没有闭合"));
        assert!(messages("")[0].contains("文件无法读取"));
    }

    #[test]
    fn writing_then_parsing_gives_the_same_rows() {
        let rows = vec![
            StationRow {
                id: 0,
                line: 2,
                name: "州".into(),
                level: 1,
                parent: "".into(),
                region_code: "652300".into(),
                email: "a@b.cn".into(),
                active: true,
            },
            StationRow {
                id: 0,
                line: 3,
                name: "县, \"新\"".into(),
                level: 2,
                parent: "州".into(),
                region_code: "".into(),
                email: "".into(),
                active: false,
            },
        ];
        assert_eq!(parse(write(&rows).as_bytes()).unwrap(), rows);
    }
}
