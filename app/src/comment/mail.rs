//! The citizen's receipt e-mail. It is queued in the outbox in the same transaction as the
//! comment; the outbox sender delivers it.

/// Subject, plain-text body and HTML body of the receipt for a comment.
pub fn receipt(
    tracking: &str,
    draft_title: &str,
    unit_label: &str,
    base: &str,
) -> (String, String, String) {
    let link = format!("{base}/track?no={tracking}");
    let subject = format!("您的意见已收到（回执编号 {tracking}）");
    let text = format!(
        "您好：\n\n您对《{draft_title}》{unit_label}提出的意见已收到，回执编号为 {tracking}。\n\n\
         您可以随时凭回执编号查询办理情况：\n{link}\n\n\
         感谢您参与立法征求意见。\n\n（本邮件由系统自动发送，请勿直接回复。）\n"
    );
    let html = format!(
        "<!DOCTYPE html><html lang=\"zh-CN\"><meta charset=\"utf-8\"><body>\
         <p>您好：</p><p>您对《{}》{}提出的意见已收到，回执编号为 <strong>{}</strong>。</p>\
         <p>您可以随时凭回执编号<a href=\"{}\">查询办理情况</a>。</p>\
         <p>感谢您参与立法征求意见。</p><p style=\"color:#666\">（本邮件由系统自动发送，请勿直接回复。）</p>\
         </body></html>",
        escape(draft_title),
        escape(unit_label),
        escape(tracking),
        escape(&link)
    );
    (subject, text, html)
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    #[test]
    fn receipt_names_the_number_and_links_the_lookup() {
        let (subject, text, html) = super::receipt(
            "YJ-7K3Q-9M2P",
            "供热<条例>",
            "第二条",
            "https://yj.example.cn",
        );
        assert!(subject.contains("YJ-7K3Q-9M2P"));
        assert!(text.contains("https://yj.example.cn/track?no=YJ-7K3Q-9M2P"));
        assert!(html.contains("供热&lt;条例&gt;") && !html.contains("<条例>"));
    }
}
