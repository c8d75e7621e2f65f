"""Synthetic Chinese items at scale, with planted near-duplicate pairs, for the benchmarks.

Items are built from templates and vocabularies of a welding bank, as real banks are: many honest
items share a template (the look-alikes the issue warns about). Each stem asks for one kind of option
(statements, actions, defects or values), as a real item does. A fraction of items get a planted
partner made by one edit the issue names: a character changed, two clauses swapped, the options
shuffled, or a number changed.

    items, pairs = generate(100_000, seed=1)
"""

from __future__ import annotations

import random
from dataclasses import dataclass

SUBJECTS = [
    "焊条", "焊丝", "焊剂", "保护气体", "氩气", "二氧化碳气体", "钨极", "焊接电流", "电弧电压", "焊接速度", "预热温度",
    "层间温度", "后热温度", "焊后热处理", "坡口角度", "钝边尺寸", "根部间隙", "焊缝余高", "熔深", "熔宽", "热影响区",
    "焊接线能量", "焊接变形", "残余应力", "焊接裂纹", "气孔", "夹渣", "未熔合", "未焊透", "咬边", "焊瘤", "弧坑",
    "低碳钢", "低合金高强钢", "奥氏体不锈钢", "铝合金", "铜合金", "耐热钢", "低温钢", "铸铁", "焊接工艺评定",
    "焊接工艺规程", "射线检测", "超声检测", "磁粉检测", "渗透检测", "外观检验", "拉伸试验", "弯曲试验", "冲击试验",
    "焊工资格", "劳动防护", "触电防护", "焊接烟尘", "弧光辐射", "火灾预防", "气瓶管理", "焊机接地", "焊钳", "焊枪",
    "送丝机构", "喷嘴", "导电嘴", "气体流量计", "减压器", "焊接变位机", "焊接机器人", "埋弧焊机", "等离子切割",
    "碳弧气刨", "火焰切割", "电渣焊", "摩擦焊", "激光焊", "电子束焊", "钎焊", "堆焊", "补焊", "定位焊", "打底焊",
    "填充焊", "盖面焊", "立向上焊", "立向下焊", "仰焊", "横焊", "平焊", "管板焊接", "管道对接", "T形接头", "角接头",
    "搭接接头", "对接接头", "焊接符号", "焊缝代号", "装配图", "技术要求", "质量记录", "返修工艺", "无损检测比例",
]
MATERIALS = ["Q235B", "Q355B", "Q345R", "20G", "16MnDR", "06Cr19Ni10", "022Cr17Ni12Mo2", "5083铝合金", "6061铝合金",
             "T2紫铜", "H62黄铜", "12Cr1MoV", "15CrMo", "HT200", "QT450", "09MnNiDR", "Q460C", "S30408"]
PROCESSES = ["焊条电弧焊", "CO2气体保护焊", "钨极氩弧焊", "埋弧焊", "熔化极混合气体保护焊", "药芯焊丝电弧焊",
             "等离子弧焊", "气焊"]
UNITS = [("℃", 50, 650, 25), ("mm", 1, 40, 1), ("A", 60, 400, 10), ("V", 16, 40, 1), ("L/min", 8, 30, 1),
         ("cm/min", 10, 60, 2), ("h", 1, 8, 1)]
# Each stem template with the kind of options it asks for: statements, actions, defects or values.
STEM_TEMPLATES = [
    ("关于{s}，下列说法中正确的是（　　）。", "statements"),
    ("{c}，{s}应当（　　）。", "actions"),
    ("{c}，{s}处理不当最容易产生的焊接缺陷是（　　）。", "defects"),
    ("采用{p}焊接厚度为{t}mm的{m}时，{s}一般为（　　）。", "values"),
    ("{p}焊接{m}时，{s}的{v}原则是（　　）。", "statements"),
    ("下列关于{s}与{s2}关系的叙述，正确的是（　　）。", "statements"),
    ("{c}，为保证{s}符合要求，首先应（　　）。", "actions"),
    ("按照工艺文件要求，{m}构件焊接时{s}应{v}为（　　）。", "values"),
    ("{s}的主要作用是（　　）。", "statements"),
    ("{c}采用{p}，{s}{v}不当会导致（　　）。", "defects"),
]
DEFECTS = ["气孔", "夹渣", "未焊透", "未熔合", "咬边", "焊瘤", "热裂纹", "冷裂纹", "再热裂纹", "层状撕裂", "烧穿", "弧坑",
           "焊缝尺寸偏差", "变形超标", "飞溅过大", "成形不良", "根部凹陷", "弧坑裂纹"]
JUDGE_TEMPLATES = [
    "{c}，{s}{clause}。（　　）",
    "采用{p}焊接{m}时，{s}{clause}。（　　）",
    "{s}{clause}，这一要求同样适用于{s2}。（　　）",
    "对于{m}，{s}{clause}。（　　）",
]


@dataclass
class SyntheticItem:
    item_id: str
    stem: str
    options: list[str]
    answer: str
    item_type: str


PHASES = ["焊前", "施焊过程中", "焊后", "装配时", "定位焊时", "返修时", "检验时", "交接班时", "首件生产时", "工艺评定时"]
CONDITIONS = ["在低温环境下", "焊接中厚板", "进行对接接头焊接", "在现场安装", "焊接重要承压结构", "采用多层多道焊",
              "焊接薄板", "在狭小空间内作业", "进行管道全位置焊接", "批量生产", "焊接淬硬倾向较大的钢材",
              "在潮湿环境中施焊", "进行高空作业", "焊接异种钢", "在风速较大的场地施焊", "焊接厚壁容器", "采用自动焊",
              "进行仰焊操作", "焊接不锈钢复合板", "修复在役设备"]
MODALS = ["应", "必须", "需要", "一般应", "原则上应", "可以", "不得", "严禁"]
ACTIONS = ["控制", "检查", "记录", "调整", "确认", "测量", "评定", "清理", "校核", "复验", "标注", "保存", "核对", "监测",
           "计算", "修磨", "打磨", "烘干", "预热", "封存", "抽检", "比对", "登记", "上报"]
PARTS = ["坡口", "焊缝", "母材", "焊材", "焊件", "接头", "焊道", "熔池", "热影响区", "焊剂", "焊丝", "钨极", "气瓶",
         "焊机", "电缆", "夹具", "衬垫", "引弧板", "垫板", "管口"]
ATTRIBUTES = ["尺寸", "温度", "清洁度", "化学成分", "硬度", "间隙", "角度", "长度", "宽度", "压力", "纯度", "湿度",
              "接地电阻", "批号", "标识", "表面状态", "错边量", "余高", "变形量", "含氢量"]
OBJECTS = [p + a for p in PARTS for a in ATTRIBUTES]
REQUIREMENTS = ["并符合工艺文件", "且记录备查", "后方可继续施焊", "并经检验员签字", "以防止产生裂纹", "以保证熔合良好",
                "并做好标识", "不超过规定值", "必须逐项进行", "按批次抽查", "在规定时限内完成", "并与图样核对",
                "并报技术负责人批准", "确保满足设计要求", "以减少焊接变形", "防止产生气孔", "保证焊缝成形美观",
                "符合国家标准规定", "并留存影像资料", "按检验计划执行", "直至合格为止", "并通知下道工序",
                "以避免返工", "并核对材质证明", "每班至少一次", "在焊前完成", "由专人负责", "不得遗漏",
                "以满足力学性能要求", "并填写交接记录", "避免产生夹渣", "保证根部焊透", "控制在允许偏差内",
                "并进行复核", "防止咬边", "以降低残余应力", "确保安全可靠", "并经监理确认", "以控制热输入",
                "按规范要求执行"]


def clause(rng: random.Random) -> str:
    """A requirement phrase built from parts: many distinct phrases, as real banks have."""
    return f"{rng.choice(MODALS)}{rng.choice(ACTIONS)}{rng.choice(OBJECTS)}{rng.choice(REQUIREMENTS)}"


def subject(rng: random.Random) -> str:
    """A subject term, sometimes qualified by a material or process."""
    base = rng.choice(SUBJECTS)
    roll = rng.random()
    if roll < 0.3:
        return f"{rng.choice(MATERIALS)}的{base}"
    if roll < 0.5:
        return f"{rng.choice(PROCESSES)}的{base}"
    return base


def context(rng: random.Random) -> str:
    """When and where: a phase and a condition."""
    return f"{rng.choice(PHASES)}{rng.choice(CONDITIONS)}"


def _number(rng: random.Random) -> str:
    unit, low, high, step = rng.choice(UNITS)
    return f"{rng.randrange(low, high + 1, step)}{unit}"


def _options(rng: random.Random, subject_text: str, kind: str) -> tuple[list[str], str]:
    if kind == "values":
        unit, low, high, step = rng.choice(UNITS)
        values: set[int] = set()
        while len(values) < 4:
            values.add(rng.randrange(low, high + 1, step))
        options = [f"{v}{unit}" for v in sorted(values)]
    elif kind == "statements":
        options = [subject_text + clause(rng) for _ in range(4)]
    elif kind == "defects":
        options = rng.sample(DEFECTS, 4)
    else:
        options = [f"{rng.choice(ACTIONS)}{rng.choice(OBJECTS)}{rng.choice(REQUIREMENTS)}" for _ in range(4)]
    if len(set(options)) < 4:
        options = [f"{o}（{n}）" for n, o in enumerate(options, start=1)]
    rng.shuffle(options)
    return options, "ABCD"[rng.randrange(4)]


def _fill(template: str, rng: random.Random, subject_text: str) -> str:
    return template.format(
        s=subject_text, s2=subject(rng), c=context(rng), p=rng.choice(PROCESSES), m=rng.choice(MATERIALS),
        t=rng.choice([3, 4, 5, 6, 8, 10, 12, 14, 16, 20, 25, 30]), v=rng.choice(ACTIONS), clause=clause(rng),
    )


def make_item(rng: random.Random, item_id: str) -> SyntheticItem:
    """One honest item from the templates."""
    subject_text = subject(rng)
    if rng.random() < 0.3:
        stem = _fill(rng.choice(JUDGE_TEMPLATES), rng, subject_text)
        return SyntheticItem(item_id, stem, [], rng.choice("√×"), "判断")
    template, kind = rng.choice(STEM_TEMPLATES)
    stem = _fill(template, rng, subject_text)
    options, answer = _options(rng, subject_text, kind)
    return SyntheticItem(item_id, stem, options, answer, "单选")


_SWAP_CHARS = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严"


def plant(rng: random.Random, original: SyntheticItem, item_id: str) -> tuple[SyntheticItem, str]:
    """A near-duplicate of ``original`` made by one of the edits the issue names."""
    kind = rng.choice(["char", "clauses", "shuffle", "number"])
    stem, options = original.stem, list(original.options)
    if kind == "clauses" and "，" in stem.partition("（")[0]:
        body, _, tail = stem.partition("（")
        parts = body.rstrip("。").split("，")
        if len(parts) >= 2:
            parts[0], parts[1] = parts[1], parts[0]
            stem = "，".join(parts) + ("。" if body.endswith("。") else "") + ("（" + tail if tail else "")
        else:
            kind = "char"
    elif kind == "shuffle" and len(options) > 1:
        while options == original.options:
            rng.shuffle(options)
    elif kind == "number" and any(ch.isdigit() for ch in stem + "".join(options)):
        target = rng.choice([i for i, o in enumerate([stem, *options]) if any(ch.isdigit() for ch in o)])
        text = [stem, *options][target]
        digits = [i for i, ch in enumerate(text) if ch.isdigit()]
        i = rng.choice(digits)
        text = text[:i] + str((int(text[i]) + rng.randrange(1, 9)) % 10) + text[i + 1:]
        if target == 0:
            stem = text
        else:
            options[target - 1] = text
    else:
        kind = "char"
    if kind == "char":
        positions = [i for i, ch in enumerate(stem) if "\u4e00" <= ch <= "\u9fff"]
        i = rng.choice(positions)
        stem = stem[:i] + rng.choice(_SWAP_CHARS) + stem[i + 1:]
    return SyntheticItem(item_id, stem, options, original.answer, original.item_type), kind


def generate(count: int, seed: int = 1, planted_share: float = 0.02) -> tuple[list[SyntheticItem], list[tuple[str, str, str]]]:
    """``count`` items of which ``planted_share`` are planted partners; returns items and (original, copy, kind)."""
    rng = random.Random(seed)
    items: list[SyntheticItem] = []
    pairs: list[tuple[str, str, str]] = []
    planted = int(count * planted_share)
    for n in range(count - planted):
        items.append(make_item(rng, f"S{n:07d}"))
    for n in range(planted):
        original = items[rng.randrange(count - planted)]
        copy, kind = plant(rng, original, f"P{n:07d}")
        items.append(copy)
        pairs.append((original.item_id, copy.item_id, kind))
    order = list(range(len(items)))
    rng.shuffle(order)
    return [items[i] for i in order], pairs
