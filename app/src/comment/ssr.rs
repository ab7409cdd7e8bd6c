//! Comment storage.

use super::{tracking, OwnComment, PublicComment, PublicPage, Receipt, Stance, UnitCounts};
use crate::error::AppError;
use crate::ssr::Db;
use std::collections::HashMap;
use unicode_normalization::UnicodeNormalization;

/// Unicode NFC, control characters removed (line breaks kept), invisible formatting characters
/// removed (zero-width spaces and joiners, direction overrides, BOM, soft hyphen: text made of
/// them only is empty), trimmed — and nothing else.
pub fn normalize(s: &str) -> String {
    s.nfc()
        .filter(|c| (!c.is_control() || *c == '\n') && !super::screen::invisible(*c))
        .collect::<String>()
        .replace("\r", "")
        .trim()
        .to_string()
}

/// A contact a committee can use to answer: an e-mail address of plain letters, digits and
/// `._%+-` at a dotted domain, or a Chinese mobile (with or without +86), landline (area code
/// and number) or 400 number, or an international number in E.164 form. Full-width digits,
/// spaces, hyphens and brackets are allowed in numbers.
pub(crate) fn valid_contact(c: &str) -> bool {
    static EMAIL: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(
            r"^[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})*\.[A-Za-z]{2,24}$",
        )
        .expect("static regex")
    });
    static PHONE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"^(?:(?:\+?86)?1[3-9]\d{9}|0\d{2,3}\d{7,8}|400\d{7}|\+[1-9]\d{7,14})$")
            .expect("static regex")
    });
    if c.contains(['@', '＠']) {
        let folded: String = c.nfkc().collect();
        return folded.len() <= 254 && EMAIL.is_match(&folded);
    }
    let folded: String = c.nfkc().collect();
    if !folded
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '+' | '-' | ' ' | '(' | ')'))
    {
        return false;
    }
    let compact: String = folded
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '+')
        .collect();
    PHONE.is_match(&compact)
}

pub struct NewComment {
    pub slug: String,
    pub uid: String,
    pub stance: String,
    pub reason: String,
    pub suggested: String,
    pub name: String,
    pub region: String,
    pub category: String,
    pub contact: String,
    pub idempotency_key: String,
    pub challenge_token: Option<String>,
    pub challenge_answer: Option<String>,
}

/// Who is submitting: the client address and the logged-in account, if any.
pub fn source() -> super::intake::Source {
    super::intake::Source {
        ip: crate::ssr::web::client_ip(),
        account_id: crate::auth::ssr::viewer().user().map(|u| u.id),
    }
}

/// The receipt of comment `input` (a tracking number as typed). `own(tracking, account)` tells
/// whether the viewer is its submitter (the cookie the submission left, or the account it was
/// made from): only then does the receipt repeat what was written.
pub async fn receipt(
    db: &Db,
    input: &str,
    own: impl Fn(&str, Option<i64>) -> bool,
) -> Result<Receipt, AppError> {
    let t = tracking::normalize(input).ok_or_else(|| {
        AppError::validation("tracking", "回执编号有误，请核对（例如 YJ-7K3Q-9M2P）")
    })?;
    type ReceiptRow = (
        String,
        String,
        String,
        String,
        String,
        String,
        i64,
        String,
        String,
        Option<i64>,
        String,
        String,
        Option<i64>,
    );
    let row: Option<ReceiptRow> = sqlx::query_as(
        "select d.title, d.slug, c.unit_label, c.stance, c.status, c.moderation_note, c.created_at, \
         c.disposition, c.disposition_reason, f.published_at, c.reason, c.suggested, c.account_id \
         from comment c join draft d on d.id = c.draft_id \
         left join feedback_publication f on f.draft_id = c.draft_id where c.tracking = $1",
    )
    .bind(&t)
    .fetch_optional(&db.pool)
    .await?;
    let (
        draft_title,
        slug,
        unit_label,
        stance,
        status,
        note,
        at,
        disposition,
        reason,
        published,
        text,
        suggested,
        account,
    ) = row.ok_or(AppError::NotFound)?;
    let own_text = own(&t, account).then_some((text, suggested));
    Ok(Receipt {
        own_text,
        tracking: t,
        draft_title,
        slug,
        unit_label,
        stance: Stance::parse(&stance).unwrap_or(Stance::Amend),
        status_note: (status == "rejected").then(|| {
            if note.is_empty() {
                "未说明原因".into()
            } else {
                note
            }
        }),
        status: status_label(&status).into(),
        submitted_at: crate::draft::time::format_local(at),
        disposition: (published.is_some() && !disposition.is_empty()).then(|| {
            (
                crate::workbench::disposition_label(&disposition).to_string(),
                reason,
            )
        }),
    })
}

pub fn status_label(status: &str) -> &'static str {
    match status {
        "received" => "已收到",
        "reviewing" => "审核中",
        "published" => "已公开",
        _ => "未公开",
    }
}

pub const PUBLIC_PAGE_SIZE: i64 = 20;

/// stance, reason, suggested, region, category, created_at, version, version label, newest version.
type PublicRow = (
    String,
    String,
    String,
    String,
    String,
    i64,
    i64,
    String,
    i64,
);
/// tracking, draft title, slug, unit uid, unit label, stance, reason, status, created_at.
type OwnRow = (
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    i64,
);

/// One page of the published comments on a unit and the units under it (an article's
/// paragraphs and items), from every version via the units' stable identities, newest first,
/// with personal data removed and masked. The one definition of a unit's 公开意见 count: the
/// reading page's counts add up the same way.
pub async fn public_page(
    db: &Db,
    slug: &str,
    uid: &str,
    page: i64,
) -> Result<PublicPage, AppError> {
    let total: i64 = sqlx::query_scalar(
        "select count(*) from comment c join draft d on d.id = c.draft_id \
         where d.slug = $1 and (c.unit_uid = $2 or c.unit_uid like $2 || '-%') \
         and c.status = 'published'",
    )
    .bind(slug)
    .bind(uid)
    .fetch_one(&db.pool)
    .await?;
    let pages = ((total + PUBLIC_PAGE_SIZE - 1) / PUBLIC_PAGE_SIZE).max(1);
    let page = page.clamp(1, pages);
    let rows: Vec<PublicRow> = sqlx::query_as(
        "select c.stance, c.reason, c.suggested, c.region, c.category, c.created_at, \
         c.version_number, coalesce(v.label, ''), \
         (select max(number) from draft_version where draft_id = d.id) \
         from comment c join draft d on d.id = c.draft_id \
         left join draft_version v on v.draft_id = d.id and v.number = c.version_number \
         where d.slug = $1 and (c.unit_uid = $2 or c.unit_uid like $2 || '-%') \
         and c.status = 'published' \
         order by c.created_at desc, c.id desc limit $3 offset $4",
    )
    .bind(slug)
    .bind(uid)
    .bind(PUBLIC_PAGE_SIZE)
    .bind((page - 1) * PUBLIC_PAGE_SIZE)
    .fetch_all(&db.pool)
    .await?;
    let comments = rows
        .into_iter()
        .map(
            |(stance, reason, suggested, region, category, at, version, vlabel, newest)| {
                PublicComment {
                    stance: Stance::parse(&stance).unwrap_or(Stance::Amend),
                    reason: super::screen::mask(&reason),
                    suggested: super::screen::mask(&suggested),
                    region: super::screen::mask(&region),
                    category,
                    submitted_at: crate::draft::time::format_local(at),
                    earlier_version: (version < newest).then_some(vlabel),
                }
            },
        )
        .collect();
    Ok(PublicPage {
        comments,
        total,
        page,
        pages,
    })
}

/// The comments an account submitted while logged in, newest first.
pub async fn own(db: &Db, account_id: i64) -> Result<Vec<OwnComment>, AppError> {
    let rows: Vec<OwnRow> = sqlx::query_as(
        "select c.tracking, d.title, d.slug, c.unit_uid, c.unit_label, c.stance, c.reason, \
             c.status, c.created_at from comment c join draft d on d.id = c.draft_id \
             where c.account_id = $1 order by c.created_at desc, c.id desc limit 500",
    )
    .bind(account_id)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(tracking, draft_title, slug, unit_uid, unit_label, stance, reason, status, at)| {
                OwnComment {
                    tracking,
                    draft_title,
                    slug,
                    unit_uid,
                    unit_label,
                    stance: Stance::parse(&stance).unwrap_or(Stance::Amend),
                    reason,
                    status: status_label(&status).into(),
                    submitted_at: crate::draft::time::format_local(at),
                }
            },
        )
        .collect())
}

/// Public comment counts per unit uid: by stance in the current version, plus the number made
/// on the same unit in earlier versions.
pub async fn counts(
    db: &Db,
    slug: &str,
    current_version: i64,
) -> Result<HashMap<String, UnitCounts>, AppError> {
    let rows: Vec<(String, String, i64, i64)> = sqlx::query_as(
        "select c.unit_uid, c.stance, c.version_number, count(*) from comment c \
         join draft d on d.id = c.draft_id where d.slug = $1 and c.status = 'published' \
         group by c.unit_uid, c.stance, c.version_number",
    )
    .bind(slug)
    .fetch_all(&db.pool)
    .await?;
    let mut out: HashMap<String, UnitCounts> = HashMap::new();
    for (uid, stance, version, n) in rows {
        let e = out.entry(uid).or_default();
        if version < current_version {
            e.earlier += n;
        } else {
            match Stance::parse(&stance) {
                Some(Stance::Support) => e.support += n,
                Some(Stance::Oppose) => e.oppose += n,
                _ => e.amend += n,
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_only_what_it_must() {
        assert_eq!(normalize("  e\u{301}\u{0007}供热\r\n好 "), "é供热\n好");
        assert_eq!(
            normalize("<script>alert(1)</script>"),
            "<script>alert(1)</script>"
        );
    }

    #[test]
    fn contacts() {
        for ok in [
            "13800138000",
            "+86 138-0013-8000",
            "１３８００１３８０００",
            "0994-2345678",
            "(0994) 2345678",
            "400 123 4567",
            "+44 20 7946 0958",
            "zhang@example.cn",
            "zhang.san+yj@mail.example.com.cn",
            "zhang＠example.cn",
        ] {
            assert!(valid_contact(ok), "{ok}");
        }
        for bad in [
            "abc",
            "123",
            "1234567",
            "12345678901",
            "zhang@",
            "a@b",
            "a b@c.cn",
            "a@b@c.cn",
            "<script>alert(1)</script>@evil.cn",
            "a@evil.cn<script>",
            "\"a\"@b.cn",
        ] {
            assert!(!valid_contact(bad), "{bad}");
        }
    }

    #[test]
    fn invisible_characters_are_no_text() {
        assert_eq!(normalize("\u{200b}\u{200c}\u{200d}\u{feff}\u{2060}"), "");
        assert_eq!(normalize("供\u{200b}热\u{202e}"), "供热");
    }
}
