#!/usr/bin/env python3
"""Writes Lore's demo course archives (unpacked): demo/courses/NN-<slug>.json, one course manifest
each (docs/course-archive.md), and the pictures they use into demo/media/. `lore seed-demo` packs
each manifest with the media files it names into a zip and imports it, as any archive.

Run it again after editing the tables below: `python3 demo/make.py`. The video and audio clips
(clip.mp4, clip.webm, tone.mp3) were made once with ffmpeg and are kept as they are.
"""
import hashlib, json, os, struct, zlib

HERE = os.path.dirname(os.path.abspath(__file__))
MEDIA = os.path.join(HERE, "media")
COURSES = os.path.join(HERE, "courses")

AUTHORS = [("lin.xiao@example.com", "林晓"), ("maya.hart@example.com", "Maya Hart"),
           ("chen.siyuan@example.com", "陈思远")]
CATEGORIES = ["programming", "design", "business", "languages", "finance", "lifestyle"]
# (slug, category, language, topic, title, subtitle)
TABLE = [
 ("rust-from-zero", 0, "zh-CN", "Rust", "Rust 从零到实战", "所有权、借用与并发，一次讲透"),
 ("python-data-analysis", 0, "zh-CN", "Python 数据分析", "Python 数据分析入门", "用 pandas 读懂你的第一份数据"),
 ("web-performance", 0, "en", "web performance", "Fast Websites, Step by Step", "Measure, then fix: a practical guide to Core Web Vitals"),
 ("sql-for-everyone", 0, "en", "SQL", "SQL for Everyone", "Ask your data real questions with joins and window functions"),
 ("go-microservices", 0, "zh-CN", "Go 微服务", "Go 微服务架构设计", "从单体到服务拆分的工程实践"),
 ("algorithms-interview", 0, "zh-CN", "算法", "算法面试通关 60 讲", "高频题型与解题套路全梳理"),
 ("typescript-deep-dive", 0, "en", "TypeScript", "TypeScript Deep Dive", "Types that catch bugs before your users do"),
 ("ui-design-basics", 1, "zh-CN", "界面设计", "UI 设计基础课", "配色、排版与栅格的底层逻辑"),
 ("figma-prototyping", 1, "en", "Figma", "Prototyping in Figma", "From wireframe to clickable prototype in a week"),
 ("brand-identity", 1, "zh-CN", "品牌视觉", "品牌视觉识别系统", "打造让人记住的品牌形象"),
 ("photography-light", 1, "en", "light", "Seeing Light: Photography", "Shoot better photos with the light you already have"),
 ("chinese-calligraphy", 1, "zh-CN", "书法", "硬笔书法 21 天", "每天十五分钟，写一手好字"),
 ("illustration-procreate", 1, "zh-CN", "插画", "Procreate 商业插画", "从草图到交付的完整流程"),
 ("design-systems", 1, "en", "design systems", "Design Systems That Last", "Tokens, components and governance for growing teams"),
 ("product-manager-101", 2, "zh-CN", "产品经理", "产品经理入门必修", "需求分析、原型与项目推进"),
 ("negotiation", 2, "en", "negotiation", "Negotiation Essentials", "Prepare, listen and reach agreements that hold"),
 ("okr-in-practice", 2, "zh-CN", "OKR", "OKR 目标管理实战", "让团队目标对齐、执行落地"),
 ("public-speaking", 2, "en", "public speaking", "Confident Public Speaking", "Structure a talk and deliver it without notes"),
 ("excel-efficiency", 2, "zh-CN", "Excel", "Excel 高效办公", "函数、透视表与自动化一课通"),
 ("startup-finance", 2, "en", "startup finance", "Startup Finance for Founders", "Runway, unit economics and your first fundraise"),
 ("workplace-writing", 2, "zh-CN", "职场写作", "职场写作课", "写出让领导一眼看懂的报告"),
 ("english-speaking", 3, "zh-CN", "英语口语", "30 天英语口语突破", "场景对话 + 发音纠正，开口不再难"),
 ("mandarin-beginners", 3, "en", "Mandarin", "Mandarin for Beginners", "Tones, pinyin and your first hundred characters"),
 ("ielts-writing", 3, "zh-CN", "雅思写作", "雅思写作 7 分攻略", "大小作文结构与高分表达"),
 ("japanese-n5", 3, "zh-CN", "日语", "零基础日语 N5", "五十音到日常会话"),
 ("business-english", 3, "en", "business English", "Business English Emails", "Clear, polite emails that get answers"),
 ("spanish-travel", 3, "en", "Spanish", "Spanish for Travellers", "Order, ask and chat your way around"),
 ("classical-chinese", 3, "zh-CN", "古文", "古文观止精读", "读懂经典，提升语文素养"),
 ("personal-finance-basics", 4, "zh-CN", "理财", "小白理财第一课", "记账、储蓄与基金入门"),
 ("index-investing", 4, "en", "index investing", "Index Investing, Simply", "Low costs, broad markets and patience"),
 ("fund-selection", 4, "zh-CN", "基金", "基金定投实战", "选基、定投与止盈的方法"),
 ("tax-basics", 4, "en", "taxes", "Understanding Your Taxes", "Brackets, deductions and records, demystified"),
 ("insurance-planning", 4, "zh-CN", "保险规划", "家庭保险规划", "买对保险，不花冤枉钱"),
 ("retirement-planning", 4, "en", "retirement", "Planning for Retirement", "How much is enough, and how to get there"),
 ("financial-statements", 4, "zh-CN", "财报", "三小时读懂财报", "资产负债表、利润表与现金流"),
 ("home-cooking", 5, "zh-CN", "家常菜", "家常菜 50 道", "零失败的下饭菜谱"),
 ("yoga-mornings", 5, "en", "yoga", "Morning Yoga", "Twenty minutes a day for strength and calm"),
 ("coffee-brewing", 5, "zh-CN", "咖啡", "手冲咖啡入门", "从选豆到冲煮的全部细节"),
 ("guitar-basics", 5, "en", "guitar", "Guitar in 30 Days", "Chords, strumming and your first songs"),
 ("tea-culture", 5, "zh-CN", "茶", "中国茶文化与品鉴", "六大茶类一次喝明白"),
 ("running-form", 5, "en", "running", "Run Better, Run Longer", "Form, pacing and training plans for your first half"),
 ("home-organizing", 5, "zh-CN", "收纳", "家居收纳整理术", "小空间也能住得舒服"),
]

ZH_CHAPTERS = [
    ("开始之前", ["为什么要学{topic}", "课程地图与学习方法", "准备你的工具"]),
    ("核心概念", ["{topic}的基本原理", "常见误区", "关键方法拆解"]),
    ("动手实践", ["第一个完整案例", "从案例到套路", "练习与讲评"]),
    ("进阶与总结", ["进阶技巧", "真实场景复盘", "下一步怎么走"]),
]
EN_CHAPTERS = [
    ("Before we start", ["Why {topic} matters", "How this course works", "Setting up"]),
    ("Core ideas", ["The principles of {topic}", "Common mistakes", "The key techniques"]),
    ("In practice", ["A complete first example", "From example to method", "Exercises and review"]),
    ("Going further", ["Advanced techniques", "A real-world case study", "Where to go next"]),
]
ZH_PRICES = [9900, 19900, 0, 4900, 29900]
EN_PRICES = [2900, 4900, 1900, 0]
KINDS = ["video", "text", "audio"]
LEVELS = ["beginner", "intermediate", "advanced", "all"]
# Category colours for covers and figures (RGB top and bottom of the gradient).
COLOURS = [((37, 99, 235), (14, 165, 233)), ((219, 39, 119), (249, 115, 22)),
           ((5, 150, 105), (132, 204, 22)), ((124, 58, 237), (236, 72, 153)),
           ((202, 138, 4), (234, 88, 12)), ((13, 148, 136), (59, 130, 246))]
CODE = {
    "zh-CN": '<pre><code class="language-python">import pandas as pd\n\ndf = pd.read_csv("orders.csv")\nprint(df.groupby("city")["amount"].sum())</code></pre>',
    "en": '<pre><code class="language-rust">fn main() {\n    let total: u32 = (1..=10).sum();\n    println!("{total}");\n}</code></pre>',
}


def png(width, height, pixel):
    """A PNG of `pixel(x, y) -> (r, g, b)`, with the standard library only."""
    rows = b"".join(b"\x00" + bytes(c for x in range(width) for c in pixel(x, y)) for y in range(height))
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b"")


def cover(colours):
    (r1, g1, b1), (r2, g2, b2) = colours
    def pixel(x, y):
        t = (x + y) / (640 + 360)
        stripe = 18 if ((x - y) // 40) % 2 == 0 else 0
        return (min(255, int(r1 + (r2 - r1) * t) + stripe), min(255, int(g1 + (g2 - g1) * t) + stripe),
                min(255, int(b1 + (b2 - b1) * t) + stripe))
    return png(640, 360, pixel)


def figure(colours, bars):
    """A bar chart: the kind of picture a lesson shows."""
    (r, g, b), _ = colours
    def pixel(x, y):
        slot = (x - 40) // 80
        if 0 <= slot < len(bars) and (x - 40) % 80 < 56 and y >= 250 - bars[slot] and y < 250:
            return (r, g, b)
        return (30, 41, 59) if y == 250 and 30 <= x < 450 else (248, 250, 252)
    return png(480, 270, pixel)


PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
       b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
       b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R"
       b"/Resources<</Font<</F1 5 0 R>>>>>>endobj\n"
       b"4 0 obj<</Length 58>>stream\nBT /F1 24 Tf 72 760 Td (Lore demo worksheet) Tj ET\n\nendstream\nendobj\n"
       b"5 0 obj<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>endobj\n"
       b"trailer<</Root 1 0 R>>\n%%EOF\n")


def body(lang, kind, topic, title, index, c, l, category):
    """A lesson's rich text: what the studio's editor makes."""
    figure_here = kind == "text" and (index + c + l) % 2 == 0
    if lang == "zh-CN":
        parts = [f"<h2>{title}</h2>",
                 f"<p>这一节围绕「{topic}」展开。我们先说清楚要解决的问题，再一步步拆解方法，最后用一个小练习检验理解。</p>",
                 "<h3>本节要点</h3>",
                 f"<ul><li><p>{topic}里最常用的三个概念</p></li><li><p>每个概念背后的<strong>直觉</strong></p></li><li><p>一个可以马上动手的小练习</p></li></ul>",
                 "<blockquote><p>学习不是看懂，而是能用自己的话讲出来。</p></blockquote>"]
        if kind == "video":
            parts.insert(1, "<p>先看视频，再读下面的笔记。</p>")
        if kind == "audio":
            parts.insert(1, "<p>适合通勤时收听；文字稿要点整理在下面。</p>")
        if figure_here:
            parts.append(f'<p><img src="media/figure-{category}.png" alt="{topic}学习进度示意图"></p>')
        if category == 0 and kind == "text":
            parts.append(CODE[lang])
        if (c + l) % 3 == 1:
            parts.append("<table><tbody><tr><th><p>步骤</p></th><th><p>用时</p></th></tr>"
                         "<tr><td><p>阅读与观看</p></td><td><p>15 分钟</p></td></tr>"
                         "<tr><td><p>动手练习</p></td><td><p>20 分钟</p></td></tr></tbody></table>")
        parts.append("<p>练习：用三句话向朋友解释本节内容，写在笔记里。</p>")
    else:
        parts = [f"<h2>{title}</h2>",
                 f"<p>In this lesson we look at <em>{topic}</em> from the ground up: first the problem, then the method, then a short exercise to check you have it.</p>",
                 "<h3>Key points</h3>",
                 f"<ul><li><p>The three ideas of {topic} you will use most</p></li><li><p>The <strong>intuition</strong> behind each one</p></li><li><p>An exercise you can do right away</p></li></ul>",
                 "<blockquote><p>You have learned something when you can explain it in your own words.</p></blockquote>"]
        if kind == "video":
            parts.insert(1, "<p>Watch the video first, then read the notes below.</p>")
        if kind == "audio":
            parts.insert(1, "<p>Made for your commute; the notes below sum it up.</p>")
        if figure_here:
            parts.append(f'<p><img src="media/figure-{category}.png" alt="A chart of progress in {topic}"></p>')
        if category == 0 and kind == "text":
            parts.append(CODE[lang])
        if (c + l) % 3 == 1:
            parts.append("<table><tbody><tr><th><p>Step</p></th><th><p>Time</p></th></tr>"
                         "<tr><td><p>Read and watch</p></td><td><p>15 min</p></td></tr>"
                         "<tr><td><p>Practise</p></td><td><p>20 min</p></td></tr></tbody></table>")
        parts.append("<p>Exercise: explain this lesson to a friend in three sentences, and write them down.</p>")
    return "".join(parts)


def media_entry(path, kind, name):
    data = open(os.path.join(HERE, path), "rb").read()
    return {"path": path, "kind": kind, "name": name, "bytes": len(data),
            "sha256": hashlib.sha256(data).hexdigest()}


def main():
    for n, colours in enumerate(COLOURS):
        open(os.path.join(MEDIA, f"cover-{n}.png"), "wb").write(cover(colours))
        open(os.path.join(MEDIA, f"figure-{n}.png"), "wb").write(figure(colours, [60, 110, 150, 190, 230]))
    open(os.path.join(MEDIA, "worksheet.pdf"), "wb").write(PDF)
    for old in os.listdir(COURSES):
        os.remove(os.path.join(COURSES, old))
    for index, (slug, category, lang, topic, title, subtitle) in enumerate(TABLE):
        email, author = AUTHORS[index % len(AUTHORS)]
        zh = lang == "zh-CN"
        plan = ZH_CHAPTERS if zh else EN_CHAPTERS
        price = (ZH_PRICES[index % 5], "CNY") if zh else (EN_PRICES[index % 4], "USD")
        chapter_count = 3 + index % 2
        used = {f"media/cover-{category}.png": ("image", "cover.png")}
        chapters = []
        lesson_count = chapter_count * 3
        for c, (chapter_title, lessons) in enumerate(plan[:chapter_count]):
            out = []
            for l, lesson in enumerate(lessons):
                kind = KINDS[(index + c + l) % len(KINDS)]
                lesson_title = lesson.replace("{topic}", topic)
                entry = {"title": lesson_title, "kind": kind, "preview": c == 0 and l < 2,
                         "body_html": body(lang, kind, topic, lesson_title, index, c, l, category)}
                if kind == "video":
                    clip = "media/clip.mp4" if index % 2 == 0 else "media/clip.webm"
                    entry["media"] = clip
                    used[clip] = ("video", os.path.basename(clip))
                if kind == "audio":
                    entry["media"] = "media/tone.mp3"
                    used["media/tone.mp3"] = ("audio", "tone.mp3")
                if f'src="media/figure-{category}.png"' in entry["body_html"]:
                    used[f"media/figure-{category}.png"] = ("image", "figure.png")
                if c == chapter_count - 1 and l == 2:
                    entry["files"] = [{"media": "media/worksheet.pdf", "downloadable": True}]
                    used["media/worksheet.pdf"] = ("document", "worksheet.pdf" if not zh else "练习单.pdf")
                out.append(entry)
            chapters.append({"title": chapter_title, "lessons": out})
        if zh:
            description = (f"<p>{subtitle}。本课由{author}主讲，共 {lesson_count} 节课，从基础讲起，"
                           f"配合大量实例，适合想系统掌握{topic}的你。</p>")
            outcomes = [f"说清{topic}的核心概念", f"独立完成一个{topic}小项目", "形成自己的学习方法"]
        else:
            description = (f"<p>{subtitle}. Taught by {author} in {lesson_count} lessons, from the basics "
                           f"to real projects, for anyone who wants a solid grip on {topic}.</p>")
            outcomes = [f"Explain the core ideas of {topic}", f"Finish a small {topic} project on your own",
                        "Keep learning with a method that works for you"]
        manifest = {
            "format": "lore-course", "schema": 1,
            "author": {"name": author, "email": email},
            "course": {"slug": slug, "title": title, "subtitle": subtitle,
                       "category": CATEGORIES[category], "tags": [topic], "language": lang,
                       "level": LEVELS[index % len(LEVELS)], "price_minor": price[0], "currency": price[1],
                       "refund_days": 7, "description_html": description, "outcomes": outcomes,
                       "cover": f"media/cover-{category}.png"},
            "chapters": chapters,
            "media": [media_entry(path, kind, name) for path, (kind, name) in sorted(used.items())],
        }
        with open(os.path.join(COURSES, f"{index + 1:02}-{slug}.json"), "w", encoding="utf-8") as f:
            json.dump(manifest, f, ensure_ascii=False, indent=1)
            f.write("\n")


if __name__ == "__main__":
    main()
