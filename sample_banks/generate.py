"""Generate the sample banks: a compliant 焊工 bank and one with planted defects, with manifests.

Deterministic (fixed seed, fixed file dates): running it again gives byte-identical workbooks.
The manifests are the known answers of the tests. They are computed here from the generator's own
bookkeeping (which item belongs to which point, which defect was planted where), never by running
qbaudit's checks.

    python sample_banks/generate.py [OUTPUT_FOLDER]
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import json
import math
import random
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import xlsxwriter

SEED = 20261101
AS_OF = dt.date(2026, 11, 1)
FILE_DATE = dt.datetime(2026, 11, 1, 9, 0, 0)
OCCUPATION = "焊工"
STANDARD_NAME = "国家职业技能标准·焊工（2018年版）"
STANDARD_ISSUED = dt.date(2018, 12, 29)
LEVEL_NAMES = {5: "五级/初级工", 4: "四级/中级工", 3: "三级/高级工", 2: "二级/技师", 1: "一级/高级技师"}
LEVEL_SHORT = {4: "四级", 3: "三级", 2: "二级"}
LEVEL_SHEETS = {4: "四级（中级工）", 3: "三级（高级工）", 2: "二级（技师）"}

# Tier-1 scopes and, per level, tier-2 scopes: (code, name, weight).
TOP = {"A": "基本要求", "B": "相关知识要求"}
SCOPES = {
    4: [("A", "A", "职业道德", 5), ("A", "B", "基础知识", 20), ("B", "A", "焊前准备", 15), ("B", "B", "焊条电弧焊", 20),
        ("B", "C", "熔化极气体保护焊", 15), ("B", "D", "钨极氩弧焊", 10), ("B", "E", "焊接质量检验", 15)],
    3: [("A", "A", "职业道德", 5), ("A", "B", "基础知识", 15), ("B", "A", "焊前准备", 10), ("B", "B", "焊条电弧焊", 20),
        ("B", "C", "熔化极气体保护焊", 20), ("B", "D", "钨极氩弧焊", 15), ("B", "E", "焊接质量检验", 15)],
    2: [("A", "A", "职业道德", 5), ("A", "B", "基础知识", 10), ("B", "A", "焊接工艺", 25), ("B", "B", "焊接质量管理", 20),
        ("B", "C", "焊接结构与生产", 20), ("B", "D", "培训与技术管理", 20)],
}
TERMS = {
    "职业道德": ["职业道德", "爱岗敬业", "诚实守信", "遵纪守法", "安全文明生产", "团结协作", "工匠精神", "环境保护意识",
             "质量意识", "劳动纪律", "职业守则"],
    "基础知识": ["机械识图", "焊接符号", "金属材料", "钢的热处理", "电工基础", "焊接电弧", "焊接冶金", "焊接接头",
             "焊接应力与变形", "焊接安全", "焊接材料", "劳动保护", "相关法律法规"],
    "焊前准备": ["坡口加工", "焊件清理", "焊条烘干", "焊机检查", "焊前预热", "装配定位焊", "劳动防护用品", "焊接工艺文件",
             "反变形", "工装夹具", "焊接材料领用"],
    "焊条电弧焊": ["焊条选用", "焊接电流", "电弧电压", "焊接速度", "运条方法", "引弧与收弧", "平焊操作", "立焊操作",
              "横焊操作", "仰焊操作", "打底焊", "盖面焊", "焊道接头"],
    "熔化极气体保护焊": ["保护气体", "焊丝选用", "熔滴过渡", "焊丝干伸长度", "气体流量", "送丝机构", "短路过渡",
                   "喷射过渡", "飞溅控制", "焊枪角度", "药芯焊丝"],
    "钨极氩弧焊": ["钨极选用", "氩气纯度", "高频引弧", "直流正接", "交流钨极氩弧焊", "填丝方法", "背面保护",
              "电流衰减收弧", "喷嘴直径", "钨极伸出长度", "脉冲氩弧焊"],
    "焊接质量检验": ["外观检验", "射线检测", "超声检测", "磁粉检测", "渗透检测", "气孔", "夹渣", "未焊透", "焊接裂纹",
               "咬边", "焊缝尺寸", "力学性能试验"],
    "焊接工艺": ["焊接工艺评定", "焊接工艺规程", "焊接热输入", "异种钢焊接", "不锈钢焊接", "铝合金焊接", "耐热钢焊接",
             "低温钢焊接", "铸铁焊补", "铜及铜合金焊接", "焊接参数优化"],
    "焊接质量管理": ["质量管理体系", "焊接质量控制点", "焊工资格管理", "焊接缺陷返修", "焊接质量记录", "无损检测比例",
               "焊接检验计划", "质量事故分析", "不合格品控制", "质量持续改进"],
    "焊接结构与生产": ["焊接结构设计", "接头强度计算", "焊接变形控制", "焊接残余应力", "焊接生产组织", "焊接工装设计",
                "焊接自动化", "焊接机器人", "压力容器焊接", "管道焊接"],
    "培训与技术管理": ["培训计划", "技能培训方法", "操作指导", "技术文件编制", "技术革新", "新工艺推广", "生产成本核算",
                "安全生产管理", "班组管理", "技术总结"],
}
ASPECTS = ["的基本概念", "的作用", "的选择原则", "的影响因素", "的操作要点", "的常见问题及防止措施", "的技术要求"]
CONTEXTS = ["在低温环境下", "焊接中厚板时", "进行对接接头焊接时", "在现场安装焊接中", "焊接重要承压结构时",
            "进行返修焊接时", "采用多层多道焊时", "焊接薄板时", "在狭小空间内作业时", "进行管道全位置焊接时",
            "批量生产焊接时", "焊接淬硬倾向较大的钢材时", "在潮湿环境中施焊时", "进行高空焊接作业时", "焊接异种钢接头时",
            "在风速较大的场地施焊时", "焊接厚壁容器环缝时", "进行定位焊时", "采用机器人焊接时", "修复在役设备时",
            "焊接不锈钢复合板时", "进行首件焊接时", "夜间连续施焊时", "焊接承受动载荷的结构时"]
# Phrases of choice options (术语 + 说法) and, apart, of true/false statements: an item never gives
# away another's answer because the two never share a sentence.
CHOICE_TRUE = ["应符合焊接工艺规程的规定", "需根据母材厚度和焊接位置确定", "应在焊前进行检查确认",
               "直接影响焊缝的成形和质量", "必须遵守安全操作规程", "应如实记录在施工记录中",
               "需综合考虑母材的化学成分", "应由持证焊工按规定执行", "需要结合接头形式合理确定",
               "应在工艺评定合格的范围内选择", "对防止焊接缺陷有重要作用", "应定期检查并保持良好状态",
               "应与所用焊接材料相匹配", "需要按图样的技术要求控制", "须经检验合格后方可进入下道工序",
               "应考虑结构的拘束度", "宜通过焊接试验加以验证", "对接头的力学性能有明显影响"]
CHOICE_FALSE = ["可以由焊工随意调整", "对焊接质量没有任何影响", "只在冬季施工时才需要考虑", "与焊接位置完全无关",
                "数值越大越好", "不需要进行任何检查", "在赶工期时可以省略", "仅适用于铝合金的焊接",
                "可以用经验代替工艺文件", "与母材的成分没有关系", "只需在焊后进行处理", "不必执行安全规程",
                "可以不作任何记录", "完全由焊机自动保证", "只影响焊缝的外观", "对所有材料都完全相同"]
JUDGE_TRUE = ["必须在工艺规程允许的范围内执行", "应当由检验人员复核确认", "要兼顾生产效率和焊接质量",
              "需要事先进行安全技术交底", "应考虑环境温度和湿度的影响", "是保证接头质量的重要环节",
              "应按照先内后外、先下后上的顺序安排", "需要在焊接记录中注明", "应防止产生过大的焊接应力",
              "要求操作者持有相应项目的合格证"]
JUDGE_FALSE = ["可以完全凭个人经验决定", "无须考虑母材的供货状态", "只要外观合格就不必检查",
               "在任何条件下都可以省略", "与焊接热输入没有任何关系", "只由设备操作人员一人负责",
               "可以在焊后补填全部记录", "对焊缝内部质量没有影响", "可以随意改变规定的焊接顺序",
               "不受环境温度变化的影响"]
DEFECTS = ["气孔", "夹渣", "未焊透", "未熔合", "咬边", "焊瘤", "热裂纹", "冷裂纹", "烧穿", "弧坑", "再热裂纹", "层状撕裂"]
MATERIALS = ["Q235B", "Q355B", "Q345R", "20G", "16MnDR", "06Cr19Ni10", "5083铝合金", "T2紫铜", "12Cr1MoV", "HT200",
             "15CrMo", "09MnNiDR", "Q460C", "S30408"]
PROCESSES = ["焊条电弧焊", "CO2气体保护焊", "钨极氩弧焊", "埋弧焊", "熔化极混合气体保护焊", "药芯焊丝电弧焊"]
POSITIONS = ["平焊", "立焊", "横焊", "仰焊", "全位置"]
QUANTITIES = [("预热温度", "℃", 50, 300, 25), ("焊接电流", "A", 80, 350, 10), ("电弧电压", "V", 18, 36, 1),
              ("保护气体流量", "L/min", 8, 25, 1), ("层间温度", "℃", 100, 350, 25), ("坡口角度", "°", 30, 70, 5),
              ("钝边尺寸", "mm", 0, 3, 1), ("根部间隙", "mm", 1, 5, 1), ("焊丝干伸长度", "mm", 8, 25, 1),
              ("焊条烘干温度", "℃", 100, 400, 50), ("后热保温时间", "h", 1, 6, 1)]
ACTION_PHRASES = ["核对焊接工艺卡", "检查坡口清理质量", "确认焊材牌号与批号", "测量预热温度", "校验电流表和电压表",
                  "检查保护气体纯度", "复核装配间隙", "清除定位焊缺陷", "检查焊机接地", "准备引弧板和引出板",
                  "确认焊工资格", "调整送丝速度", "布置防风设施", "标注焊缝编号"]
FACTORS = ["母材的碳当量", "接头的拘束度", "焊缝的扩散氢含量", "环境温度", "板厚", "焊接线能量", "冷却速度",
           "焊接顺序", "坡口形式", "焊材的熔敷速度"]
CAUSES = ["焊件表面油污未清理干净", "焊条受潮未按规定烘干", "保护气体流量不足", "焊接电流过大", "焊接速度过快",
          "坡口角度过小", "层间清渣不彻底", "运条角度不当", "收弧过快", "预热温度不够", "根部间隙过小", "焊接电压偏高"]
DUTIES = ["组织编制焊接作业指导书", "监督焊接工艺纪律的执行", "审核焊接质量记录", "组织焊接工艺评定",
          "开展焊工技能培训", "处理焊接质量问题", "制定焊接检验计划", "推广焊接新工艺"]
ROLES = ["焊接技术员", "焊接质检员", "焊接班组长", "焊接责任工程师"]
STANDARD_DOCS = ["焊接工艺规程", "焊接作业指导书", "压力容器焊接规程", "钢结构焊接规范", "焊工考试规则"]


@dataclass
class Point:
    level: int
    top: str
    scope: str
    number: int
    name: str
    importance: str
    override: str | None = None  # a code written against the rules (planted defects)

    @property
    def code(self) -> str:
        return self.override or f"{self.top}-{self.scope}-{self.number:03d}"


@dataclass
class Item:
    item_id: str
    level: int
    point: Point | None  # the point the item truly belongs to (None: planted unresolvable code)
    code_text: str | None  # the point code as written in the file
    item_type: str | None
    difficulty: str | None
    stem: str | None
    options: dict[str, str]
    answer: str | None
    explanation: str
    revised: dt.date
    level_text: str | None = None
    type_text: str | None = None
    difficulty_error: bool = False


@dataclass
class Sample:
    points: dict[int, list[Point]]
    items: dict[int, list[Item]]
    weights: dict[int, dict[tuple[str, str], float]]  # blueprint weights of tier-2 scopes
    top_weights: dict[int, dict[str, float]]
    planted: dict = field(default_factory=dict)
    scope_code_text: dict[tuple[int, str, str], str] = field(default_factory=dict)  # written scope codes


class Writer:
    """Item texts from templates: realistic Chinese with many slots, so that honest items differ."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def _statements(self, term: str, count: int, true_count: int) -> tuple[list[str], list[bool]]:
        rng = self.rng
        texts = [term + c for c in rng.sample(CHOICE_TRUE, true_count) + rng.sample(CHOICE_FALSE, count - true_count)]
        truth = [True] * true_count + [False] * (count - true_count)
        order = list(range(count))
        rng.shuffle(order)
        return [texts[i] for i in order], [truth[i] for i in order]

    @staticmethod
    def _lettered(texts: list[str], correct: list[bool]) -> tuple[dict[str, str], str]:
        letters = "ABCDEFGH"
        return ({letters[i]: t for i, t in enumerate(texts)},
                "".join(letters[i] for i, ok in enumerate(correct) if ok))

    def single(self, point: Point, term: str, variant: int) -> tuple[str, dict[str, str], str]:
        rng = self.rng
        kind = variant % 8
        if kind == 0:
            texts, truth = self._statements(term, 4, 1)
            return f"关于{point.name}，下列说法中正确的是（　　）。", *self._lettered(texts, truth)
        if kind == 1:
            defects = rng.sample(DEFECTS, 4)
            answer = rng.randrange(4)
            return (f"{rng.choice(CONTEXTS)}，{term}处理不当最容易产生的焊接缺陷是（　　）。",
                    *self._lettered(defects, [i == answer for i in range(4)]))
        if kind == 2:
            name, unit, low, high, step = rng.choice(QUANTITIES)
            values = sorted(rng.sample(range(low, high + 1, step), 4))
            answer = rng.randrange(4)
            stem = (f"采用{rng.choice(PROCESSES)}在{rng.choice(POSITIONS)}位置焊接厚度为{rng.choice([4, 6, 8, 10, 12, 16, 20, 25])}mm"
                    f"的{rng.choice(MATERIALS)}时，从{term}考虑，{name}一般取（　　）。")
            return stem, *self._lettered([f"{v}{unit}" for v in values], [i == answer for i in range(4)])
        if kind == 3:
            texts, truth = self._statements(term, 4, 3)
            return f"下列关于{point.name}的叙述中，错误的是（　　）。", *self._lettered(texts, [not t for t in truth])
        if kind == 4:
            actions = rng.sample(ACTION_PHRASES, 4)
            answer = rng.randrange(4)
            return (f"{rng.choice(CONTEXTS)}，为保证{term}满足要求，首先应当（　　）。",
                    *self._lettered(actions, [i == answer for i in range(4)]))
        if kind == 5:
            duties = rng.sample(DUTIES, 4)
            answer = rng.randrange(4)
            return (f"在{point.name}方面，{rng.choice(ROLES)}的主要职责是（　　）。",
                    *self._lettered(duties, [i == answer for i in range(4)]))
        if kind == 6:
            factors = rng.sample(FACTORS, 4)
            answer = rng.randrange(4)
            return (f"{rng.choice(MATERIALS)}采用{rng.choice(PROCESSES)}焊接时，与{term}关系最密切的因素是（　　）。",
                    *self._lettered(factors, [i == answer for i in range(4)]))
        texts, truth = self._statements(term, 4, 1)
        return (f"按照《{rng.choice(STANDARD_DOCS)}》的要求，{rng.choice(CONTEXTS)}下列做法正确的是（　　）。",
                *self._lettered(texts, truth))

    def multiple(self, point: Point, term: str, variant: int) -> tuple[str, dict[str, str], str]:
        rng = self.rng
        kind = variant % 4
        if kind == 0:
            texts, truth = self._statements(term, 5, rng.choice([2, 3]))
            return f"{point.name}包括下列哪些内容（　　）。", *self._lettered(texts, truth)
        if kind == 1:
            texts, truth = self._statements(term, 4, 2)
            return f"{rng.choice(CONTEXTS)}，有关{term}的下列说法中，正确的有（　　）。", *self._lettered(texts, truth)
        if kind == 2:
            causes = rng.sample(CAUSES, 5)
            correct = rng.sample(range(5), rng.choice([2, 3]))
            return (f"从{term}的角度分析，{rng.choice(POSITIONS)}焊缝产生{rng.choice(DEFECTS)}的原因可能有（　　）。",
                    *self._lettered(causes, [i in correct for i in range(5)]))
        names = [q[0] for q in rng.sample(QUANTITIES, 5)]
        correct = rng.sample(range(5), rng.choice([2, 3]))
        return (f"{rng.choice(PROCESSES)}焊接{rng.choice(MATERIALS)}时，为保证{term}，应重点控制的参数有（　　）。",
                *self._lettered(names, [i in correct for i in range(5)]))

    def judgement(self, point: Point, term: str, variant: int) -> tuple[str, dict[str, str], str]:
        rng = self.rng
        truth = rng.random() < 0.5
        clause = rng.choice(JUDGE_TRUE if truth else JUDGE_FALSE)
        kind = variant % 4
        if kind == 0:
            stem = f"{rng.choice(CONTEXTS)}，{term}{clause}。（　　）"
        elif kind == 1:
            stem = f"采用{rng.choice(PROCESSES)}焊接{rng.choice(MATERIALS)}时，{term}{clause}。（　　）"
        elif kind == 2:
            stem = f"在{rng.choice(POSITIONS)}位置施焊时，有关{term}的工作{clause}。（　　）"
        else:
            stem = f"就{point.name}而言，{rng.choice(ROLES)}认为{term}{clause}。（　　）"
        return stem, {}, "√" if truth else "×"

    def subjective(self, point: Point, term: str, kind: str) -> tuple[str, dict[str, str], str]:
        rng = self.rng
        if kind == "简答":
            form = rng.randrange(3)
            stem = [f"简述{point.name}。", f"简述{rng.choice(CONTEXTS)}{term}的控制要点。",
                    f"{term}常见的问题有哪些？应当如何防止？"][form]
            return stem, {}, f"答：{term}{rng.choice(CHOICE_TRUE)}；同时{rng.choice(JUDGE_TRUE)}。"
        if kind == "论述":
            return (f"试论述{term}在{rng.choice(PROCESSES)}焊接{rng.choice(MATERIALS)}时的质量控制要点。", {},
                    f"答题要点：{rng.choice(CHOICE_TRUE)}；{rng.choice(JUDGE_TRUE)}；结合实例说明。")
        if kind == "计算":
            form = rng.randrange(3)
            if form == 0:
                current, voltage, speed = rng.choice([160, 180, 200, 220, 250]), rng.choice([22, 24, 26, 28]), rng.choice([15, 18, 20, 24])
                return (f"某焊件采用{rng.choice(PROCESSES)}，焊接电流{current}A、电弧电压{voltage}V、焊接速度{speed}cm/min，"
                        f"试计算焊接热输入（kJ/cm）。", {}, f"q = I·U·60/v = {current * voltage * 60 / speed / 1000:.2f} kJ/cm")
            if form == 1:
                carbon, manganese = rng.choice([0.12, 0.16, 0.18, 0.2]), rng.choice([0.8, 1.2, 1.4, 1.6])
                return (f"已知{rng.choice(MATERIALS)}的碳含量为{carbon}%、锰含量为{manganese}%，按国际焊接学会公式估算碳当量，"
                        f"并说明其焊接性及是否需要预热。", {}, f"CE = C + Mn/6 = {carbon + manganese / 6:.2f}%")
            length, leg = rng.choice([2, 3, 5, 8]), rng.choice([6, 8, 10])
            return (f"一条长{length}m、焊脚尺寸{leg}mm的角焊缝，焊缝金属密度取7.85g/cm³，试计算熔敷金属的质量。", {},
                    f"m = K²/2·L·ρ = {leg * leg / 2 * length * 100 * 7.85 / 1000:.2f} kg")
        return (f"某企业{rng.choice(CONTEXTS)}进行{term}作业后，在{rng.choice(POSITIONS)}焊缝中发现{rng.choice(DEFECTS)}，"
                f"请分析原因并提出防止措施。", {}, f"原因：{rng.choice(CAUSES)}等；措施：{rng.choice(CHOICE_TRUE)}。")


def comparable(stem: str | None, options: dict[str, str]) -> str:
    """An item's text as the similarity criterion reads it (NFKC, no punctuation, options sorted)."""
    def clean(text: str) -> str:
        text = unicodedata.normalize("NFKC", text).lower()
        return "".join(ch for ch in text if unicodedata.category(ch)[0] not in "PSZ" and not ch.isspace())
    parts = sorted(clean(o) for o in options.values() if o)
    return "|".join([clean(stem or ""), *parts]) if parts else clean(stem or "")


class Guard:
    """Keeps every new item below ``limit`` similarity with every item written before it."""

    def __init__(self, limit: float = 80.0) -> None:
        self.limit = limit
        self.texts: list[str] = []

    def accepts(self, stem: str | None, options: dict[str, str]) -> bool:
        from rapidfuzz import fuzz, process

        text = comparable(stem, options)
        if process.extractOne(text, self.texts, scorer=fuzz.ratio, score_cutoff=self.limit) is not None:
            return False
        self.texts.append(text)
        return True


def _revision_date(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randrange((end - start).days + 1))


def _points_for(level: int, rng: random.Random, per_scope: dict[tuple[str, str], int]) -> list[Point]:
    points: list[Point] = []
    for top, scope, scope_name, _ in SCOPES[level]:
        names = [t + a for t in TERMS[scope_name] for a in ASPECTS]
        rng.shuffle(names)
        for number in range(1, per_scope[(top, scope)] + 1):
            points.append(Point(level, top, scope, number, names[number - 1], "X"))
    return points


def _assign_importance(points: list[Point], rng: random.Random, y: int, z: int) -> None:
    chosen = rng.sample(range(len(points)), y + z)
    for index in chosen[:y]:
        points[index].importance = "Y"
    for index in chosen[y:]:
        points[index].importance = "Z"


def _term_of(point: Point) -> str:
    scope_name = next(s[2] for s in SCOPES[point.level] if (s[0], s[1]) == (point.top, point.scope))
    return next(t for t in TERMS[scope_name] if point.name.startswith(t))


def _items_for(level: int, points: list[Point], counts: dict[str, int], rng: random.Random, writer: Writer,
               subjective: bool, dates: tuple[dt.date, dt.date], prefix: str, guard: Guard) -> list[Item]:
    items: list[Item] = []
    sequence = 0
    for point in points:
        term = _term_of(point)
        for variant in range(counts[point.code]):
            sequence += 1
            for attempt in range(60):
                roll = rng.random()
                if subjective and roll < 0.12:
                    kind = rng.choice(["简答", "论述", "计算", "案例分析"])
                    stem, options, answer = writer.subjective(point, term, kind)
                    item_type = kind
                elif roll < 0.40:
                    item_type = "判断"
                    stem, options, answer = writer.judgement(point, term, variant + attempt)
                elif roll < 0.80:
                    item_type = "单选"
                    stem, options, answer = writer.single(point, term, variant + attempt)
                else:
                    item_type = "多选"
                    stem, options, answer = writer.multiple(point, term, variant + attempt)
                if guard.accepts(stem, options):
                    break
            else:
                raise RuntimeError(f"no distinct item found for {point.code}")
            difficulty = rng.choices(["1", "2", "3", "4", "5"], weights=[10, 25, 35, 20, 10])[0]
            items.append(Item(
                item_id=f"{prefix}{level}{sequence:05d}",
                level=level,
                point=point,
                code_text=point.code,
                item_type=item_type,
                difficulty=difficulty,
                stem=stem,
                options=options,
                answer=answer,
                explanation=f"本题考查“{point.name}”。",
                revised=_revision_date(rng, *dates),
            ))
    return items


def build_compliant(rng: random.Random) -> Sample:
    """Every level: ≥ 2.2 × weight points per scope, 5–7 items per point, X ≈ 88 %."""
    writer = Writer(rng)
    guard = Guard()
    sample = Sample(points={}, items={}, weights={}, top_weights={})
    for level in (4, 3, 2):
        per_scope = {(t, s): math.ceil(2.2 * w) for t, s, _, w in SCOPES[level]}
        points = _points_for(level, rng, per_scope)
        _assign_importance(points, rng, y=round(len(points) * 0.09), z=round(len(points) * 0.03))
        counts = {p.code: rng.choice([5, 5, 6, 6, 7]) for p in points}
        sample.points[level] = points
        sample.items[level] = _items_for(level, points, counts, rng, writer, subjective=level <= 2,
                                         dates=(dt.date(2022, 3, 1), dt.date(2026, 9, 30)), prefix="HG", guard=guard)
        sample.weights[level] = {(t, s): float(w) for t, s, _, w in SCOPES[level]}
        sample.top_weights[level] = {
            top: float(sum(w for t, _, _, w in SCOPES[level] if t == top)) for top in TOP
        }
    return sample


def _pick_items(rng: random.Random, items: list[Item], n: int, counts: dict[str, int], minimum: int = 6,
                types: tuple[str, ...] | None = None, exclude: set[str] | None = None) -> list[Item]:
    """Items whose point keeps ≥ 5 items after losing one (so a plant does not create another defect)."""
    exclude = exclude if exclude is not None else set()
    pool = [i for i in items if i.point is not None and counts.get(i.point.code, 0) >= minimum and i.item_id not in exclude
            and (types is None or i.item_type in types)]
    chosen: list[Item] = []
    for item in rng.sample(pool, len(pool)):
        if len(chosen) == n:
            break
        if counts[item.point.code] >= minimum:
            chosen.append(item)
            counts[item.point.code] -= 1
            exclude.add(item.item_id)
    return chosen


def build_defective(rng: random.Random, base: Sample) -> Sample:
    """The compliant sample with defects planted, each recorded in ``sample.planted``."""
    sample = copy.deepcopy(base)
    writer = Writer(rng)
    guard = Guard()
    for level_items in (sample.items[4], sample.items[3]):
        guard.texts += [comparable(i.stem, i.options) for i in level_items]
    planted: dict = {}
    touched: set[str] = set()

    # ---- 四级 (4) ------------------------------------------------------------------------
    level = 4
    points, items = sample.points[level], sample.items[level]
    # R20: scope B-C (15 %) keeps 26 points (< 30); the removed points take their items with them.
    removed = [p for p in points if (p.top, p.scope) == ("B", "C") and p.number > 26]
    removed_codes = {p.code for p in removed}
    sample.points[level] = points = [p for p in points if p.code not in removed_codes]
    sample.items[level] = items = [i for i in items if i.point is None or i.point.code not in removed_codes]
    counts = {p.code: 0 for p in points}
    for item in items:
        counts[item.point.code] += 1
    # R2: twelve points keep only 2–4 items.
    short = rng.sample([p for p in points if (p.top, p.scope) != ("B", "C")], 12)
    drop: set[str] = set()
    for point in short:
        keep = rng.choice([2, 3, 4])
        own = [i for i in items if i.point is point]
        for item in own[keep:]:
            drop.add(item.item_id)
        counts[point.code] = keep
    sample.items[level] = items = [i for i in items if i.item_id not in drop]
    short_codes = {p.code for p in short}
    eligible = {code: n for code, n in counts.items() if code not in short_codes}
    # R7: parameters missing or invalid.
    r7: dict[str, list[str]] = {}
    for item in _pick_items(rng, items, 3, eligible, exclude=touched):
        item.difficulty = None
        r7[item.item_id] = ["difficulty_missing"]
    for item, value in zip(_pick_items(rng, items, 2, eligible, exclude=touched), ["8", "高"], strict=True):
        item.difficulty = value
        r7[item.item_id] = ["difficulty_out_of_range" if value == "8" else "difficulty_unreadable"]
    for item in _pick_items(rng, items, 2, eligible, types=("判断",), exclude=touched):
        item.item_type = None
        r7[item.item_id] = ["type_missing"]
    for item in _pick_items(rng, items, 1, eligible, types=("判断",), exclude=touched):
        item.type_text = "选择"
        r7[item.item_id] = ["type_unknown"]
    # Items without a code lose their point: the point count drops (picked from points with ≥ 6).
    for item in _pick_items(rng, items, 2, eligible, exclude=touched):
        item.code_text = None
        item.point = None
        r7[item.item_id] = ["code_missing"]
    # A code written with slashes: malformed for R7, but it still resolves (separators are ignored).
    for item in _pick_items(rng, items, 1, {c: n + 1 for c, n in eligible.items()}, exclude=touched):
        item.code_text = item.point.code.replace("-", "/")
        r7[item.item_id] = ["code_malformed"]
    # A cell holding an Excel error (#N/A) where the difficulty should be.
    for item in _pick_items(rng, items, 1, eligible, exclude=touched):
        item.difficulty = None
        item.difficulty_error = True
        r7[item.item_id] = ["difficulty_missing"]
    # R8: items whose codes are not in this level's blueprint (one exists only in 三级).
    unresolved: dict[str, str] = {}
    for item, code in zip(_pick_items(rng, items, 3, eligible, exclude=touched), ["B-F-001", "B-F-002", "B-C-030"], strict=True):
        item.code_text = code
        item.point = None
        unresolved[item.item_id] = code
    # R8: a point added with a code that is already taken, and one whose code lies outside its scope.
    duplicate_of = rng.choice([p for p in points if p.code not in short_codes and (p.top, p.scope) == ("B", "B")])
    extra_duplicate = Point(level, "B", "B", duplicate_of.number, "焊条电弧焊的工艺纪律要求", "X")
    points.insert(points.index(duplicate_of) + 1, extra_duplicate)
    outside_code = "B-C-090"
    outside = Point(level, "B", "A", 90, "焊接坡口的检查与验收", "X", override=outside_code)
    points.append(outside)
    for n in range(5):
        for attempt in range(60):
            stem, options, answer = writer.single(outside, "焊接坡口", n + attempt)
            if guard.accepts(stem, options):
                break
        else:
            raise RuntimeError("no distinct item for the planted point")
        items.append(Item(f"HG4{90001 + n}", level, outside, outside_code, "单选", "3", stem, options, answer,
                          "本题考查坡口验收。", _revision_date(rng, dt.date(2024, 1, 1), dt.date(2025, 6, 30))))
    # R17: a point without a name, and two points sharing one.
    nameless = rng.choice([p for p in points if p.code not in short_codes and p is not duplicate_of
                           and p is not extra_duplicate and p is not outside])
    nameless.name = ""
    twins = rng.sample([p for p in points if p.name and p not in (duplicate_of, extra_duplicate, outside)], 2)
    twins[1].name = twins[0].name
    # R9: 焊接质量检验 weighs 10 instead of the standard's 15, and 相关知识要求 70 → the top tier sums to 95.
    sample.weights[level][("B", "E")] = 10.0
    sample.top_weights[level]["B"] = 70.0
    # R14: nothing in 四级 revised since 2025-06-30 (16 months before the audit date).
    for item in items:
        if item.revised > dt.date(2025, 6, 30):
            item.revised = _revision_date(rng, dt.date(2024, 7, 1), dt.date(2025, 6, 30))
    latest = max(i.revised for i in items)
    # Codes written in full width or with stray spaces: normalised on import, they still resolve.
    ordinary = [i for i in items if i.point is not None and i.code_text == i.point.code]
    for item in rng.sample(ordinary, 15):
        item.code_text = "".join(chr(ord(c) + 0xFEE0) if c.isalnum() or c == "-" else c for c in item.code_text)
    for item in rng.sample([i for i in ordinary if i.code_text.isascii()], 10):
        item.code_text = f" {item.code_text[:4]} {item.code_text[4:]} "
    planted[level] = {
        "removed_points_R20": sorted(removed_codes),
        "R2_short": sorted(short_codes),
        "R7": r7,
        "R8_unresolved": unresolved,
        "R8_duplicate_code": duplicate_of.code,
        "R8_outside_scope": {"point": outside_code, "scope": "B-A"},
        "R17_nameless": nameless.code,
        "R17_twins": sorted([twins[0].code, twins[1].code]),
        "R14_latest": latest.isoformat(),
    }

    # ---- 三级 (3) ------------------------------------------------------------------------
    level = 3
    points, items = sample.points[level], sample.items[level]
    # R1: 190 points (30 removed, spread over the scopes in proportion to their size).
    remove: list[Point] = []
    per_scope: dict[tuple[str, str], list[Point]] = {}
    for p in points:
        per_scope.setdefault((p.top, p.scope), []).append(p)
    quota = {"A-A": 1, "A-B": 5, "B-A": 3, "B-B": 6, "B-C": 6, "B-D": 5, "B-E": 4}
    for key, group in per_scope.items():
        remove += group[len(group) - quota[f"{key[0]}-{key[1]}"]:]
    removed_codes = {p.code for p in remove}
    sample.points[level] = points = [p for p in points if p.code not in removed_codes]
    sample.items[level] = items = [i for i in items if i.point.code not in removed_codes]
    # R4/R19: X 152, Y 28, Z 10 of 190.
    for p in points:
        p.importance = "X"
    _assign_importance(points, rng, y=28, z=10)
    counts = {p.code: 0 for p in points}
    for item in items:
        counts[item.point.code] += 1
    # R8: one scope without a code, one with a malformed code (the points carry full codes).
    sample.scope_code_text[(level, "B", "C")] = ""
    sample.scope_code_text[(level, "B", "D")] = "D．"
    # R13: objective items with a planted problem each.
    r13: dict[str, str] = {}
    single = _pick_items(rng, items, 6, counts, types=("单选",), exclude=touched)
    single[0].answer = "E"
    r13[single[0].item_id] = "answer_not_in_options"
    single[1].answer = "AB"
    r13[single[1].item_id] = "answer_count"
    single[2].options = {"A": single[2].options["A"]}
    single[2].answer = "A"
    r13[single[2].item_id] = "too_few_options"
    single[3].stem = None
    r13[single[3].item_id] = "stem_missing"
    single[4].options["C"] = single[4].options["B"]
    if single[4].answer == "C":
        single[4].answer = "A" if single[4].options.get("A") else single[4].answer
    r13[single[4].item_id] = "duplicate_options"
    single[5].options = {k: v for k, v in single[5].options.items() if k != "C"}
    single[5].answer = "A"
    r13[single[5].item_id] = "option_gap"
    multiple = _pick_items(rng, items, 2, counts, types=("多选",), exclude=touched)
    multiple[0].answer = multiple[0].answer[0]
    r13[multiple[0].item_id] = "answer_count"
    multiple[1].answer = "AAC"
    multiple[1].options.setdefault("C", "以上说法都需要根据实际情况确定")
    r13[multiple[1].item_id] = "answer_repeated"
    judgement = _pick_items(rng, items, 1, counts, types=("判断",), exclude=touched)
    judgement[0].answer = "C"
    r13[judgement[0].item_id] = "judgement_answer"
    # R14: thirty items last revised in 2020 (more than five years before the audit date).
    stale = rng.sample([i for i in items if i.item_id not in r13], 30)
    for item in stale:
        item.revised = _revision_date(rng, dt.date(2020, 2, 1), dt.date(2020, 12, 31))
    # Import: a footnote row and a row whose level cannot be read.
    planted[level] = {
        "removed_points_R1": sorted(removed_codes),
        "R4": {"X": 152, "Y": 28, "Z": 10},
        "R8_scope_code_missing": "B-C",
        "R8_scope_code_malformed": "D.",
        "R13": r13,
        "R14_stale": sorted(i.item_id for i in stale),
    }

    # ---- 二级 (2) ------------------------------------------------------------------------
    level = 2
    points = sample.points[level]
    # R3 and R2: 204 points, 24 of them with 4 items, the rest with 5 → 996 items; no subjective items (R10).
    keep_per_scope = {"A-A": 10, "A-B": 20, "B-A": 52, "B-B": 41, "B-C": 40, "B-D": 41}
    kept: list[Point] = []
    for key, n in keep_per_scope.items():
        top, scope = key.split("-")
        kept += [p for p in points if (p.top, p.scope) == (top, scope)][:n]
    sample.points[level] = points = kept
    four = {p.code for p in rng.sample(points, 24)}
    counts = {p.code: 4 if p.code in four else 5 for p in points}
    sample.items[level] = _items_for(level, points, counts, rng, writer, subjective=False,
                                     dates=(dt.date(2022, 3, 1), dt.date(2026, 9, 30)), prefix="HG", guard=guard)
    planted[level] = {"R2_short": sorted(four)}
    sample.planted = planted
    _plant_independence(rng, sample, touched)
    return sample


def _ratio(a: Item, b: Item) -> float:
    from rapidfuzz import fuzz

    return fuzz.ratio(comparable(a.stem, a.options), comparable(b.stem, b.options))


def _copy(item: Item, item_id: str, **changes) -> Item:
    return dataclasses.replace(copy.deepcopy(item), item_id=item_id, **changes)


_NUMERIC_OPTION = re.compile(r"^(\d+)(℃|A|V|L/min|°|mm|h)$")


def _plant_independence(rng: random.Random, sample: Sample, touched: set[str]) -> None:
    """R11 and R12 defects with known answers: duplicates of each kind the issue names, a pair
    across levels, a look-alike differing by a domain term, a hint, discriminating wording (and a
    lawful mention that must not be flagged), and two honest items sharing a generic stem."""
    short4 = set(sample.planted[4]["R2_short"])

    def pool(level: int, types: tuple[str, ...], extra=lambda i: True) -> list[Item]:
        found = [i for i in sample.items[level]
                 if i.point is not None and i.code_text == i.point.code and i.item_id not in touched and i.stem
                 and i.point.code not in short4 and i.item_type in types and extra(i)]
        rng.shuffle(found)
        return found

    def add(level: int, item: Item) -> Item:
        sample.items[level].append(item)
        touched.add(item.item_id)
        return item

    pairs: list[dict] = []
    # 四级: an exact copy; the same item with its options reordered and other punctuation; one character
    # changed; one option's number changed; two clauses of the stem swapped.
    choices = pool(4, ("单选", "多选"))
    original = choices.pop()
    touched.add(original.item_id)
    add(4, _copy(original, "HG4D0001"))
    pairs.append({"a": original.item_id, "b": "HG4D0001", "kind": "duplicate", "edit": "exact"})

    original = choices.pop()
    touched.add(original.item_id)
    texts = list(original.options.values())
    correct = {original.options[letter] for letter in original.answer}
    rng.shuffle(texts)
    while texts == list(original.options.values()):
        rng.shuffle(texts)
    options = dict(zip("ABCDEFGH", texts, strict=False))
    answer = "".join(letter for letter, text in options.items() if text in correct)
    stem = original.stem.replace("（　　）", "( )").replace("，", ", ").replace("。", ". ")
    add(4, _copy(original, "HG4D0002", stem=stem, options=options, answer=answer))
    pairs.append({"a": original.item_id, "b": "HG4D0002", "kind": "duplicate", "edit": "format"})

    for original in choices:
        positions = [k for k, ch in enumerate(original.stem) if "\u4e00" <= ch <= "\u9fff"]
        k = rng.choice(positions)
        variant = _copy(original, "HG4D0003", stem=original.stem[:k] + ("钢" if original.stem[k] != "钢" else "铁")
                        + original.stem[k + 1:])
        if 88 <= _ratio(original, variant) < 100:
            touched.add(original.item_id)
            add(4, variant)
            pairs.append({"a": original.item_id, "b": "HG4D0003", "kind": "near_duplicate", "edit": "char"})
            break
    numeric = pool(4, ("单选",), lambda i: all(_NUMERIC_OPTION.match(o) for o in i.options.values()))
    for original in numeric:
        options = dict(original.options)
        letter = rng.choice([x for x in options if x not in original.answer])
        value, unit = _NUMERIC_OPTION.match(options[letter]).groups()
        options[letter] = f"{int(value) + 5}{unit}"
        variant = _copy(original, "HG4D0004", options=options)
        if len(set(options.values())) == len(options) and 88 <= _ratio(original, variant) < 100:
            touched.add(original.item_id)
            add(4, variant)
            pairs.append({"a": original.item_id, "b": "HG4D0004", "kind": "near_duplicate", "edit": "number"})
            break
    for original in pool(4, ("单选", "多选"), lambda i: i.stem.count("，") == 1):
        body, _, tail = original.stem.partition("（")
        first, second = body.split("，")
        variant = _copy(original, "HG4D0005", stem=f"{second}，{first}（{tail}")
        if 88 <= _ratio(original, variant) < 100:
            touched.add(original.item_id)
            add(4, variant)
            pairs.append({"a": original.item_id, "b": "HG4D0005", "kind": "near_duplicate", "edit": "clauses"})
            break
    # The same item in 四级 and 三级 (worth knowing, not always wrong).
    codes3 = {p.code: p for p in sample.points[3]}
    original = next(i for i in pool(4, ("单选",)) if i.point.code in codes3)
    touched.add(original.item_id)
    add(3, _copy(original, "HG3D0001", level=3, point=codes3[original.point.code]))
    across = [{"a": original.item_id, "b": "HG3D0001"}]

    # 三级: a look-alike whose difference is a whole term of the blueprint.
    names3 = {p.name for p in sample.points[3] if p.name}
    lookalike = None
    for original in pool(3, ("单选",)):
        term = _term_of(original.point)
        scope_name = next(n for t, c, n, _ in SCOPES[3] if (t, c) == (original.point.top, original.point.scope))
        others = [t for t in TERMS[scope_name] if t != term and len(t) == len(term) and t not in term and term not in t
                  and any(name.startswith(t) for name in names3)]
        if term not in original.stem or not others:
            continue
        other = rng.choice(others)
        target = next(p for p in sample.points[3] if p.name and p.name.startswith(other))
        variant = _copy(original, "HG3D0002", stem=original.stem.replace(term, other), point=target,
                        code_text=target.code)
        if 93 <= _ratio(original, variant) < 100:
            touched.add(original.item_id)
            add(3, variant)
            lookalike = {"a": original.item_id, "b": "HG3D0002", "terms": [term, other]}
            break
    # 三级: an item whose stem states another item's correct answer.
    revealed = next(i for i in pool(3, ("单选",)) if i.stem.startswith("关于") and len(i.answer) == 1)
    key = revealed.options[revealed.answer]
    touched.add(revealed.item_id)
    revealing = next(i for i in pool(3, ("判断",)) if i.point is not revealed.point)
    revealing.stem = f"{key}，这一要求同样适用于返修焊缝的焊接。（　　）"
    revealing.answer = "√"
    touched.add(revealing.item_id)
    # 三级: wording that discriminates (two items), and a lawful mention that must not be flagged.
    judgements = pool(3, ("判断",))
    flagged = []
    for item, stem in zip(judgements, ["女性焊工体力较弱，不适合从事仰焊和高空焊接作业。（　　）",
                                       "外地人素质低，不宜安排其担任焊接质检员。（　　）"], strict=False):
        item.stem, item.answer = stem, "×"
        touched.add(item.item_id)
        flagged.append(item.item_id)
    lawful = judgements[2]
    lawful.stem, lawful.answer = "按照女职工劳动保护特别规定，孕期女职工不得安排从事高处焊接作业。（　　）", "√"
    touched.add(lawful.item_id)

    # 二级: two honest items that share a generic stem but not their options: not alike.
    generic = [i for i in pool(2, ("单选",)) if i.stem.startswith("关于") and i.point.code not in sample.planted[2]["R2_short"]]
    first, second = generic[0], next(i for i in generic[1:] if _term_of(i.point) != _term_of(generic[0].point))
    for item in (first, second):
        item.stem = "下列说法中正确的是（　　）。"
        touched.add(item.item_id)
    assert _ratio(first, second) < 80, "the generic-stem pair must differ by its options"

    sample.planted[4]["R11_pairs"] = pairs
    sample.planted["across"] = {"R11_pairs": across}
    sample.planted[3]["R11_lookalike"] = lookalike
    sample.planted[3]["R11_hint"] = {"revealed": revealed.item_id, "revealing": revealing.item_id}
    sample.planted[3]["R12_flagged"] = flagged
    sample.planted[3]["R12_lawful"] = lawful.item_id
    sample.planted[2]["R11_generic_stem"] = [first.item_id, second.item_id]


# ---- writing -----------------------------------------------------------------------------------


def _workbook(path: Path) -> xlsxwriter.Workbook:
    workbook = xlsxwriter.Workbook(str(path))
    workbook.set_properties({"created": FILE_DATE, "author": "qbaudit 示例数据", "title": path.stem})
    return workbook


def _formats(workbook: xlsxwriter.Workbook) -> dict:
    return {
        "title": workbook.add_format({"bold": True, "font_size": 14, "align": "center", "valign": "vcenter"}),
        "header": workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True}),
        "date": workbook.add_format({"num_format": "yyyy-mm-dd"}),
        "merged": workbook.add_format({"valign": "vcenter", "border": 1}),
        "cell": workbook.add_format({"border": 1}),
    }


def write_compliant_bank(sample: Sample, path: Path) -> None:
    """One sheet, a level column, canonical headers, dates as Excel dates."""
    workbook = _workbook(path)
    fmt = _formats(workbook)
    sheet = workbook.add_worksheet("题库")
    headers = ["试题编号", "等级", "考评点代码", "题型", "难度", "题干", "选项A", "选项B", "选项C", "选项D", "选项E",
               "答案", "解析", "修订日期", "职业"]
    sheet.write_row(0, 0, headers, fmt["header"])
    row = 1
    for level in (4, 3, 2):
        for item in sample.items[level]:
            _write_item(sheet, row, item, LEVEL_NAMES[level], fmt, level_column=True)
            row += 1
    sheet.freeze_panes(1, 0)
    sheet.set_column(5, 5, 50)
    workbook.close()


def _write_item(sheet, row: int, item: Item, level_text: str | None, fmt: dict, level_column: bool) -> None:
    values: list[str | None] = [item.item_id]
    if level_column:
        values.append(item.level_text or level_text)
    values += [item.code_text, item.type_text or item.item_type, None, item.stem]
    values += [item.options.get(letter) for letter in "ABCDE"]
    values += [item.answer, item.explanation]
    for column, value in enumerate(values):
        if value is not None:
            sheet.write_string(row, column, value)
    difficulty_column = 4 if level_column else 3
    if item.difficulty_error:
        sheet.write_formula(row, difficulty_column, "=NA()", None, "#N/A")
    elif item.difficulty is not None and item.difficulty.isdigit():
        sheet.write_number(row, difficulty_column, int(item.difficulty))
    elif item.difficulty is not None:
        sheet.write_string(row, difficulty_column, item.difficulty)
    sheet.write_datetime(row, len(values), dt.datetime.combine(item.revised, dt.time()), fmt["date"])
    sheet.write_string(row, len(values) + 1, OCCUPATION)


def write_defective_bank(sample: Sample, path: Path) -> list[dict]:
    """One sheet per level under a merged title, synonym headers, a notes sheet, a repeated header,
    a footnote row and a row with an unreadable level. Returns the rows the importer must reject."""
    workbook = _workbook(path)
    fmt = _formats(workbook)
    notes = workbook.add_worksheet("说明")
    notes.write(0, 0, "焊工理论知识题库说明")
    notes.write(1, 0, "本题库按等级分表，每张表第 3 行为表头。")
    notes.write(2, 0, "修订记录见题库更新说明。")
    headers = ["试题代码", "级别", "鉴定点代码", "试题类型", "难度系数", "试题内容", "A", "B", "C", "D", "E",
               "正确答案", "答案解析", "修订时间", "工种"]
    rejected: list[dict] = []
    for level in (4, 3, 2):
        sheet = workbook.add_worksheet(LEVEL_SHEETS[level])
        sheet.merge_range(0, 0, 0, len(headers) - 1, f"焊工理论知识题库（{LEVEL_SHORT[level]}）", fmt["title"])
        sheet.write_row(2, 0, headers, fmt["header"])
        row = 3
        items = sample.items[level]
        for index, item in enumerate(items):
            if level == 4 and index == 200:
                sheet.write_row(row, 0, headers, fmt["header"])  # a pasted block repeats the header
                rejected.append({"sheet": LEVEL_SHEETS[level], "row": row + 1, "kind": "repeated_header"})
                row += 1
            _write_item(sheet, row, item, LEVEL_SHORT[level], fmt, level_column=True)
            row += 1
        if level == 3:
            sheet.write_row(row, 0, ["HG399999", "六级", "B-A-001", "判断", 3, "焊接前应检查焊机接地是否可靠。（　　）"])
            sheet.write(row, 11, "√")
            rejected.append({"sheet": LEVEL_SHEETS[level], "row": row + 1, "kind": "level_unknown"})
            row += 2
            sheet.write(row, 0, "注：本题库仅供内部命题使用，严禁外传。")
            rejected.append({"sheet": LEVEL_SHEETS[level], "row": row + 1, "kind": "not_an_item"})
    workbook.close()
    return rejected


def _scope_code(sample: Sample, level: int, top: str, scope: str) -> str:
    return sample.scope_code_text.get((level, top, scope), scope)


def write_compliant_blueprint(sample: Sample, path: Path) -> None:
    """One sheet with a level column; tier cells merged over their block; short point numbers."""
    workbook = _workbook(path)
    fmt = _formats(workbook)
    sheet = workbook.add_worksheet("考评要素细目表")
    headers = ["等级", "一级考评范围代码", "一级考评范围名称", "一级比重(%)", "二级考评范围代码", "二级考评范围名称",
               "二级比重(%)", "考评点代码", "考评点名称", "重要程度"]
    sheet.write_row(0, 0, headers, fmt["header"])
    row = 1
    for level in (4, 3, 2):
        row = _write_blueprint_level(sheet, row, sample, level, fmt, level_column=True, full_codes=False)
    sheet.set_column(8, 8, 36)
    workbook.close()


def _write_blueprint_level(sheet, row: int, sample: Sample, level: int, fmt: dict, level_column: bool,
                           full_codes: bool) -> int:
    offset = 1 if level_column else 0
    points = sample.points[level]
    for top in TOP:
        top_points = [p for p in points if p.top == top]
        if not top_points:
            continue
        top_start = row
        for _, scope, scope_name, _ in [s for s in SCOPES[level] if s[0] == top]:
            scope_points = [p for p in top_points if p.scope == scope]
            scope_start = row
            for point in scope_points:
                if level_column:
                    sheet.write_string(row, 0, LEVEL_NAMES[level])
                code = point.code if full_codes else f"{point.number:03d}"
                sheet.write_string(row, offset + 6, code)
                if point.name:
                    sheet.write_string(row, offset + 7, point.name)
                sheet.write_string(row, offset + 8, point.importance)
                row += 1
            _merge(sheet, scope_start, row - 1, offset + 3, _scope_code(sample, level, top, scope), fmt)
            _merge(sheet, scope_start, row - 1, offset + 4, scope_name, fmt)
            _merge(sheet, scope_start, row - 1, offset + 5, sample.weights[level][(top, scope)], fmt)
        _merge(sheet, top_start, row - 1, offset + 0, top, fmt)
        _merge(sheet, top_start, row - 1, offset + 1, TOP[top], fmt)
        _merge(sheet, top_start, row - 1, offset + 2, sample.top_weights[level][top], fmt)
    return row


def _merge(sheet, first: int, last: int, column: int, value, fmt: dict) -> None:
    if value == "":
        return
    if first == last:
        sheet.write(first, column, value, fmt["merged"])
    else:
        sheet.merge_range(first, column, last, column, value, fmt["merged"])


def write_defective_blueprint(sample: Sample, path: Path) -> None:
    """One sheet per level under a title; 鉴定 headers; point codes written in full."""
    workbook = _workbook(path)
    fmt = _formats(workbook)
    headers = ["鉴定范围代码(一级)", "鉴定范围(一级)", "鉴定比重(一级)", "鉴定范围代码(二级)", "鉴定范围(二级)",
               "鉴定比重(二级)", "鉴定点代码", "鉴定点名称", "重要程度"]
    for level in (4, 3, 2):
        sheet = workbook.add_worksheet(LEVEL_SHORT[level])
        sheet.merge_range(0, 0, 0, len(headers) - 1, f"焊工（{LEVEL_SHORT[level]}）理论知识鉴定要素细目表", fmt["title"])
        sheet.write_row(1, 0, headers, fmt["header"])
        _write_blueprint_level(sheet, 2, sample, level, fmt, level_column=False, full_codes=True)
    workbook.close()


def write_standard(path: Path) -> None:
    """The weight table as printed in a standard: scopes by rows, one column per level."""
    workbook = _workbook(path)
    fmt = _formats(workbook)
    sheet = workbook.add_worksheet("理论知识权重表")
    sheet.merge_range(0, 0, 0, 7, "焊工国家职业技能标准 理论知识权重表", fmt["title"])
    headers = ["项目", "知识要求", "五级/初级工(%)", "四级/中级工(%)", "三级/高级工(%)", "二级/技师(%)",
               "一级/高级技师(%)", "标准名称", "颁布日期"]
    sheet.write_row(2, 0, headers, fmt["header"])
    names: list[tuple[str, str]] = []
    for level in (4, 3, 2):
        for top, _, name, _ in SCOPES[level]:
            if (top, name) not in names:
                names.append((top, name))
    row = 3
    first = True
    for top, name in names:
        sheet.write(row, 0, TOP[top])
        sheet.write(row, 1, name)
        for column, level in zip(range(2, 7), (5, 4, 3, 2, 1), strict=True):
            weight = next((w for t, _, n, w in SCOPES.get(level, []) if (t, n) == (top, name)), None)
            sheet.write(row, column, weight if weight is not None else "—")
        if first:
            sheet.write(row, 7, STANDARD_NAME)
            sheet.write_datetime(row, 8, dt.datetime.combine(STANDARD_ISSUED, dt.time()), fmt["date"])
            first = False
        row += 1
    sheet.write(row, 0, "合计")
    for column, level in zip(range(2, 7), (5, 4, 3, 2, 1), strict=True):
        sheet.write(row, column, 100 if level in SCOPES else "—")
    workbook.close()


# ---- papers --------------------------------------------------------------------------------------

INSTITUTION = "某市职业技能鉴定中心"
SECONDS = {"判断": 30, "单选": 60, "多选": 90, "简答": 600, "计算": 600, "论述": 1200, "案例分析": 1200}
SESSIONS = ["2026年第1期", "2026年第2期", "2026年第3期", "2026年第4期", "2026年第5期", "2026年第6期"]


@dataclass
class SamplePaper:
    paper_id: str
    level: int
    session: str
    items: list[Item]
    institution: str | None = INSTITUTION
    duration: int | None = None


Plan = dict[int, list[tuple[str, str, str, str | None, int]]]


def paper_plan(compliant: Sample) -> Plan:
    """The paper plan (组卷计划书) of every level: (top, scope code, scope name, item type, items per paper).

    四级、三级: 100 items, by scope weight, 30 % 判断, 50 % 单选, 20 % 多选. 二级: 60 items by weight with
    the same split, plus 2 subjective items from each of the two scope × type cells the compliant bank
    is richest in (the defective bank has no subjective items, so it cannot fill them)."""
    plan: Plan = {}
    for level in (4, 3, 2):
        cells = []
        scale = 1.0 if level > 2 else 0.6
        for top, scope, name, weight in SCOPES[level]:
            total = round(weight * scale)
            judge, single = round(total * 0.3), round(total * 0.5)
            for kind, count in (("判断", judge), ("单选", single), ("多选", total - judge - single)):
                if count:
                    cells.append((top, scope, name, kind, count))
        plan[level] = cells
    subjective: dict[tuple[str, str, str], int] = {}
    for item in compliant.items[2]:
        if item.item_type in ("简答", "计算", "论述", "案例分析"):
            key = (item.point.top, item.point.scope, item.item_type)
            subjective[key] = subjective.get(key, 0) + 1
    richest = sorted(subjective, key=lambda k: (-subjective[k], k))
    chosen: list[tuple[str, str, str]] = []
    for key in richest:
        if all(key[:2] != other[:2] for other in chosen):
            chosen.append(key)
        if len(chosen) == 2:
            break
    names = {(t, c): n for t, c, n, _ in SCOPES[2]}
    plan[2] += [(top, scope, names[(top, scope)], kind, 2) for top, scope, kind in chosen]
    return plan


def _cell_items(sample: Sample, level: int, top: str, scope: str, kind: str | None) -> list[Item]:
    return [i for i in sample.items[level] if i.point is not None and i.code_text == i.point.code
            and (i.point.top, i.point.scope) == (top, scope) and (kind is None or i.item_type == kind)
            and i.difficulty and i.difficulty.isdigit() and i.stem]


def assemble(rng: random.Random, sample: Sample, plan: Plan, level: int, *, key_share: float = 1.0,
             hardest: bool = False, exclude: set[str] = frozenset()) -> list[Item]:
    """One paper by the plan: each cell from its X items (or a share of Y/Z items), then balanced so
    that its mean difficulty lies within 0.05 of the level's (or made hard on purpose)."""
    chosen: list[Item] = []
    spare: dict[tuple, list[Item]] = {}
    for top, scope, _, kind, count in plan[level]:
        pool = [i for i in _cell_items(sample, level, top, scope, kind) if i.item_id not in exclude]
        if len(pool) < count:
            chosen += pool  # the bank cannot fill this cell (a planted defect): the paper takes what there is
            continue
        key = [i for i in pool if i.point.importance == "X"]
        other = [i for i in pool if i.point.importance != "X"]
        take_other = min(len(other), round(count * (1 - key_share)))
        if hardest:
            pick = sorted(pool, key=lambda i: (-int(i.difficulty), i.item_id))[:count]
        else:
            pick = rng.sample(key, count - take_other) + rng.sample(other, take_other)
        chosen += pick
        spare[(top, scope, kind)] = [i for i in pool if i not in pick]
    if hardest:
        return chosen
    target = sum(int(i.difficulty) for i in sample.items[level] if i.difficulty and i.difficulty.isdigit())
    target /= sum(1 for i in sample.items[level] if i.difficulty and i.difficulty.isdigit())
    for _ in range(400):
        mean = sum(int(i.difficulty) for i in chosen) / len(chosen)
        if abs(mean - target) <= 0.05:
            break
        index = rng.randrange(len(chosen))
        item = chosen[index]
        cell = (item.point.top, item.point.scope, item.item_type)
        better = [i for i in spare.get(cell, []) if (int(i.difficulty) - int(item.difficulty)) * (target - mean) > 0
                  and (i.point.importance == "X") == (item.point.importance == "X")]
        if better:
            replacement = rng.choice(better)
            chosen[index] = replacement
            spare[cell].remove(replacement)
            spare[cell].append(item)
    return chosen


def duration_for(items: list[Item]) -> int:
    """Minutes for a paper: the reference time of its items, rounded up to ten minutes."""
    return math.ceil(sum(SECONDS[i.item_type] for i in items) / 600) * 10


def build_papers(rng: random.Random, sample: Sample, plan: Plan, defective: bool) -> tuple[list[SamplePaper], dict]:
    """Papers of an update cycle per level; for the defective sample, with planted paper defects."""
    papers: list[SamplePaper] = []
    counts = {4: 4, 3: 2, 2: 2} if not defective else {4: 6, 3: 2, 2: 1}
    for level in (4, 3, 2):
        if defective and level == 4:
            continue
        for n in range(counts[level]):
            items = assemble(rng, sample, plan, level)
            rng.shuffle(items)
            papers.append(SamplePaper(f"HG{level}-26-{n + 1:02d}", level, SESSIONS[n], items,
                                      duration=duration_for(items)))
    planted: dict = {}
    if defective:
        level = 4
        base = assemble(rng, sample, plan, level)
        first = SamplePaper("HG4-26-01", level, SESSIONS[0], base, duration=duration_for(base))
        second = SamplePaper("HG4-26-02", level, SESSIONS[1], rng.sample(base, len(base)), duration=duration_for(base))
        third_items = assemble(rng, sample, plan, level)
        third = SamplePaper("HG4-26-03", level, SESSIONS[2], third_items, duration=45)
        fourth_items = rng.sample(third_items, 90) + assemble(rng, sample, plan, level, exclude={i.item_id for i in third_items})[:10]
        fourth = SamplePaper("HG4-26-04", level, SESSIONS[3], fourth_items, duration=duration_for(fourth_items))
        low = assemble(rng, sample, plan, level, key_share=0.7)
        fifth = SamplePaper("HG4-26-05", level, SESSIONS[4], low, duration=duration_for(low))
        hard = assemble(rng, sample, plan, level, hardest=True)
        sixth = SamplePaper("HG4-26-06", level, SESSIONS[5], hard, institution=None, duration=None)
        papers = [first, second, third, fourth, fifth, sixth, *papers]
        key_share = sum(1 for i in low if i.point.importance == "X") / len(low)
        planted = {
            "identical": [[first.paper_id, second.paper_id]],
            "overlap": [{"a": third.paper_id, "b": fourth.paper_id, "shared": 90}],
            "low_key_share": {fifth.paper_id: round(key_share * 100, 1)},
            "too_long_for_duration": [third.paper_id],
            "missing_fields": {sixth.paper_id: ["institution", "duration"]},
            "hard": sixth.paper_id,
            "not_in_bank": ["HG499998", "HG499999"],
            "capacity_short": {"2": sorted({name for _, _, name, kind, _ in plan[2]
                                            if kind in ("简答", "计算", "论述", "案例分析")})},
        }
    return papers, planted


def write_plan(path: Path, plan: Plan) -> None:
    """The paper plan of every level, one row per scope and item type."""
    workbook = _workbook(path)
    fmt = _formats(workbook)
    sheet = workbook.add_worksheet("组卷计划书")
    sheet.write_row(0, 0, ["等级", "考评范围代码", "考评范围", "题型", "题量"], fmt["header"])
    row = 1
    for level in (4, 3, 2):
        for top, scope, name, kind, count in plan[level]:
            sheet.write_row(row, 0, [LEVEL_NAMES[level], f"{top}-{scope}", name, kind or "不限", count])
            row += 1
    workbook.close()


def write_paper_list(path: Path, papers: list[SamplePaper], extra_ids: dict[str, list[str]]) -> None:
    """Papers as a workbook: their header fields on one sheet, their items (in order) on another."""
    workbook = _workbook(path)
    fmt = _formats(workbook)
    info = workbook.add_worksheet("试卷信息")
    info.write_row(0, 0, ["试卷编号", "场次", "机构名称", "职业（工种）", "等级", "考试时长（分钟）"], fmt["header"])
    content = workbook.add_worksheet("试卷试题")
    content.write_row(0, 0, ["试卷编号", "题号", "试题编号"], fmt["header"])
    row = 1
    for index, paper in enumerate(papers, start=1):
        info.write_row(index, 0, [paper.paper_id, paper.session, paper.institution or "", OCCUPATION,
                                  LEVEL_NAMES[paper.level]])
        if paper.duration is not None:
            info.write_number(index, 5, paper.duration)
        ids = [i.item_id for i in paper.items] + extra_ids.get(paper.paper_id, [])
        for number, item_id in enumerate(ids, start=1):
            content.write_row(row, 0, [paper.paper_id, number, item_id])
            row += 1
    workbook.close()


def write_word_paper(path: Path, paper: SamplePaper) -> None:
    """One paper as an exam document: title, header lines, sections by item type, numbered items."""
    import io
    import zipfile

    import docx

    document = docx.Document()
    properties = document.core_properties
    properties.author, properties.title = "qbaudit 示例数据", paper.paper_id
    properties.created = properties.modified = properties.last_printed = FILE_DATE
    properties.revision = 1
    document.add_heading(f"{OCCUPATION}（{LEVEL_SHORT[paper.level]}）理论知识考试试卷", level=1)
    for line in (f"试卷编号：{paper.paper_id}", f"机构名称：{paper.institution}", f"职业（工种）：{OCCUPATION}",
                 f"等级：{LEVEL_NAMES[paper.level]}", f"考试时长：{paper.duration}分钟", f"场次：{paper.session}"):
        document.add_paragraph(line)
    sections = [("判断", "判断题"), ("单选", "单项选择题"), ("多选", "多项选择题"), ("简答", "简答题"), ("计算", "计算题"),
                ("论述", "论述题"), ("案例分析", "案例分析题")]
    number = 0
    heading = 0
    for kind, title in sections:
        group = [i for i in paper.items if i.item_type == kind]
        if not group:
            continue
        heading += 1
        document.add_paragraph(f"{'一二三四五六七'[heading - 1]}、{title}")
        for item in group:
            number += 1
            document.add_paragraph(f"{number}. {item.stem}")
            if item.options:
                document.add_paragraph("    ".join(f"{letter}．{text}" for letter, text in item.options.items()))
    buffer = io.BytesIO()
    document.save(buffer)
    # Fixed dates inside the archive, so that the file is the same on every run.
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            info = zipfile.ZipInfo(entry.filename, date_time=FILE_DATE.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(info, source.read(entry.filename))


# ---- manifests ---------------------------------------------------------------------------------


def _items_per_point(sample: Sample, level: int) -> dict[str, int]:
    counts = {p.code: 0 for p in sample.points[level]}
    for item in sample.items[level]:
        if item.point is not None and item.point.code in counts:
            counts[item.point.code] += 1
    return counts


def _expected(sample: Sample, defective: bool) -> dict:
    expected: dict = {}
    for level in (4, 3, 2):
        points = sample.points[level]
        items = sample.items[level]
        counts = _items_per_point(sample, level)
        # R2 counts a duplicated code once, with the items of that code.
        distinct = {}
        for p in points:
            distinct.setdefault(p.code, counts[p.code])
        x = sum(1 for p in points if p.importance == "X")
        y = sum(1 for p in points if p.importance == "Y")
        z = sum(1 for p in points if p.importance == "Z")
        subjective = sum(1 for i in items if i.item_type in ("简答", "计算", "论述", "案例分析", "绘图"))
        scope_points = {}
        for p in points:
            scope_points[(p.top, p.scope)] = scope_points.get((p.top, p.scope), 0) + 1
        names = {(t, s): n for t, s, n, _ in SCOPES[level]}
        short_scopes = sorted(names[(t, s)] for (t, s), w in sample.weights[level].items()
                              if scope_points.get((t, s), 0) < 2 * w)
        expected[str(level)] = {
            "points": len(points),
            "items": len(items),
            "points_short_of_items": sorted(c for c, n in distinct.items() if n < 5),
            "fewest_items_per_point": min(distinct.values()),
            "importance": {"X": x, "Y": y, "Z": z},
            "subjective_items": subjective,
            "scopes_short_of_points": short_scopes,
            "latest_revision": max(i.revised for i in items).isoformat(),
            "oldest_revision": min(i.revised for i in items).isoformat(),
        }
    return expected


def manifest(sample: Sample, defective: bool, rejected: list[dict], files: dict[str, str]) -> dict:
    """The known answers of a sample, for the tests and for anyone trying the tool."""
    expected = _expected(sample, defective)
    status = {
        "R1": {}, "R2": {}, "R3": {}, "R4": {}, "R7": {}, "R8": {}, "R9": {}, "R10": {}, "R13": {}, "R14": {},
        "R11": {}, "R12": {}, "R17": {}, "R19": {}, "R20": {},
    }
    for level in (4, 3, 2):
        e = expected[str(level)]
        key = str(level)
        total_points = e["points"]
        status["R1"][key] = "pass" if total_points >= 200 else "fail"
        status["R2"][key] = "pass" if not e["points_short_of_items"] else "fail"
        status["R3"][key] = "pass" if e["items"] >= 1000 else "fail"
        status["R4"][key] = "pass" if e["importance"]["X"] / total_points >= 0.85 else "fail"
        shares = {k: v / total_points for k, v in e["importance"].items()}
        status["R19"][key] = "pass" if shares["X"] >= 0.80 and shares["Y"] <= 0.15 and shares["Z"] <= 0.05 else "warn"
        status["R20"][key] = "pass" if not e["scopes_short_of_points"] else "warn"
        if level <= 2:
            status["R10"][key] = "pass" if e["subjective_items"] > 0 else "fail"
        planted = sample.planted.get(level, {})
        status["R7"][key] = "fail" if planted.get("R7") else "pass"
        status["R8"][key] = "fail" if any(k.startswith("R8") for k in planted) else "pass"
        status["R9"][key] = "fail" if defective and level == 4 else "pass"
        status["R13"][key] = "fail" if planted.get("R13") else "pass"
        latest = dt.date.fromisoformat(e["latest_revision"])
        oldest = dt.date.fromisoformat(e["oldest_revision"])
        months = (AS_OF.year - latest.year) * 12 + AS_OF.month - latest.month - (AS_OF.day < latest.day)
        status["R14"][key] = "fail" if months > 12 or oldest < dt.date(2021, 11, 1) else "pass"
        status["R17"][key] = "fail" if planted.get("R17_nameless") else "pass"
        status["R11"][key] = ("fail" if planted.get("R11_pairs") else
                              "warn" if planted.get("R11_lookalike") or planted.get("R11_hint") else "pass")
        status["R12"][key] = "warn" if planted.get("R12_flagged") else "pass"
    paper_plants = sample.planted.get("papers", {})
    for level in (4, 3, 2):
        key = str(level)
        if not defective:
            for rule_id in ("R5", "R6", "R15", "R16", "R22"):
                status.setdefault(rule_id, {})[key] = "pass"
            continue
        status.setdefault("R5", {})[key] = "fail" if level == 4 else "pass"
        status.setdefault("R6", {})[key] = "fail" if level == 4 or key in paper_plants.get("capacity_short", {}) else "pass"
        # The length against the duration (R15) and the difficulty spread (R16) are judged by the tool's own numbers
        # (the text says only 「与考核时长相匹配」「难度等值」): not met, they are 提示 (warn), not failures.
        status.setdefault("R15", {})[key] = "warn" if level == 4 else "pass"
        status.setdefault("R16", {})[key] = "warn" if level == 4 else "na" if level == 2 else "pass"
        status.setdefault("R22", {})[key] = "fail" if level == 4 else "pass"  # a header without institution, duration
    if sample.planted.get("across"):
        status["R11"]["bank"] = "warn"  # pairs across levels: one finding for the whole bank
    return {
        "description": ("符合全部数量规则的焊工题库（四级、三级、二级）。" if not defective else
                        "植入了已知缺陷的焊工题库，每个缺陷都列在 planted 中。"),
        "occupation": OCCUPATION,
        "as_of": AS_OF.isoformat(),
        "profile": "national-2024",
        "files": files,
        "levels": [4, 3, 2],
        "status": status,
        "expected": expected,
        "planted": {str(k): v for k, v in sample.planted.items()},
        "import": {"bank_rejected": rejected},
    }


def generate(folder: Path) -> dict[str, dict]:
    """Write both samples under ``folder`` and return their manifests."""
    rng = random.Random(SEED)
    compliant = build_compliant(rng)
    defective = build_defective(random.Random(SEED + 1), compliant)
    plan = paper_plan(compliant)
    manifests = {}
    files = {"bank": "bank.xlsx", "blueprint": "blueprint.xlsx", "standard": "standard.xlsx"}
    for name, sample, is_defective in (("compliant", compliant, False), ("defective", defective, True)):
        target = folder / name
        target.mkdir(parents=True, exist_ok=True)
        if is_defective:
            rejected = write_defective_bank(sample, target / "bank.xlsx")
            write_defective_blueprint(sample, target / "blueprint.xlsx")
        else:
            rejected = []
            write_compliant_bank(sample, target / "bank.xlsx")
            write_compliant_blueprint(sample, target / "blueprint.xlsx")
        write_standard(target / "standard.xlsx")
        write_plan(target / "plan.xlsx", plan)
        papers, paper_plants = build_papers(random.Random(SEED + 2), sample, plan, is_defective)
        word = [] if is_defective else [papers.pop(3)]  # the fourth 四级 paper comes as a Word document
        extra = {"HG4-26-01": paper_plants.get("not_in_bank", []), "HG4-26-02": paper_plants.get("not_in_bank", [])}
        write_paper_list(target / "papers.xlsx", papers, extra if is_defective else {})
        for paper in word:
            write_word_paper(target / f"{paper.paper_id}.docx", paper)
        sample.planted["papers"] = paper_plants
        files_here = {**files, "plan": "plan.xlsx", "papers": ["papers.xlsx", *[f"{p.paper_id}.docx" for p in word]]}
        manifests[name] = manifest(sample, is_defective, rejected, files_here)
        manifests[name]["papers"] = [{"paper_id": p.paper_id, "level": p.level, "items": len(p.items)
                                      + len(extra.get(p.paper_id, []) if is_defective else []),
                                      "duration": p.duration, "word": p in word} for p in papers + word]
        (target / "manifest.json").write_text(
            json.dumps(manifests[name], ensure_ascii=False, indent=1, sort_keys=False) + "\n", encoding="utf-8"
        )
    return manifests


if __name__ == "__main__":
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent
    generate(out)
    print(f"written to {out}")
