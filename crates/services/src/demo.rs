//! Demo content: a deterministic catalog of our own so a fresh Lore looks alive.
//!
//! Three authors, six categories and 42 courses in Chinese and English, and an administrator and
//! one author whose generated passwords the seed reports once (so a newcomer can open the admin
//! pages and the studio at once). Running the seed twice gives
//! the same catalog; [`seed_if_empty`] leaves a database that already has courses alone.

use crate::{ServiceError, Services};
use domain::{
    CourseStatus, Currency, Email, Lang, LessonKind, LocalizedText, Money, Role, Slug, UserId,
};
use store::{NewCategory, NewChapter, NewCourse, NewLesson, NewUser};
use tracing::instrument;

/// What a seed run wrote.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct SeedReport {
    /// Authors created.
    pub authors: usize,
    /// Categories created or updated.
    pub categories: usize,
    /// Courses created.
    pub courses: usize,
    /// Lessons created.
    pub lessons: usize,
    /// The demo administrator's sign-in, when this run created it: (email, password).
    pub admin: Option<(String, String)>,
    /// The first demo author's sign-in, when this run created them: (email, password).
    pub author: Option<(String, String)>,
}

/// The demo administrator. Their password is generated and printed by the seed.
const DEMO_ADMIN: &str = "admin@example.com";

const AUTHORS: [(&str, &str); 3] = [
    ("lin.xiao@example.com", "林晓"),
    ("maya.hart@example.com", "Maya Hart"),
    ("chen.siyuan@example.com", "陈思远"),
];

const CATEGORIES: [(&str, &str, &str); 6] = [
    ("programming", "Programming", "编程开发"),
    ("design", "Design", "设计创意"),
    ("business", "Business", "职场商业"),
    ("languages", "Languages", "语言学习"),
    ("finance", "Personal finance", "理财投资"),
    ("lifestyle", "Lifestyle", "生活兴趣"),
];

/// One demo course: slug, category index, language, topic (used in lesson titles), title, subtitle.
struct DemoCourse {
    slug: &'static str,
    category: usize,
    lang: Lang,
    topic: &'static str,
    title: &'static str,
    subtitle: &'static str,
}

macro_rules! demo {
    ($slug:literal, $cat:literal, $lang:ident, $topic:literal, $title:literal, $subtitle:literal) => {
        DemoCourse {
            slug: $slug,
            category: $cat,
            lang: Lang::$lang,
            topic: $topic,
            title: $title,
            subtitle: $subtitle,
        }
    };
}

const COURSES: [DemoCourse; 42] = [
    demo!(
        "rust-from-zero",
        0,
        ZhCn,
        "Rust",
        "Rust 从零到实战",
        "所有权、借用与并发，一次讲透"
    ),
    demo!(
        "python-data-analysis",
        0,
        ZhCn,
        "Python 数据分析",
        "Python 数据分析入门",
        "用 pandas 读懂你的第一份数据"
    ),
    demo!(
        "web-performance",
        0,
        En,
        "web performance",
        "Fast Websites, Step by Step",
        "Measure, then fix: a practical guide to Core Web Vitals"
    ),
    demo!(
        "sql-for-everyone",
        0,
        En,
        "SQL",
        "SQL for Everyone",
        "Ask your data real questions with joins and window functions"
    ),
    demo!(
        "go-microservices",
        0,
        ZhCn,
        "Go 微服务",
        "Go 微服务架构设计",
        "从单体到服务拆分的工程实践"
    ),
    demo!(
        "algorithms-interview",
        0,
        ZhCn,
        "算法",
        "算法面试通关 60 讲",
        "高频题型与解题套路全梳理"
    ),
    demo!(
        "typescript-deep-dive",
        0,
        En,
        "TypeScript",
        "TypeScript Deep Dive",
        "Types that catch bugs before your users do"
    ),
    demo!(
        "ui-design-basics",
        1,
        ZhCn,
        "界面设计",
        "UI 设计基础课",
        "配色、排版与栅格的底层逻辑"
    ),
    demo!(
        "figma-prototyping",
        1,
        En,
        "Figma",
        "Prototyping in Figma",
        "From wireframe to clickable prototype in a week"
    ),
    demo!(
        "brand-identity",
        1,
        ZhCn,
        "品牌视觉",
        "品牌视觉识别系统",
        "打造让人记住的品牌形象"
    ),
    demo!(
        "photography-light",
        1,
        En,
        "light",
        "Seeing Light: Photography",
        "Shoot better photos with the light you already have"
    ),
    demo!(
        "chinese-calligraphy",
        1,
        ZhCn,
        "书法",
        "硬笔书法 21 天",
        "每天十五分钟，写一手好字"
    ),
    demo!(
        "illustration-procreate",
        1,
        ZhCn,
        "插画",
        "Procreate 商业插画",
        "从草图到交付的完整流程"
    ),
    demo!(
        "design-systems",
        1,
        En,
        "design systems",
        "Design Systems That Last",
        "Tokens, components and governance for growing teams"
    ),
    demo!(
        "product-manager-101",
        2,
        ZhCn,
        "产品经理",
        "产品经理入门必修",
        "需求分析、原型与项目推进"
    ),
    demo!(
        "negotiation",
        2,
        En,
        "negotiation",
        "Negotiation Essentials",
        "Prepare, listen and reach agreements that hold"
    ),
    demo!(
        "okr-in-practice",
        2,
        ZhCn,
        "OKR",
        "OKR 目标管理实战",
        "让团队目标对齐、执行落地"
    ),
    demo!(
        "public-speaking",
        2,
        En,
        "public speaking",
        "Confident Public Speaking",
        "Structure a talk and deliver it without notes"
    ),
    demo!(
        "excel-efficiency",
        2,
        ZhCn,
        "Excel",
        "Excel 高效办公",
        "函数、透视表与自动化一课通"
    ),
    demo!(
        "startup-finance",
        2,
        En,
        "startup finance",
        "Startup Finance for Founders",
        "Runway, unit economics and your first fundraise"
    ),
    demo!(
        "workplace-writing",
        2,
        ZhCn,
        "职场写作",
        "职场写作课",
        "写出让领导一眼看懂的报告"
    ),
    demo!(
        "english-speaking",
        3,
        ZhCn,
        "英语口语",
        "30 天英语口语突破",
        "场景对话 + 发音纠正，开口不再难"
    ),
    demo!(
        "mandarin-beginners",
        3,
        En,
        "Mandarin",
        "Mandarin for Beginners",
        "Tones, pinyin and your first hundred characters"
    ),
    demo!(
        "ielts-writing",
        3,
        ZhCn,
        "雅思写作",
        "雅思写作 7 分攻略",
        "大小作文结构与高分表达"
    ),
    demo!(
        "japanese-n5",
        3,
        ZhCn,
        "日语",
        "零基础日语 N5",
        "五十音到日常会话"
    ),
    demo!(
        "business-english",
        3,
        En,
        "business English",
        "Business English Emails",
        "Clear, polite emails that get answers"
    ),
    demo!(
        "spanish-travel",
        3,
        En,
        "Spanish",
        "Spanish for Travellers",
        "Order, ask and chat your way around"
    ),
    demo!(
        "classical-chinese",
        3,
        ZhCn,
        "古文",
        "古文观止精读",
        "读懂经典，提升语文素养"
    ),
    demo!(
        "personal-finance-basics",
        4,
        ZhCn,
        "理财",
        "小白理财第一课",
        "记账、储蓄与基金入门"
    ),
    demo!(
        "index-investing",
        4,
        En,
        "index investing",
        "Index Investing, Simply",
        "Low costs, broad markets and patience"
    ),
    demo!(
        "fund-selection",
        4,
        ZhCn,
        "基金",
        "基金定投实战",
        "选基、定投与止盈的方法"
    ),
    demo!(
        "tax-basics",
        4,
        En,
        "taxes",
        "Understanding Your Taxes",
        "Brackets, deductions and records, demystified"
    ),
    demo!(
        "insurance-planning",
        4,
        ZhCn,
        "保险规划",
        "家庭保险规划",
        "买对保险，不花冤枉钱"
    ),
    demo!(
        "retirement-planning",
        4,
        En,
        "retirement",
        "Planning for Retirement",
        "How much is enough, and how to get there"
    ),
    demo!(
        "financial-statements",
        4,
        ZhCn,
        "财报",
        "三小时读懂财报",
        "资产负债表、利润表与现金流"
    ),
    demo!(
        "home-cooking",
        5,
        ZhCn,
        "家常菜",
        "家常菜 50 道",
        "零失败的下饭菜谱"
    ),
    demo!(
        "yoga-mornings",
        5,
        En,
        "yoga",
        "Morning Yoga",
        "Twenty minutes a day for strength and calm"
    ),
    demo!(
        "coffee-brewing",
        5,
        ZhCn,
        "咖啡",
        "手冲咖啡入门",
        "从选豆到冲煮的全部细节"
    ),
    demo!(
        "guitar-basics",
        5,
        En,
        "guitar",
        "Guitar in 30 Days",
        "Chords, strumming and your first songs"
    ),
    demo!(
        "tea-culture",
        5,
        ZhCn,
        "茶",
        "中国茶文化与品鉴",
        "六大茶类一次喝明白"
    ),
    demo!(
        "running-form",
        5,
        En,
        "running",
        "Run Better, Run Longer",
        "Form, pacing and training plans for your first half"
    ),
    demo!(
        "home-organizing",
        5,
        ZhCn,
        "收纳",
        "家居收纳整理术",
        "小空间也能住得舒服"
    ),
];

const ZH_CHAPTERS: [(&str, [&str; 3]); 4] = [
    (
        "开始之前",
        ["为什么要学{topic}", "课程地图与学习方法", "准备你的工具"],
    ),
    (
        "核心概念",
        ["{topic}的基本原理", "常见误区", "关键方法拆解"],
    ),
    ("动手实践", ["第一个完整案例", "从案例到套路", "练习与讲评"]),
    ("进阶与总结", ["进阶技巧", "真实场景复盘", "下一步怎么走"]),
];

const EN_CHAPTERS: [(&str, [&str; 3]); 4] = [
    (
        "Before we start",
        ["Why {topic} matters", "How this course works", "Setting up"],
    ),
    (
        "Core ideas",
        [
            "The principles of {topic}",
            "Common mistakes",
            "The key techniques",
        ],
    ),
    (
        "In practice",
        [
            "A complete first example",
            "From example to method",
            "Exercises and review",
        ],
    ),
    (
        "Going further",
        [
            "Advanced techniques",
            "A real-world case study",
            "Where to go next",
        ],
    ),
];

/// Seeds the demo catalog into a database that has no courses; does nothing otherwise.
pub async fn seed_if_empty(services: &Services) -> Result<Option<SeedReport>, ServiceError> {
    if services.store().count_courses().await? > 0 {
        return Ok(None);
    }
    seed(services).await.map(Some)
}

/// Writes the demo catalog. Authors and categories are reused if present; a course whose slug exists
/// is a conflict, so seed a database once (see [`seed_if_empty`]).
#[instrument(skip_all, err(level = "debug"))]
pub async fn seed(services: &Services) -> Result<SeedReport, ServiceError> {
    let store = services.store();
    let mut report = SeedReport::default();
    let admin = crate::create_admin(services, DEMO_ADMIN, "Lore Admin").await?;
    report.admin = admin
        .password
        .map(|password| (DEMO_ADMIN.to_owned(), password));

    // The catalog lands as one unit: a seed cut short leaves no half-made courses behind.
    let mut tx = store.begin().await?;
    let mut authors: Vec<UserId> = Vec::new();
    for (index, (email, name)) in AUTHORS.into_iter().enumerate() {
        let address = Email::parse(email).map_err(|_| ServiceError::Invalid("email"))?;
        let id = match store.credentials(&address).await? {
            Some(account) => account.id,
            None => {
                report.authors += 1;
                // The first author can sign in, to show the studio; the others only write.
                let password_hash = if index == 0 {
                    let password = crate::secrets::new_password();
                    let hash = crate::secrets::hash_password(password.clone()).await?;
                    report.author = Some((email.to_owned(), password));
                    Some(hash)
                } else {
                    None
                };
                tx.create_user(&NewUser {
                    email: address,
                    display_name: name.to_owned(),
                    role: Role::Author,
                    password_hash,
                })
                .await?
            }
        };
        authors.push(id);
    }

    let mut categories = Vec::new();
    for (position, (slug, en, zh)) in (1i64..).zip(CATEGORIES) {
        let id = tx
            .upsert_category(&NewCategory {
                slug: Slug::parse(slug).map_err(|_| ServiceError::Invalid("slug"))?,
                name: LocalizedText {
                    en: en.to_owned(),
                    zh_cn: zh.to_owned(),
                },
                position,
            })
            .await?;
        report.categories += 1;
        categories.push(id);
    }

    for (index, demo) in COURSES.iter().enumerate() {
        let author_index = index % AUTHORS.len();
        let author = (authors[author_index], AUTHORS[author_index].1);
        let course = demo_course(demo, index, author, categories[demo.category])?;
        report.lessons += course
            .chapters
            .iter()
            .map(|c| c.lessons.len())
            .sum::<usize>();
        tx.create_course(&course).await?;
        report.courses += 1;
    }
    tx.commit().await?;
    Ok(report)
}

/// Builds course number `index` of the table. Varies price, chapter count and lesson kinds by index
/// so the catalog looks like a real one, deterministically.
fn demo_course(
    demo: &DemoCourse,
    index: usize,
    (author, author_name): (UserId, &str),
    category: domain::CategoryId,
) -> Result<NewCourse, ServiceError> {
    let (chapter_plan, price) = match demo.lang {
        Lang::ZhCn => {
            const PRICES: [i64; 5] = [9900, 19900, 0, 4900, 29900];
            (&ZH_CHAPTERS, Money::price(PRICES[index % 5], Currency::Cny))
        }
        Lang::En => {
            const PRICES: [i64; 4] = [2900, 4900, 1900, 0];
            (&EN_CHAPTERS, Money::price(PRICES[index % 4], Currency::Usd))
        }
    };
    let price = price.map_err(|_| ServiceError::Invalid("price"))?;
    let chapter_count = 3 + index % 2;
    let kinds = [LessonKind::Video, LessonKind::Text, LessonKind::Audio];
    let chapters: Vec<NewChapter> = chapter_plan
        .iter()
        .take(chapter_count)
        .enumerate()
        .map(|(c, (title, lessons))| NewChapter {
            title: (*title).to_owned(),
            lessons: lessons
                .iter()
                .enumerate()
                .map(|(l, lesson)| NewLesson {
                    title: lesson.replace("{topic}", demo.topic),
                    kind: kinds[(index + c + l) % kinds.len()],
                    is_preview: c == 0 && l < 2,
                    duration_seconds: 240 + ((index * 37 + c * 11 + l * 53) % 900) as i64,
                })
                .collect(),
        })
        .collect();
    let lesson_count: usize = chapters.iter().map(|c| c.lessons.len()).sum();
    let description = match demo.lang {
        Lang::ZhCn => format!(
            "{}。本课由{author_name}主讲，共 {lesson_count} 节课，从基础讲起，配合大量实例，\
             适合想系统掌握{}的你。",
            demo.subtitle, demo.topic
        ),
        Lang::En => format!(
            "{}. Taught by {author_name} in {lesson_count} lessons, from the basics to real \
             projects, for anyone who wants a solid grip on {}.",
            demo.subtitle, demo.topic
        ),
    };
    Ok(NewCourse {
        slug: Slug::parse(demo.slug).map_err(|_| ServiceError::Invalid("slug"))?,
        author,
        category,
        title: demo.title.to_owned(),
        subtitle: demo.subtitle.to_owned(),
        // Descriptions are rich text, rendered as stored: even this one goes through the sanitiser.
        description: richtext::clean(&format!("<p>{description}</p>")).html,
        language: demo.lang,
        price,
        status: CourseStatus::Published,
        chapters,
    })
}

/// The demo course titles, in seeding order: what tests look for on a seeded home page.
pub fn course_titles() -> impl Iterator<Item = &'static str> {
    COURSES.iter().map(|c| c.title)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_valid_and_varied() {
        let mut slugs = std::collections::HashSet::new();
        for demo in &COURSES {
            assert!(Slug::parse(demo.slug).is_ok(), "{}", demo.slug);
            assert!(slugs.insert(demo.slug), "duplicate {}", demo.slug);
            assert!(demo.category < CATEGORIES.len());
        }
        for category in 0..CATEGORIES.len() {
            let langs: std::collections::HashSet<Lang> = COURSES
                .iter()
                .filter(|c| c.category == category)
                .map(|c| c.lang)
                .collect();
            assert_eq!(langs.len(), 2, "category {category} has both languages");
        }
    }
}
