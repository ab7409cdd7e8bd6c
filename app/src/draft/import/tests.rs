use super::*;
use crate::docx::{draft_docx, Labels};
use crate::draft::parse::tests::{corpus_dir, counts_vec, manifest_rows};

fn tools_or_skip(need_soffice: bool, need_pdftotext: bool) -> Option<Tools> {
    let tools = Tools::from_path();
    if need_soffice && tools.soffice.is_none() {
        eprintln!("skipping: LibreOffice (soffice) is not installed");
        return None;
    }
    if need_pdftotext && tools.pdftotext.is_none() {
        eprintln!("skipping: pdftotext (poppler-utils) is not installed");
        return None;
    }
    Some(tools)
}

fn heating_tree() -> crate::draft::DraftTree {
    let path = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/laws/023-local-xj-changji-urban-heating-regs.md");
    let bytes = std::fs::read(&path).expect("fixture");
    parse::parse_bytes(&bytes).expect("parses").tree
}

/// A PDF whose only page has no text (as a scan's pages have none).
const EMPTY_PDF: &[u8] = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";

#[test]
fn formats_are_told_by_content_not_name() {
    let docx = draft_docx(&heating_tree(), Labels::Typed)
        .to_bytes()
        .unwrap();
    assert_eq!(detect(&docx, Some("draft.txt")), Ok(Format::Docx));
    assert_eq!(detect(EMPTY_PDF, Some("draft.docx")), Ok(Format::Pdf));
    let mut cfb = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    cfb.extend("WordDocument".encode_utf16().flat_map(u16::to_le_bytes));
    assert_eq!(detect(&cfb, None), Ok(Format::Doc));
    assert_eq!(detect(&cfb, Some("条例.WPS")), Ok(Format::Wps));
    let mut encrypted = cfb[..8].to_vec();
    encrypted.extend("EncryptedPackage".encode_utf16().flat_map(u16::to_le_bytes));
    assert_eq!(
        detect(&encrypted, Some("a.docx")),
        Err(ParseError::Encrypted)
    );
    let book = crate::sheet::write_xlsx(&[crate::sheet::Sheet {
        name: "x".into(),
        columns: vec![("a".into(), 5.0)],
        rows: vec![],
    }])
    .unwrap();
    assert_eq!(
        detect(&book, Some("draft.docx")),
        Err(ParseError::UnsupportedFormat("Excel"))
    );
    assert_eq!(
        detect(b"\x89PNG\r\n\x1a\n\0\0", None),
        Err(ParseError::UnsupportedFormat("image"))
    );
    assert_eq!(
        detect(b"\xef\xbb\xbf<!DOCTYPE html><html>", None),
        Ok(Format::Html)
    );
    assert_eq!(
        detect("# 条例\n".as_bytes(), Some("a.pdf")),
        Ok(Format::Text)
    );
    assert_eq!(detect(b"{\\rtf1\\ansi", None), Ok(Format::Rtf));
}

#[test]
fn a_saved_web_page_is_read_as_its_text() {
    let html = "<!DOCTYPE html><html><head><title>站点</title><style>p{}</style></head><body><div class=\"nav\">首页 &gt; 法规草案</div><h1>某某条例</h1><p>第一条&nbsp;为了规范管理，制定本条例。</p><p>第二条 本条例自公布之日起施行。</p><script>var x=1;</script></body></html>";
    let (c, p) = parse_file(html.as_bytes(), None, &Tools::default()).unwrap();
    assert_eq!(c.format, Format::Html);
    assert_eq!(p.tree.title, "某某条例");
    assert_eq!(p.counts.tiao, 2);
    assert!(!c.text.contains("var x") && !c.text.contains("站点"));
}

#[test]
fn page_numbers_and_running_heads_are_removed_and_pages_joined() {
    let raw = "              某某条例（草案）\n\n  第一条 为了规范管理，保障公共利益，根据有关法律，结合本\n市实际，制定本条例。\n  第二条 本条例适用于本市行政区域内的管理活动，但是法律\n\n\n                  —1—\n\u{c}某某条例（草案）征求意见稿\n另有规定的除外。\n  第三条 本条例自公布之日起施行，有效期为五年，期满前\n应当评估。\n\n                  —2—\n\u{c}某某条例（草案）征求意见稿\n  第四条 本条例由市人民政府负责解释，具体应用问题由市\n司法行政部门答复。\n\n              第 3 页\n\u{c}";
    let (text, warnings) = pdf_pages_to_text(raw).unwrap();
    assert!(!text.contains("—1—") && !text.contains("第 3 页"), "{text}");
    assert!(!text.contains("征求意见稿"), "running head: {text}");
    assert!(text.contains("但是法律\n另有规定"), "pages joined: {text}");
    assert_eq!(warnings.len(), 1);
    let p = parse::parse_text(&text).unwrap();
    let arts = p.tree.articles();
    assert_eq!(arts.len(), 4);
    assert_eq!(
        arts[1].children[0].text,
        "本条例适用于本市行政区域内的管理活动，但是法律另有规定的除外。"
    );
}

#[test]
fn a_pdf_without_text_is_refused_as_a_scan() {
    assert_eq!(
        pdf_pages_to_text("\u{c}\n\u{c}  \n\u{c}"),
        Err(ParseError::ScannedPdf { pages: 3 })
    );
    let Some(tools) = tools_or_skip(false, true) else {
        return;
    };
    let e = convert(EMPTY_PDF, Some("scan.pdf"), &tools).unwrap_err();
    assert_eq!(e, ParseError::ScannedPdf { pages: 1 });
    assert!(e.message_zh().contains("扫描件"));
}

#[test]
fn missing_programs_are_named() {
    let e = convert(EMPTY_PDF, None, &Tools::default()).unwrap_err();
    assert!(
        e.to_string().contains("pdftotext") && e.to_string().contains("poppler-utils"),
        "{e}"
    );
    let mut cfb = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    cfb.extend("WordDocument".encode_utf16().flat_map(u16::to_le_bytes));
    let e = convert(&cfb, Some("a.doc"), &Tools::default()).unwrap_err();
    assert!(
        e.to_string().contains("soffice") && e.to_string().contains("libreoffice"),
        "{e}"
    );
    assert!(!e.message_zh().is_empty());
}

/// Writes files and converts them all with one LibreOffice run: `docx` → `to` (pdf, doc).
fn libreoffice_batch(
    tools: &Tools,
    files: &[(String, Vec<u8>)],
    to: &str,
) -> Vec<(String, Vec<u8>)> {
    let dir = WorkDir::new().unwrap();
    let mut args = vec![
        format!(
            "-env:UserInstallation=file://{}",
            dir.0.join("profile").display()
        ),
        "--headless".into(),
        "--convert-to".into(),
        to.into(),
        "--outdir".into(),
        dir.0.join("out").display().to_string(),
    ];
    for (name, bytes) in files {
        let p = dir.0.join(format!("{name}.docx"));
        std::fs::write(&p, bytes).unwrap();
        args.push(p.display().to_string());
    }
    let status = Command::new(tools.soffice.as_ref().unwrap())
        .args(&args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    files
        .iter()
        .map(|(name, _)| {
            let out = dir.0.join("out").join(format!("{name}.{to}"));
            (name.clone(), std::fs::read(&out).unwrap_or_default())
        })
        .collect()
}

/// The 52-law acceptance for PDF: each law written as a Word file, printed to PDF by
/// LibreOffice (page numbers in the footer, paragraphs wrapped and broken across pages), then
/// read back through pdftotext; every count must match the manifest.
#[test]
fn every_manifest_row_as_a_pdf_parses_to_the_true_counts() {
    let Some(dir) = corpus_dir() else { return };
    let Some(tools) = tools_or_skip(true, true) else {
        return;
    };
    let rows = manifest_rows(&dir);
    let docs: Vec<(String, Vec<u8>)> = rows
        .iter()
        .map(|(file, bytes, _)| {
            let tree = parse::parse_bytes(bytes).unwrap().tree;
            let name = file
                .trim_end_matches(".md")
                .trim_end_matches(".txt")
                .to_string();
            (name, draft_docx(&tree, Labels::Typed).to_bytes().unwrap())
        })
        .collect();
    let pdfs = libreoffice_batch(&tools, &docs, "pdf");
    let mut failures = Vec::new();
    for ((file, _, expected), (_, pdf)) in rows.iter().zip(&pdfs) {
        match parse_file(pdf, Some("law.pdf"), &tools) {
            Ok((c, p)) => {
                assert_eq!(c.format, Format::Pdf);
                let got = counts_vec(p.counts);
                if &got != expected {
                    failures.push(format!("{file}: got {got:?}, manifest {expected:?}"));
                }
            }
            Err(e) => failures.push(format!("{file}: {e}")),
        }
    }
    assert!(
        failures.is_empty(),
        "pdf: {} of {} files differ:\n{}",
        failures.len(),
        rows.len(),
        failures.join("\n")
    );
}

/// Old Word files and WPS files (the same container) go through LibreOffice.
#[test]
fn a_word_97_file_is_converted_and_keeps_its_automatic_numbering() {
    let Some(tools) = tools_or_skip(true, false) else {
        return;
    };
    let tree = heating_tree();
    let docx = draft_docx(&tree, Labels::Automatic).to_bytes().unwrap();
    let doc = libreoffice_batch(&tools, &[("heating".into(), docx)], "doc");
    let (_, doc) = &doc[0];
    assert!(doc.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]));
    for name in ["条例.doc", "条例.wps"] {
        let (c, p) = parse_file(doc, Some(name), &tools).unwrap();
        assert_eq!(
            c.format,
            if name.ends_with("wps") {
                Format::Wps
            } else {
                Format::Doc
            }
        );
        assert_eq!((p.counts.zhang, p.counts.tiao), (6, 46), "{name}");
        let labels: Vec<_> = p.tree.articles().iter().map(|a| a.label.clone()).collect();
        let expected: Vec<_> = tree.articles().iter().map(|a| a.label.clone()).collect();
        assert_eq!(labels, expected);
        assert!(p.warnings.iter().any(|w| w.message.contains("LibreOffice")));
    }
}

/// A PDF printed by Chromium from a web page of the law (another producer, another text
/// layer): the same articles come back.
#[tokio::test]
async fn a_pdf_printed_by_chromium_reads_back() {
    let Some(tools) = tools_or_skip(false, true) else {
        return;
    };
    if crate::pdf::find_browser(None).is_none() {
        eprintln!("skipping: no Chromium to print the PDF");
        return;
    }
    let tree = heating_tree();
    // The text in document order: headings, then each article's paragraphs with its label.
    let mut html = String::new();
    fn emit(n: &crate::draft::Node, html: &mut String, label: Option<&str>) {
        use crate::draft::NodeKind as K;
        match n.kind {
            K::Zhang | K::Jie | K::Bian | K::Fenbian => {
                html.push_str(&format!(
                    "<h2 style=\"text-align:center\">{} {}</h2>",
                    n.label, n.title
                ));
                n.children.iter().for_each(|c| emit(c, html, None));
            }
            K::Tiao => {
                let mut first = true;
                for c in &n.children {
                    emit(c, html, if first { Some(&n.label) } else { None });
                    first = false;
                }
            }
            K::Kuan => {
                html.push_str(&format!(
                    "<p style=\"text-indent:2em\">{}{}</p>",
                    label.map(|l| format!("{l}　")).unwrap_or_default(),
                    n.text
                ));
                n.children.iter().for_each(|c| emit(c, html, None));
            }
            _ => {
                html.push_str(&format!(
                    "<p style=\"text-indent:2em\">{}{}</p>",
                    n.label, n.text
                ));
                n.children.iter().for_each(|c| emit(c, html, None));
            }
        }
    }
    tree.nodes.iter().for_each(|n| emit(n, &mut html, None));
    let page = format!(
        "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><style>\
         @page {{ size: A4; margin: 25mm 20mm; @bottom-center {{ content: \"- \" counter(page) \" -\"; }} }}\
         body {{ font-size: 16pt; line-height: 1.6; }}</style></head>\
         <body><h1 style=\"text-align:center\">{}</h1>{html}</body></html>",
        tree.title
    );
    let pdf = match crate::pdf::print(&page, None).await {
        Ok(pdf) => pdf,
        Err(e) => {
            eprintln!("skipping: Chromium could not print ({})", e.message());
            return;
        }
    };
    let (c, p) = tokio::task::spawn_blocking(move || parse_file(&pdf, None, &tools))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(c.format, Format::Pdf);
    assert_eq!((p.counts.zhang, p.counts.tiao), (6, 46), "{}", c.text);
    let labels: Vec<_> = p.tree.articles().iter().map(|a| a.label.clone()).collect();
    let expected: Vec<_> = tree.articles().iter().map(|a| a.label.clone()).collect();
    assert_eq!(labels, expected);
    // Paragraph for paragraph, the text is what was printed.
    let kuan = |t: &crate::draft::DraftTree| -> Vec<String> {
        t.articles()
            .iter()
            .flat_map(|a| a.children.iter().map(|k| k.text.clone()))
            .collect()
    };
    assert_eq!(kuan(&p.tree), kuan(&tree));
}
