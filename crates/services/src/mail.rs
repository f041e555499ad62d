//! The mails Lore sends, in the recipient's language. They are queued in the outbox table; the
//! server's sender task delivers them.

use domain::Lang;

/// A mail ready for the outbox.
pub struct Mail {
    /// The subject line.
    pub subject: String,
    /// The plain-text body.
    pub body: String,
}

/// The password-reset mail.
pub fn password_reset(lang: Lang, link: &str) -> Mail {
    match lang {
        Lang::En => Mail {
            subject: "Reset your Lore password".into(),
            body: format!(
                "Someone asked to reset the password of your Lore account.\n\n\
                 To choose a new password, open this link within 30 minutes:\n{link}\n\n\
                 If it was not you, ignore this mail: your password stays as it is."
            ),
        },
        Lang::ZhCn => Mail {
            subject: "重置你的 Lore 密码".into(),
            body: format!(
                "有人申请重置你的 Lore 账号密码。\n\n\
                 请在 30 分钟内打开下面的链接设置新密码：\n{link}\n\n\
                 如果不是你本人操作，请忽略这封邮件，你的密码不会改变。"
            ),
        },
    }
}

/// The mail that confirms a new email address, sent to that address.
pub fn confirm_email(lang: Lang, link: &str) -> Mail {
    match lang {
        Lang::En => Mail {
            subject: "Confirm your new email address for Lore".into(),
            body: format!(
                "You asked to sign in to Lore with this address from now on.\n\n\
                 To confirm, open this link within 30 minutes:\n{link}\n\n\
                 If it was not you, ignore this mail: nothing changes."
            ),
        },
        Lang::ZhCn => Mail {
            subject: "确认你在 Lore 的新邮箱".into(),
            body: format!(
                "你申请今后使用这个邮箱登录 Lore。\n\n\
                 请在 30 分钟内打开下面的链接确认：\n{link}\n\n\
                 如果不是你本人操作，请忽略这封邮件，账号不会有任何变化。"
            ),
        },
    }
}

/// One line of a digest: what happened, in the reader's language.
pub fn notice_line(lang: Lang, notice: &domain::notify::Notice) -> String {
    use domain::notify::Notice;
    match (lang, notice) {
        (Lang::En, Notice::Approved { title, number, .. }) => {
            format!("Revision {number} of \"{title}\" was approved and is live.")
        }
        (Lang::ZhCn, Notice::Approved { title, number, .. }) => {
            format!("《{title}》的第 {number} 版已通过审核并上线。")
        }
        (Lang::En, Notice::ChangesRequested { title, number, .. }) => {
            format!("A reviewer asked for changes to revision {number} of \"{title}\".")
        }
        (Lang::ZhCn, Notice::ChangesRequested { title, number, .. }) => {
            format!("审核人要求修改《{title}》的第 {number} 版。")
        }
        (Lang::En, Notice::Unpublished { title, .. }) => {
            format!("\"{title}\" was taken off the catalog. The reason is in the studio.")
        }
        (Lang::ZhCn, Notice::Unpublished { title, .. }) => {
            format!("《{title}》已被下架，原因请在工作室查看。")
        }
        (Lang::En, Notice::Republished { title, .. }) => {
            format!("\"{title}\" is back in the catalog.")
        }
        (Lang::ZhCn, Notice::Republished { title, .. }) => format!("《{title}》已重新上架。"),
        (
            Lang::En,
            Notice::CourseUpdated {
                title,
                new_lessons: 0,
                ..
            },
        ) => {
            format!("\"{title}\" was updated.")
        }
        (
            Lang::En,
            Notice::CourseUpdated {
                title,
                new_lessons: 1,
                ..
            },
        ) => {
            format!("1 new lesson in \"{title}\".")
        }
        (
            Lang::En,
            Notice::CourseUpdated {
                title, new_lessons, ..
            },
        ) => {
            format!("{new_lessons} new lessons in \"{title}\".")
        }
        (
            Lang::ZhCn,
            Notice::CourseUpdated {
                title,
                new_lessons: 0,
                ..
            },
        ) => {
            format!("《{title}》已更新。")
        }
        (
            Lang::ZhCn,
            Notice::CourseUpdated {
                title, new_lessons, ..
            },
        ) => {
            format!("《{title}》新增了 {new_lessons} 节课。")
        }
        (Lang::En, Notice::NewCourse { title, author, .. }) => {
            format!("{author} published a new course: \"{title}\".")
        }
        (Lang::ZhCn, Notice::NewCourse { title, author, .. }) => {
            format!("{author} 发布了新课程《{title}》。")
        }
        (Lang::En, Notice::Purchased { title, .. }) => {
            format!("Payment received: \"{title}\" is yours. Your receipt is on the order page.")
        }
        (Lang::ZhCn, Notice::Purchased { title, .. }) => {
            format!("付款成功：《{title}》已归你所有，收据见订单页。")
        }
        (Lang::En, Notice::Refunded { title, amount, .. }) => {
            format!("Refunded {} for \"{title}\".", amount.format(lang))
        }
        (Lang::ZhCn, Notice::Refunded { title, amount, .. }) => {
            format!("《{title}》已退款 {}。", amount.format(lang))
        }
    }
}

/// The digest of several notifications: one line and link each, then one unsubscribe link per
/// kind that is in it (`unsubscribe` gives the link for a kind).
pub fn digest(
    lang: Lang,
    base_url: &str,
    items: &[domain::notify::Notice],
    unsubscribe: impl Fn(domain::notify::Kind) -> String,
) -> Mail {
    let mut body = String::new();
    for notice in items {
        body.push_str(&format!(
            "- {}\n  {base_url}{}\n",
            notice_line(lang, notice),
            notice.link()
        ));
    }
    let mut kinds: Vec<domain::notify::Kind> = items.iter().map(|n| n.kind()).collect();
    kinds.sort_by_key(|k| k.as_str());
    kinds.dedup();
    let (subject, stop) = match (lang, items) {
        (Lang::En, [one]) => (notice_line(lang, one), "Stop these mails"),
        (Lang::En, _) => (
            format!("{} updates from Lore", items.len()),
            "Stop these mails",
        ),
        (Lang::ZhCn, [one]) => (notice_line(lang, one), "不再接收此类邮件"),
        (Lang::ZhCn, _) => (
            format!("Lore 有 {} 条新通知", items.len()),
            "不再接收此类邮件",
        ),
    };
    body.push('\n');
    for kind in kinds {
        body.push_str(&format!(
            "{stop} ({}): {}\n",
            kind_name(lang, kind),
            unsubscribe(kind)
        ));
    }
    Mail { subject, body }
}

/// A kind of notification, named for the reader.
pub fn kind_name(lang: Lang, kind: domain::notify::Kind) -> &'static str {
    use domain::notify::Kind;
    match (lang, kind) {
        (Lang::En, Kind::Review) => "review decisions",
        (Lang::En, Kind::CourseUpdated) => "updates to your courses",
        (Lang::En, Kind::NewCourse) => "new courses from authors you follow",
        (Lang::ZhCn, Kind::Review) => "审核结果",
        (Lang::ZhCn, Kind::CourseUpdated) => "已购课程更新",
        (Lang::ZhCn, Kind::NewCourse) => "关注作者的新课程",
        (Lang::En, Kind::Orders) => "payments and refunds",
        (Lang::ZhCn, Kind::Orders) => "付款与退款",
    }
}
