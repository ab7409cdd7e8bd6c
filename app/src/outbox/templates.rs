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
         草案全文（可直接打印作为宣传材料）：\n{base}/drafts/{slug}\n\n\
         请登录平台确认收到本通知，并组织收集群众意见后按时报送：\n{base}/station/notices\n\n\
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
        assert!(text.contains("https://yj.cn/station/notices"));
    }
}
