//! The search index (tantivy): schema, documents, queries with facets and highlights.
//!
//! Storage-free: documents come in as [`CommentDoc`] / [`DraftDoc`], queries as
//! [`super::SearchParams`]. Following the database is `feed.rs`'s job.

use super::tokenize::{ChineseTokenizer, DOC_TOKENIZER};
use super::{FacetCount, FacetGroup, Hit, SearchParams, SearchResults, PAGE_SIZE};
use crate::error::AppError;
use std::collections::HashMap;
use tantivy::aggregation::agg_req::Aggregations;
use tantivy::aggregation::{AggContextParams, AggregationCollector};
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{AllQuery, BooleanQuery, Occur, Query, QueryParser, RangeQuery, TermQuery};
use tantivy::schema::{
    Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, Value, FAST, INDEXED, STORED,
    STRING,
};
use tantivy::snippet::SnippetGenerator;
use tantivy::tokenizer::{TextAnalyzer, TokenizerManager};
use tantivy::{DocAddress, Index, IndexReader, Order, ReloadPolicy, TantivyDocument, Term};

/// Bumped whenever the schema or the analyzer changes: an index of another version is rebuilt.
pub const SCHEMA_VERSION: u32 = 2;

/// Longest query accepted, in characters.
pub const MAX_QUERY_CHARS: usize = 200;

#[derive(Clone, Copy)]
pub struct Fields {
    pub key: Field,
    pub kind: Field,
    pub text: Field,
    pub wording: Field,
    pub draft: Field,
    pub draft_title: Field,
    pub version: Field,
    pub unit: Field,
    pub label: Field,
    pub article: Field,
    pub station: Field,
    pub level: Field,
    pub county: Field,
    pub channel: Field,
    pub stance: Field,
    pub status: Field,
    pub disposition: Field,
    pub day: Field,
    pub submitted: Field,
    pub tracking: Field,
}

/// A search's query, and the part of it that highlights snippets.
type BuiltQuery = (Box<dyn Query>, Option<Box<dyn Query>>);

pub fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text_opts = TextOptions::default().set_stored().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(DOC_TOKENIZER)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    let facet = STRING | FAST | STORED;
    let f = Fields {
        // `c<id>` for a comment, `d<version id>:<uid>` for a unit of draft text.
        key: b.add_text_field("key", STRING | STORED),
        kind: b.add_text_field("kind", STRING | FAST),
        text: b.add_text_field("text", text_opts.clone()),
        wording: b.add_text_field("wording", text_opts),
        draft: b.add_text_field("draft", facet.clone()),
        draft_title: b.add_text_field("draft_title", STORED),
        version: b.add_u64_field("version", STORED | FAST),
        unit: b.add_text_field("unit", STRING | STORED),
        label: b.add_text_field("label", STORED),
        article: b.add_text_field("article", facet.clone()),
        station: b.add_text_field("station", facet.clone()),
        level: b.add_text_field("level", facet.clone()),
        county: b.add_text_field("county", facet.clone()),
        channel: b.add_text_field("channel", facet.clone()),
        stance: b.add_text_field("stance", facet.clone()),
        status: b.add_text_field("status", facet.clone()),
        disposition: b.add_text_field("disposition", facet.clone()),
        day: b.add_text_field("day", facet),
        submitted: b.add_i64_field("submitted", INDEXED | STORED | FAST),
        tracking: b.add_text_field("tracking", STORED),
    };
    (b.build(), f)
}

pub fn register_tokenizers(index: &Index) {
    index.tokenizers().register(
        DOC_TOKENIZER,
        TextAnalyzer::builder(ChineseTokenizer { search_mode: true }).build(),
    );
}

/// Tokenizers for parsing queries: the same analyzer in jieba's default mode.
fn query_tokenizers() -> TokenizerManager {
    let m = TokenizerManager::default();
    m.register(
        DOC_TOKENIZER,
        TextAnalyzer::builder(ChineseTokenizer { search_mode: false }).build(),
    );
    m
}

/// A comment as indexed.
#[derive(Clone, Debug, Default)]
pub struct CommentDoc {
    pub id: i64,
    pub slug: String,
    pub draft_title: String,
    pub version: i64,
    pub unit_uid: String,
    pub unit_label: String,
    pub reason: String,
    pub suggested: String,
    pub station: String,
    pub level: String,
    pub county: String,
    pub channel: String,
    pub stance: String,
    pub status: String,
    pub disposition: String,
    pub created_at: i64,
    pub tracking: String,
}

/// One article (or preamble/attachment) of one version of a draft, as indexed.
#[derive(Clone, Debug, Default)]
pub struct DraftDoc {
    pub version_id: i64,
    pub slug: String,
    pub draft_title: String,
    pub version: i64,
    pub uid: String,
    pub label: String,
    pub text: String,
    /// Whether the public finds it: the newest version of a draft with a published part
    /// (earlier readings and unpublished drafts only the committee finds).
    pub public: bool,
}

/// The article a unit belongs to: `art-12-p-2-i-1` → `art-12`.
pub use crate::draft::gate::article_of;

/// The fields every document has: its key and kind, text, and the unit of the draft it is on.
#[allow(clippy::too_many_arguments)]
fn unit_document(
    f: &Fields,
    key: String,
    kind: &str,
    text: &str,
    slug: &str,
    draft_title: &str,
    version: i64,
    uid: &str,
    label: &str,
) -> TantivyDocument {
    let mut d = TantivyDocument::default();
    d.add_text(f.key, key);
    d.add_text(f.kind, kind);
    d.add_text(f.text, text);
    d.add_text(f.draft, slug);
    d.add_text(f.draft_title, draft_title);
    d.add_u64(f.version, version.max(0) as u64);
    d.add_text(f.unit, uid);
    d.add_text(f.label, label);
    d.add_text(f.article, format!("{slug}#{}", article_of(uid)));
    d
}

/// A comment's document. Personal data in the text (phone and ID numbers, addresses, links) is
/// masked before it is indexed: a search for an exact ID number must not find — and so confirm
/// — the comment that shows it masked.
pub fn comment_document(f: &Fields, c: &CommentDoc) -> TantivyDocument {
    let mut d = unit_document(
        f,
        format!("c{}", c.id),
        "comment",
        &crate::comment::screen::mask(&c.reason),
        &c.slug,
        &c.draft_title,
        c.version,
        &c.unit_uid,
        &c.unit_label,
    );
    d.add_text(f.wording, crate::comment::screen::mask(&c.suggested));
    d.add_text(f.station, &c.station);
    d.add_text(f.level, &c.level);
    d.add_text(f.county, &c.county);
    d.add_text(f.channel, &c.channel);
    d.add_text(f.stance, &c.stance);
    d.add_text(f.status, &c.status);
    d.add_text(f.disposition, &c.disposition);
    d.add_text(f.day, crate::draft::time::format_day(c.created_at));
    d.add_i64(f.submitted, c.created_at);
    d.add_text(f.tracking, &c.tracking);
    d
}

pub fn draft_document(f: &Fields, u: &DraftDoc) -> TantivyDocument {
    let mut d = unit_document(
        f,
        format!("d{}:{}", u.version_id, u.uid),
        "draft",
        &u.text,
        &u.slug,
        &u.draft_title,
        u.version,
        &u.uid,
        &u.label,
    );
    d.add_text(f.status, if u.public { "published" } else { "internal" });
    d
}

/// The facets offered, in display order: (parameter and field name, heading).
pub const FACETS: [(&str, &str); 8] = [
    ("article", "条款"),
    ("stance", "态度"),
    ("channel", "渠道"),
    ("level", "联系点层级"),
    ("county", "县市"),
    ("disposition", "处理结果"),
    ("status", "审核状态"),
    ("day", "提交日期"),
];

fn facet_field(f: &Fields, name: &str) -> Option<Field> {
    Some(match name {
        "article" => f.article,
        "stance" => f.stance,
        "channel" => f.channel,
        "level" => f.level,
        "county" => f.county,
        "disposition" => f.disposition,
        "status" => f.status,
        "day" => f.day,
        "draft" => f.draft,
        _ => return None,
    })
}

/// Human labels of facet values; article labels come from the caller (they depend on the
/// draft's current numbering).
fn value_label(facet: &str, value: &str, articles: &HashMap<String, String>) -> String {
    let fixed = match (facet, value) {
        ("stance", "support") => "赞成",
        ("stance", "oppose") => "反对",
        ("stance", "amend") => "修改建议",
        ("channel", "online") => "网上",
        ("channel", "station") => "联系点",
        ("level", "1") => "州",
        ("level", "2") => "县市",
        ("level", "3") => "乡镇街道",
        ("level", "4") => "村社区",
        ("status", "published") => "已公开",
        ("status", "received") => "已收到",
        ("status", "reviewing") => "审核中",
        ("status", "rejected") => "未公开",
        ("disposition", "adopted") => "采纳",
        ("disposition", "partly") => "部分采纳",
        ("disposition", "not_adopted") => "未采纳",
        ("disposition", "explained") => "已说明",
        _ => "",
    };
    if !fixed.is_empty() {
        return fixed.to_string();
    }
    if facet == "article" {
        if let Some(l) = articles.get(value) {
            return l.clone();
        }
        return value.split('#').nth(1).unwrap_or(value).to_string();
    }
    value.to_string()
}

/// An open index with its reader.
pub struct Searchable {
    pub index: Index,
    pub reader: IndexReader,
    pub fields: Fields,
}

impl Searchable {
    pub fn new(index: Index) -> tantivy::Result<Searchable> {
        register_tokenizers(&index);
        let (_, fields) = schema();
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(Searchable {
            index,
            reader,
            fields,
        })
    }

    /// The query for the search box's text; `None` if it has no searchable word.
    fn text_query(&self, q: &str) -> Option<Box<dyn Query>> {
        let f = &self.fields;
        let mut parser = QueryParser::new(
            self.index.schema(),
            vec![f.text, f.wording],
            query_tokenizers(),
        );
        parser.set_conjunction_by_default();
        // Lenient: unbalanced brackets or a stray operator never fail the search.
        let (query, _errors) = parser.parse_query_lenient(&normalise_operators(q));
        let mut has_terms = false;
        query.query_terms(&mut |_, _| has_terms = true);
        has_terms.then_some(query)
    }

    /// The keys (`c<id>`) of every document matching the search box's text, best first
    /// (search-quality measurements).
    pub fn matching_keys(&self, q: &str, limit: usize) -> Result<Vec<String>, AppError> {
        let Some(query) = self.text_query(q) else {
            return Ok(Vec::new());
        };
        let searcher = self.reader.searcher();
        let top = searcher
            .search(&query, &TopDocs::with_limit(limit).order_by_score())
            .map_err(|e| internal("search", e))?;
        top.into_iter()
            .map(|(_, a)| {
                let doc: TantivyDocument = searcher.doc(a).map_err(|e| internal("doc", e))?;
                Ok(doc
                    .get_first(self.fields.key)
                    .and_then(|v| v.as_str())
                    .unwrap_or("")
                    .to_string())
            })
            .collect()
    }

    /// The query for a search's text, filters and dates; `None` when the text has no word to
    /// search for. Also the part of it that highlights snippets.
    fn build_query(&self, p: &SearchParams, public: bool) -> Result<Option<BuiltQuery>, AppError> {
        let f = &self.fields;
        let q = p.q.as_deref().unwrap_or("").trim();
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let mut terms_for_snippets: Option<Box<dyn Query>> = None;
        if !q.is_empty() {
            let Some(query) = self.text_query(q) else {
                return Ok(None);
            };
            terms_for_snippets = Some(query.box_clone());
            clauses.push((Occur::Must, query));
        }
        let term = |field: Field, v: &str| -> Box<dyn Query> {
            Box::new(TermQuery::new(
                Term::from_field_text(field, v),
                IndexRecordOption::Basic,
            ))
        };
        if public {
            clauses.push((Occur::Must, term(f.status, "published")));
        }
        match p.kind.as_deref() {
            Some("draft") => clauses.push((Occur::Must, term(f.kind, "draft"))),
            Some("comment") | None if !public => {
                clauses.push((Occur::Must, term(f.kind, "comment")))
            }
            _ => {}
        }
        for (name, value) in p.filters() {
            if public && matches!(name, "status" | "disposition") {
                continue;
            }
            if let Some(field) = facet_field(f, name) {
                clauses.push((Occur::Must, term(field, value)));
            }
        }
        let from = p.from.as_deref().filter(|s| !s.is_empty());
        let to = p.to.as_deref().filter(|s| !s.is_empty());
        if from.is_some() || to.is_some() {
            let lo = from.map(|d| crate::draft::time::parse_local(d).ok_or(d));
            let hi = to.map(|d| {
                crate::draft::time::parse_local(d)
                    .map(|t| t + 86_400_000)
                    .ok_or(d)
            });
            let (lo, hi) = match (lo.transpose(), hi.transpose()) {
                (Ok(lo), Ok(hi)) => (lo, hi),
                _ => {
                    return Err(AppError::validation("from", "日期格式应为 2026-11-27"));
                }
            };
            use std::ops::Bound;
            let bound = |v: Option<i64>, incl: bool| match v {
                Some(v) if incl => Bound::Included(Term::from_field_i64(f.submitted, v)),
                Some(v) => Bound::Excluded(Term::from_field_i64(f.submitted, v)),
                None => Bound::Unbounded,
            };
            clauses.push((
                Occur::Must,
                Box::new(RangeQuery::new(bound(lo, true), bound(hi, false))),
            ));
        }
        let query: Box<dyn Query> = if clauses.is_empty() {
            Box::new(AllQuery)
        } else {
            Box::new(BooleanQuery::new(clauses))
        };
        Ok(Some((query, terms_for_snippets)))
    }

    /// The ids of every comment a committee search matches (exports apply the search page's
    /// filters this way). `None`: the text has no word to search for.
    pub fn matching_comment_ids(&self, p: &SearchParams) -> Result<Option<Vec<i64>>, AppError> {
        let mut p = p.clone();
        p.kind = Some("comment".into());
        let Some((query, _)) = self.build_query(&p, false)? else {
            return Ok(None);
        };
        let searcher = self.reader.searcher();
        let docs = searcher
            .search(&query, &tantivy::collector::DocSetCollector)
            .map_err(|e| internal("export search", e))?;
        let mut ids = Vec::with_capacity(docs.len());
        for a in docs {
            let doc: TantivyDocument = searcher.doc(a).map_err(|e| internal("doc", e))?;
            if let Some(id) = doc
                .get_first(self.fields.key)
                .and_then(|v| v.as_str())
                .and_then(|k| k.strip_prefix('c'))
                .and_then(|k| k.parse::<i64>().ok())
            {
                ids.push(id);
            }
        }
        ids.sort_unstable();
        Ok(Some(ids))
    }

    /// Runs a search. `public` limits it to published comments and published drafts' text;
    /// `articles` maps `slug#article-uid` to the article's current label.
    pub fn search(
        &self,
        p: &SearchParams,
        public: bool,
        articles: &HashMap<String, String>,
    ) -> Result<SearchResults, AppError> {
        let f = &self.fields;
        let q = p.q.as_deref().unwrap_or("").trim();
        if q.chars().count() > MAX_QUERY_CHARS {
            return Err(AppError::validation(
                "q",
                format!("检索词太长（最多 {MAX_QUERY_CHARS} 个字）"),
            ));
        }
        let mut message = None;
        let Some((query, terms_for_snippets)) = self.build_query(p, public)? else {
            message =
                Some("检索词中没有可检索的词语（标点和“的、了、和”等虚词不参与检索）".to_string());
            return Ok(SearchResults {
                message,
                ..SearchResults::default()
            });
        };
        let searcher = self.reader.searcher();
        let aggs: Aggregations = serde_json::from_value(serde_json::Value::Object(
            FACETS
                .iter()
                .map(|(name, _)| {
                    let size = if *name == "day" { 60 } else { 30 };
                    (
                        name.to_string(),
                        serde_json::json!({ "terms": { "field": name, "size": size } }),
                    )
                })
                .collect(),
        ))
        .map_err(|e| internal("aggregation request", e))?;
        let agg_collector = AggregationCollector::from_aggs(
            aggs,
            AggContextParams::new(Default::default(), self.index.tokenizers().clone()),
        );
        let total = searcher
            .search(&query, &Count)
            .map_err(|e| internal("count", e))? as i64;
        let pages = ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1);
        let page = p.page.unwrap_or(1).clamp(1, pages);
        if p.page.unwrap_or(1) > pages && total > 0 {
            message = Some(format!(
                "没有第 {} 页，已显示最后一页。",
                p.page.unwrap_or(1)
            ));
        }
        let offset = ((page - 1) * PAGE_SIZE) as usize;
        let by_date = p.sort.as_deref() == Some("date") || q.is_empty();
        let (addresses, aggs): (Vec<DocAddress>, _) = if by_date {
            let top = TopDocs::with_limit(PAGE_SIZE as usize)
                .and_offset(offset)
                .order_by_fast_field::<i64>("submitted", Order::Desc);
            let (docs, aggs) = searcher
                .search(&query, &(top, agg_collector))
                .map_err(|e| internal("search", e))?;
            (docs.into_iter().map(|(_, a)| a).collect(), aggs)
        } else {
            let top = TopDocs::with_limit(PAGE_SIZE as usize)
                .and_offset(offset)
                .order_by_score();
            let (docs, aggs) = searcher
                .search(&query, &(top, agg_collector))
                .map_err(|e| internal("search", e))?;
            (docs.into_iter().map(|(_, a)| a).collect(), aggs)
        };
        let snippets = match &terms_for_snippets {
            Some(tq) => Some((
                SnippetGenerator::create(&searcher, tq.as_ref(), f.text)
                    .map_err(|e| internal("snippet", e))?,
                SnippetGenerator::create(&searcher, tq.as_ref(), f.wording)
                    .map_err(|e| internal("snippet", e))?,
            )),
            None => None,
        };
        let mut hits = Vec::with_capacity(addresses.len());
        for a in addresses {
            let doc: TantivyDocument = searcher.doc(a).map_err(|e| internal("doc", e))?;
            let s = |field: Field| {
                doc.get_first(field)
                    .and_then(|v| v.as_str())
                    .unwrap_or("")
                    .to_string()
            };
            let key = s(f.key);
            let is_comment = key.starts_with('c');
            let mut text = s(f.text);
            let mut wording = s(f.wording);
            if public && is_comment {
                // Personal data stays masked in every public view, snippets included.
                text = crate::comment::screen::mask(&text);
                wording = crate::comment::screen::mask(&wording);
            }
            let (snippet, wording_snippet) = match &snippets {
                Some((st, sw)) => (
                    non_empty_or(cut_marked(st.snippet(&text), &text), || escape_head(&text)),
                    cut_marked(sw.snippet(&wording), &wording),
                ),
                None => (escape_head(&text), String::new()),
            };
            let submitted = doc
                .get_first(f.submitted)
                .and_then(|v| v.as_i64())
                .unwrap_or(0);
            hits.push(Hit {
                kind: if is_comment { "comment" } else { "draft" }.to_string(),
                comment_id: if is_comment {
                    key[1..].parse().ok()
                } else {
                    None
                },
                slug: s(f.draft),
                draft_title: s(f.draft_title),
                version: doc
                    .get_first(f.version)
                    .and_then(|v| v.as_u64())
                    .unwrap_or(0) as i64,
                unit_uid: s(f.unit),
                unit_label: s(f.label),
                stance: s(f.stance),
                status: s(f.status),
                channel: s(f.channel),
                station: s(f.station),
                // Dispositions are public only in the feedback report, once published.
                disposition: if public {
                    String::new()
                } else {
                    let d = s(f.disposition);
                    if d.is_empty() {
                        d
                    } else {
                        value_label("disposition", &d, articles)
                    }
                },
                day: if is_comment {
                    crate::draft::time::format_day(submitted)
                } else {
                    String::new()
                },
                tracking: if public { String::new() } else { s(f.tracking) },
                snippet_html: snippet,
                wording_html: wording_snippet,
            });
        }
        let aggs = serde_json::to_value(&aggs).map_err(|e| internal("aggregation result", e))?;
        let active: HashMap<&str, &str> = p.filters().collect();
        let mut facets = Vec::new();
        for (name, heading) in FACETS {
            // The public sees neither moderation states nor (before the feedback report, and
            // then only there) the committee's dispositions.
            if public && matches!(name, "status" | "disposition") {
                continue;
            }
            let mut values: Vec<FacetCount> = aggs[name]["buckets"]
                .as_array()
                .map(|b| b.as_slice())
                .unwrap_or(&[])
                .iter()
                .filter_map(|b| {
                    let v = b["key"].as_str()?.to_string();
                    if v.is_empty() || (name == "status" && v == "internal") {
                        return None;
                    }
                    Some(FacetCount {
                        label: value_label(name, &v, articles),
                        active: active.get(name) == Some(&v.as_str()),
                        count: b["doc_count"].as_i64().unwrap_or(0),
                        value: v,
                    })
                })
                .collect();
            if name == "day" {
                values.sort_by(|a, b| b.value.cmp(&a.value));
            }
            if let Some(v) = active.get(name) {
                if !values.iter().any(|c| c.value == *v) {
                    // A filter on a value that does not occur: shown, with no hits, so it can
                    // be removed.
                    values.insert(
                        0,
                        FacetCount {
                            value: v.to_string(),
                            label: value_label(name, v, articles),
                            count: 0,
                            active: true,
                        },
                    );
                }
            }
            if !values.is_empty() {
                facets.push(FacetGroup {
                    name: name.to_string(),
                    heading: heading.to_string(),
                    values,
                });
            }
        }
        if total == 0 && message.is_none() {
            message =
                Some("没有找到符合条件的意见。可以换个说法，或去掉一些筛选条件。".to_string());
        }
        Ok(SearchResults {
            total,
            page,
            pages,
            hits,
            facets,
            message,
        })
    }
}

/// Lets citizens write the operators in Chinese or lower case: 与/且/并且 → AND, 或/或者 → OR,
/// 非/不含 → NOT (only as separate words), and full-width quotes and signs.
fn normalise_operators(q: &str) -> String {
    let q: String = q
        .chars()
        .map(|c| match c {
            '“' | '”' | '「' | '」' | '＂' => '"',
            '＋' => '+',
            '－' => '-',
            '\u{3000}' => ' ',
            c => c,
        })
        .collect();
    // No field of ours is searchable by name, so the query syntax's `field:` and its other
    // signs (boosts, ranges, fuzziness, wildcards) are words people typed without meaning
    // syntax: `title:供热`, `第十二条:供热`, `供热^2` search the words they contain.
    let q: String = q
        .split_whitespace()
        .map(|w| match w.split_once([':', '：']) {
            Some((field, rest))
                if !field.is_empty() && field.chars().all(|c| c.is_ascii_alphabetic()) =>
            {
                rest
            }
            _ => w,
        })
        .collect::<Vec<_>>()
        .join(" ");
    let mut plain = String::with_capacity(q.len());
    let mut chars = q.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            // A boost or a slop (`^2`, `~1.5`) goes with its number.
            '^' | '~' => {
                while chars.next_if(|d| d.is_ascii_digit() || *d == '.').is_some() {}
                plain.push(' ');
            }
            ':' | '：' | '*' | '?' | '\\' | '[' | ']' | '{' | '}' | '<' | '>' | '=' | '!' => {
                plain.push(' ')
            }
            c => plain.push(c),
        }
    }
    let q = plain;
    let mut out = Vec::new();
    for w in q.split_whitespace() {
        out.push(match w {
            "and" | "AND" | "与" | "且" | "并且" => "AND",
            "or" | "OR" | "或" | "或者" => "OR",
            "not" | "NOT" | "非" | "不含" => "NOT",
            w => w,
        });
    }
    // An unbalanced quote would make the rest one phrase; drop the last one.
    let mut s = out.join(" ");
    if s.matches('"').count() % 2 == 1 {
        if let Some(i) = s.rfind('"') {
            s.replace_range(i..i + 1, " ");
        }
    }
    s
}

/// A highlighted snippet with "…" where it cuts the text, so a reader knows there is more.
fn cut_marked(snippet: tantivy::snippet::Snippet, text: &str) -> String {
    let html = snippet.to_html();
    if html.is_empty() {
        return html;
    }
    let fragment = snippet.fragment().trim();
    let before = if text.trim_start().starts_with(fragment) {
        ""
    } else {
        "…"
    };
    let after = if text.trim_end().ends_with(fragment) {
        ""
    } else {
        "…"
    };
    format!("{before}{html}{after}")
}

fn non_empty_or(s: String, alt: impl FnOnce() -> String) -> String {
    if s.is_empty() {
        alt()
    } else {
        s
    }
}

/// The first 150 characters, HTML-escaped (a hit without highlighted words).
fn escape_head(text: &str) -> String {
    let head: String = text.chars().take(150).collect();
    let mut out = String::with_capacity(head.len());
    for c in head.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    if text.chars().count() > 150 {
        out.push('…');
    }
    out
}

fn internal(what: &str, e: impl std::fmt::Display) -> AppError {
    tracing::error!(error = %e, "search: {what} failed");
    AppError::Internal
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn article_of_cuts_paragraphs_and_items() {
        assert_eq!(article_of("art-12-p-2-i-1"), "art-12");
        assert_eq!(article_of("art-12-1-p-1"), "art-12-1");
        assert_eq!(article_of("art-3-i-2"), "art-3");
        assert_eq!(article_of("art-7"), "art-7");
    }

    #[test]
    fn operators_may_be_written_in_chinese_and_quotes_balance() {
        assert_eq!(normalise_operators("供热 或 供暖"), "供热 OR 供暖");
        assert_eq!(
            normalise_operators("“集中供热” 非 收费"),
            "\"集中供热\" NOT 收费"
        );
        assert_eq!(normalise_operators("\"供热 收费"), " 供热 收费");
        // Query-syntax signs typed by people who never meant syntax keep their words.
        assert_eq!(normalise_operators("供热:"), "供热");
        assert_eq!(normalise_operators("title:供热"), "供热");
        assert_eq!(normalise_operators("第十二条:供热"), "第十二条 供热");
        assert_eq!(normalise_operators("第十二条：供热"), "第十二条 供热");
        assert_eq!(normalise_operators("供热^2 ~ * ? \\"), "供热");
        assert_eq!(normalise_operators("\"集中 供热\"~2"), "\"集中 供热\"");
        assert_eq!(normalise_operators("[供热 TO 停暖}"), "供热 TO 停暖");
    }
}
