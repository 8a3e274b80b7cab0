"""Demo data for the work plan: tasks and progress updates on the imported 2017 plan (idempotent)."""

from __future__ import annotations

import datetime
from pathlib import Path

from django.db import transaction

from workplan import services
from workplan.choices import TaskStatus, UpdateKind
from workplan.importing import parse_file
from workplan.models import Item, ProgressUpdate, Task, WorkPlan

PLAN_FILE = Path(__file__).resolve().parent / "data" / "dongcheng-cppcc-2017-work-plan.txt"
DONE, DOING, WAITING, PAUSED = (
    TaskStatus.DONE,
    TaskStatus.IN_PROGRESS,
    TaskStatus.NOT_STARTED,
    TaskStatus.SUSPENDED,
)

# item number -> tasks: (title, start "MM-DD", due "MM-DD", status, weight)
TASKS: dict[int, list[tuple[str, str, str, str, int]]] = {
    1: [
        ("制定全年委员理论学习计划", "02-01", "03-31", DONE, 1),
        ("举办十九大精神专题学习会", "10-25", "12-15", DOING, 2),
    ],
    2: [
        ("新委员履职培训班", "03-01", "04-30", DONE, 2),
        ("政协理论与实践研究会换届", "05-01", "09-30", DOING, 1),
    ],
    3: [
        ("政协讲堂全年选题策划", "02-15", "03-31", DONE, 1),
        ("常委学习班组织实施", "06-01", "07-31", DOING, 2),
    ],
    4: [
        ("委员履职综合评价办法修订", "03-01", "06-30", DOING, 2),
        ("委员履职微信平台上线", "04-01", "08-31", WAITING, 1),
    ],
    5: [("专门委员会组建", "03-01", "04-15", DONE, 2), ("界别活动年度计划", "04-01", "05-31", DOING, 1)],
    6: [
        ("修订委员街道活动小组工作意见", "03-15", "06-30", DONE, 1),
        ("组建17个委员街道活动小组", "04-01", "06-30", DOING, 2),
    ],
    7: [("起草委员联系群众文件", "04-01", "09-30", DOING, 1)],
    8: [
        ("确定全年协商议题", "02-01", "03-31", DONE, 1),
        ("常委会专题协商：非首都功能疏解", "05-01", "07-31", DOING, 2),
        ("低收入人群生活状况对口协商", "08-01", "11-30", WAITING, 1),
    ],
    9: [
        ("起草民主监督实施办法", "03-01", "06-30", DONE, 1),
        ("组建财政预算民主监督小组", "04-01", "05-31", DONE, 1),
        ("地下空间整治专项监督", "06-01", "11-30", DOING, 2),
    ],
    10: [
        ("簋街、南锣鼓巷重点街区视察", "05-01", "06-30", DONE, 1),
        ("冬奥冰雪运动发展座谈", "09-01", "11-30", WAITING, 1),
    ],
    11: [
        ("重点提案督办", "04-01", "10-31", DOING, 2),
        ("提案分析会", "11-01", "11-30", WAITING, 1),
        ("优秀提案评选", "11-15", "12-31", WAITING, 1),
    ],
    12: [
        ("停车服务管理综合调研", "04-01", "09-30", DOING, 2),
        ("医养结合试点区建设调研", "05-01", "10-31", PAUSED, 1),
    ],
    13: [
        ("组建社情民意信息员队伍", "03-01", "04-30", DONE, 1),
        ("《社情民意》专刊编发", "01-01", "12-31", DOING, 2),
    ],
    14: [("企业沙龙（文化创意主题）", "06-01", "06-30", DONE, 1)],
    15: [("民主党派联合调研", "05-01", "09-30", DOING, 1)],
    16: [("春节、中秋节联谊慰问", "01-15", "10-15", DOING, 1)],
    17: [("民族宗教政策知识讲座", "05-01", "05-31", DONE, 1)],
    18: [
        ("常委会年度学习计划", "02-01", "03-15", DONE, 1),
        ("定期听取专委会工作汇报", "04-01", "12-15", DOING, 1),
    ],
    19: [("修订机关工作规程", "03-01", "08-31", DOING, 1), ("“走转改”活动", "05-01", "10-31", WAITING, 1)],
    20: [
        ("文史资料征集", "03-01", "12-31", DOING, 2),
        ("政协网站和微信公众号改版", "04-01", "07-31", DONE, 1),
    ],
}

# item number -> (date "MM-DD", kind, note)
UPDATES: dict[int, list[tuple[str, str, str]]] = {
    1: [("03-28", UpdateKind.MILESTONE, "全年理论学习计划经主席会议审议通过。")],
    6: [("06-20", UpdateKind.UPDATE, "已组建12个委员街道活动小组，其余5个街道正在协调。")],
    9: [("05-25", UpdateKind.MILESTONE, "财政预算民主监督小组成立，召开第一次工作会议。")],
    11: [("07-10", UpdateKind.UPDATE, "重点提案已全部交办，承办单位反馈办理方案。")],
}


def _date(year: int, month_day: str) -> datetime.date:
    month, day = (int(p) for p in month_day.split("-"))
    return datetime.date(year, month, day)


@transaction.atomic
def seed(context) -> None:
    """Give the 2017 plan tasks, owners, dates and a few progress updates (safe to run twice)."""
    plan = WorkPlan.objects.filter(year=2017).first()
    if plan is None:
        plan = services.plan_import(parsed=parse_file(PLAN_FILE)).plan
        context.say("workplan: imported the 2017 plan")
    staff = context.users.get("staff")
    items = {i.number: i for i in Item.objects.filter(plan=plan)}
    existing = set(Task.objects.filter(item__plan=plan).values_list("item__number", "title"))
    created = 0
    for number, tasks in TASKS.items():
        item = items.get(number)
        if item is None:
            continue
        for title, start, due, status, weight in tasks:
            if (number, title) in existing:
                continue
            services.task_create(
                actor=staff,
                item=item,
                title=title,
                owner=staff,
                start_date=_date(plan.year, start),
                due_date=_date(plan.year, due),
                status=status,
                weight=weight,
            )
            created += 1
    noted = set(ProgressUpdate.objects.filter(item__plan=plan).values_list("item__number", "note"))
    for number, updates in UPDATES.items():
        item = items.get(number)
        for month_day, kind, note in updates:
            if item is None or (number, note) in noted:
                continue
            services.progress_update_create(
                actor=staff, item=item, note=note, date=_date(plan.year, month_day), kind=kind
            )
    context.say(f"workplan: {created} tasks added to the {plan.year} plan")
