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
