//! Mail texts (zh-CN). Pure functions: each returns the subject and the plain-text body.

/// The notice a station receives when a part of a draft is published for comment.
pub fn publication_notice(
    draft_title: &str,
    part_label: &str,
    opens_at: &str,
    closes_at: &str,
    base: &str,
    slug: &str,
) -> (String, String) {
    let subject = format!("【征求意见】《{draft_title}》{part_label}");
    let text = format!(
        "各代表之家（联系点）：\n\n《{draft_title}》{part_label}现公开征求意见，\
         时间为 {opens_at} 至 {closes_at}。\n\n\
         草案全文：\n{base}/drafts/{slug}\n\n\
         打印版（PDF，A4，末页附意见反馈表，可用于座谈会和宣传）：\n{base}/drafts/{slug}/handout.pdf\n\n\
         请登录平台确认收到本通知，并组织收集群众意见后按时报送：\n{base}/station/notices\n\n\
         （本邮件由系统自动发送，请勿直接回复。）\n"
    );
    (subject, text)
}

/// A scheduled publication withdrawn before it opened.
pub fn publication_withdrawn(
    draft_title: &str,
    part_label: &str,
    opens_at: &str,
    closes_at: &str,
) -> (String, String) {
    let subject = format!("【撤回】《{draft_title}》{part_label}征求意见通知");
    let text = format!(
        "各代表之家（联系点）：\n\n原定于 {opens_at} 至 {closes_at} 公开征求意见的《{draft_title}》\
         {part_label}，起草委员会已撤回，届时不征求意见。此前的通知作废，另有安排时将重新通知。\n\n\
         （本邮件由系统自动发送，请勿直接回复。）\n"
    );
    (subject, text)
}

/// A publication's window moved: the old and the new (opens, closes).
pub fn publication_rescheduled(
    draft_title: &str,
    part_label: &str,
    old: (&str, &str),
    new: (&str, &str),
    base: &str,
    slug: &str,
) -> (String, String) {
    let subject = format!("【时间调整】《{draft_title}》{part_label}征求意见");
    let text = format!(
        "各代表之家（联系点）：\n\n《{draft_title}》{part_label}的征求意见时间已调整：\n\
         原定 {} 至 {}\n现为 {} 至 {}\n\n草案全文：\n{base}/drafts/{slug}\n\n\
         请按调整后的时间组织收集和报送意见。\n\n（本邮件由系统自动发送，请勿直接回复。）\n",
        old.0, old.1, new.0, new.1
    );
    (subject, text)
}

/// The HTML alternative of a plain-text mail: paragraphs at blank lines, line breaks kept,
/// addresses made links, everything else escaped.
pub fn html_of(text: &str) -> String {
    let escape = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    };
    let mut body = String::new();
    for para in text.split("\n\n").filter(|p| !p.trim().is_empty()) {
        let lines: Vec<String> = para
            .lines()
            .map(|l| {
                let l = l.trim_end();
                if (l.starts_with("http://") || l.starts_with("https://")) && !l.contains(' ') {
                    format!("<a href=\"{0}\">{0}</a>", escape(l))
                } else {
                    escape(l)
                }
            })
            .collect();
        body.push_str(&format!("<p>{}</p>", lines.join("<br>")));
    }
    format!(
        "<!DOCTYPE html><html lang=\"zh-CN\"><meta charset=\"utf-8\">\
         <body style=\"font-family:sans-serif;line-height:1.6\">{body}</body></html>"
    )
}

/// To a station that has forwarded nothing yet for a part closing soon.
pub fn deadline_reminder(
    station: &str,
    draft_title: &str,
    part_label: &str,
    closes_at: &str,
    base: &str,
    slug: &str,
) -> (String, String) {
    let subject = format!("【提醒】《{draft_title}》{part_label}将于 {closes_at} 截止征求意见");
    let text = format!(
        "{station}：\n\n《{draft_title}》{part_label}征求意见将于 {closes_at} 截止，\
         平台尚未收到本联系点报送的意见。\n\n\
         请在截止前录入或导入收集到的群众意见并报送：\n{base}/station/opinions?draft={slug}\n\n\
         如本联系点确无意见，也请登录平台确认已收到通知。\n\n\
         （本邮件由系统自动发送，请勿直接回复。）\n"
    );
    (subject, text)
}

/// To a station when it forwarded a batch: the receipt number and what the batch holds.
#[allow(clippy::too_many_arguments)]
pub fn batch_receipt(
    station: &str,
    receipt: &str,
    draft_title: &str,
    opinions: i64,
    residents: i64,
    forwarded_at: &str,
    base: &str,
) -> (String, String) {
    let subject = format!("意见已报送（回执编号 {receipt}）");
    let text = format!(
        "{station}：\n\n本联系点于 {forwarded_at} 报送的《{draft_title}》意见已收到，\
         共 {opinions} 条，代表群众 {residents} 人，回执编号为 {receipt}。\n\n\
         每条意见的查询编号及办理情况见：\n{base}/station/batches/{receipt}\n\n\
         感谢本联系点组织群众参与立法。\n\n（本邮件由系统自动发送，请勿直接回复。）\n"
    );
    (subject, text)
}

/// One line of the committee's daily digest.
pub struct DigestLine {
    pub draft_title: String,
    pub online: i64,
    pub station: i64,
    pub batches: i64,
    pub awaiting_review: i64,
    pub silent_stations: i64,
}

/// The committee's digest of one day.
pub fn daily_digest(day: &str, lines: &[DigestLine], base: &str) -> (String, String) {
    let subject = format!("【每日汇总】{day} 征求意见情况");
    let mut text = format!("起草委员会：\n\n{day}（北京时间）征求意见情况如下。\n\n");
    if lines.is_empty() {
        text.push_str("当日没有正在征求意见的草案。\n\n");
    }
    for l in lines {
        text.push_str(&format!(
            "《{}》\n  网上意见 {} 条，联系点意见 {} 条（{} 批）\n  待审核 {} 条；尚未报送的联系点 {} 个\n\n",
            l.draft_title, l.online, l.station, l.batches, l.awaiting_review, l.silent_stations
        ));
    }
    text.push_str(&format!(
        "意见审核：\n{base}/committee/moderation\n\n联系点覆盖情况：\n{base}/committee/coverage\n\n\
         （本邮件由系统自动发送，请勿直接回复。）\n"
    ));
    (subject, text)
}

/// To someone who left an e-mail address: the committee published its feedback; how each of
/// their opinions was handled.
pub fn feedback_to_submitter(
    draft_title: &str,
    items: &[String],
    link: &str,
    base: &str,
) -> (String, String) {
    let subject = format!("《{draft_title}》意见采纳情况说明已发布");
    let list: String = items.iter().map(|i| format!("  {i}\n")).collect();
    let text = format!(
        "您好：\n\n您对《{draft_title}》提出的意见，起草委员会已研究处理，意见采纳情况说明已公布：\n{link}\n\n\
         您的意见处理情况：\n{list}\n凭回执编号可随时查询：{base}/track\n\n\
         感谢您参与立法。\n\n（本邮件由系统自动发送，请勿直接回复。）\n"
    );
    (subject, text)
}

/// To a station that forwarded opinions: the feedback report is out.
pub fn feedback_to_station(
    station: &str,
    draft_title: &str,
    batches: &[String],
    link: &str,
) -> (String, String) {
    let subject = format!("《{draft_title}》意见采纳情况说明已发布");
    let list: String = batches.iter().map(|b| format!("  {b}\n")).collect();
    let text = format!(
        "{station}：\n\n本联系点报送的《{draft_title}》意见，起草委员会已研究处理，意见采纳情况说明已公布：\n{link}\n\n\
         本联系点报送的批次（每条意见的处理情况见批次页面）：\n{list}\n\
         请向参与的群众反馈。\n\n（本邮件由系统自动发送，请勿直接回复。）\n"
    );
    (subject, text)
}

/// To a unit: a deputy's suggestion handed to it (交办).
pub fn suggestion_assigned(
    unit: &str,
    title: &str,
    lead: bool,
    deadline: &str,
    base: &str,
) -> (String, String) {
    let role = if lead { "主办" } else { "协办" };
    let subject = format!("【交办】代表建议《{title}》（{role}）");
    let text = format!(
        "{unit}：\n\n人大代表建议《{title}》已交由贵单位{role}，请于 {deadline} 前书面答复\
         （答复类别：已解决、列入计划解决、因条件限制暂不能解决）。\n\n\
         请登录平台办理：\n{base}/unit\n\n（本邮件由系统自动发送，请勿直接回复。）\n"
    );
    (subject, text)
}

/// To a resident who left an e-mail address: the suggestion their request went into was answered.
pub fn request_answered(
    tracking: &str,
    title: &str,
    unit: &str,
    category: &str,
    body: &str,
    base: &str,
) -> (String, String) {
    let subject = format!("您反映的问题已有答复（{tracking}）");
    let text = format!(
        "您好：\n\n您通过代表之家反映的问题（编号 {tracking}）已由人大代表形成建议《{title}》，\
         {unit}答复如下：\n\n答复类别：{category}\n{body}\n\n\
         凭编号可随时查询办理情况：{base}/requests/status?tracking={tracking}\n\n\
         感谢您的参与。\n\n（本邮件由系统自动发送，请勿直接回复。）\n"
    );
    (subject, text)
}

/// To a station: a suggestion gathering its residents' requests was answered; the list says
/// whom to tell (those without an e-mail address were not mailed).
pub fn station_requests_answered(
    station: &str,
    title: &str,
    tracking: &str,
    unit: &str,
    category: &str,
    body: &str,
    residents: &[String],
) -> (String, String) {
    let subject = format!("【办理答复】代表建议《{title}》");
    let list: String = residents.iter().map(|r| format!("  {r}\n")).collect();
    let text = format!(
        "{station}：\n\n本代表之家登记的群众诉求已形成代表建议《{title}》（{tracking}），\
         {unit}答复如下：\n\n答复类别：{category}\n{body}\n\n\
         请将答复告知以下反映人（留有电子邮箱的已由系统发送邮件）：\n{list}\n\
         （本邮件由系统自动发送，请勿直接回复。）\n"
    );
    (subject, text)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_notice_names_the_part_deadline_and_links() {
        let (subject, text) = super::publication_notice(
            "供热条例",
            "第一章",
            "2026-12-01 09:00",
            "2026-12-31 18:00",
            "https://yj.cn",
            "gr",
        );
        assert_eq!(subject, "【征求意见】《供热条例》第一章");
        assert!(text.contains("2026-12-31 18:00") && text.contains("https://yj.cn/drafts/gr"));
        assert!(text.contains("https://yj.cn/drafts/gr/handout.pdf"));
        assert!(text.contains("https://yj.cn/station/notices"));
    }

    #[test]
    fn html_alternative_escapes_and_links() {
        let html = super::html_of("甲<乙>：\n\n第一行\nhttps://yj.cn/a?b=1&c=2\n");
        assert!(html.contains("<p>甲&lt;乙&gt;：</p>"));
        assert!(html.contains("<a href=\"https://yj.cn/a?b=1&amp;c=2\">"));
        assert!(html.contains("第一行<br>"));
    }

    #[test]
    fn reminder_receipt_and_digest_say_what_they_are_about() {
        let (s, t) = super::deadline_reminder(
            "三工镇",
            "供热条例",
            "第一章",
            "2026-12-31 18:00",
            "https://yj.cn",
            "gr",
        );
        assert!(s.contains("2026-12-31 18:00") && t.starts_with("三工镇："));
        assert!(t.contains("https://yj.cn/station/opinions?draft=gr"));
        let (s, t) = super::batch_receipt(
            "三工镇",
            "BS-1234-5678",
            "供热条例",
            12,
            340,
            "2026-11-27 10:00",
            "https://yj.cn",
        );
        assert!(s.contains("BS-1234-5678"));
        assert!(
            t.contains("共 12 条，代表群众 340 人") && t.contains("/station/batches/BS-1234-5678")
        );
        let line = super::DigestLine {
            draft_title: "供热条例".into(),
            online: 5,
            station: 7,
            batches: 2,
            awaiting_review: 1,
            silent_stations: 400,
        };
        let (s, t) = super::daily_digest("2026-11-26", &[line], "https://yj.cn");
        assert!(s.contains("2026-11-26"));
        assert!(
            t.contains("网上意见 5 条，联系点意见 7 条（2 批）")
                && t.contains("尚未报送的联系点 400 个")
        );
    }
}
