"""Follow-up questions: complete an elliptic question from the one before it.

Deterministic rules over the text (no model), applied before retrieval:

1. "厦门呢?", "那太原的呢?" (a place and nothing else): the previous question with its
   place replaced (or the place put in front when it named none).
2. "牵头部门是谁?", "那责任单位有哪些?" (an aspect, no place, no topic of its own): the
   previous question's subject (what it asked about, without its question part) + the
   new question.
3. "新型科研机构呢?", "东莞全市受监房屋建筑呢?" (a new item, ending in 呢): the
   previous question with its item replaced: the place (new or inherited) + the new
   item + the previous question's attribute (the words after its last 的) and question
   part (要达到多少家, 是几年 …).
4. "要是过期了还没检，电梯还能接着用吗?", "逾期不交的话罚多少?", "到哪一年?", "负责的是
   哪个部门?", "要是既不召回也不提异议呢?" (a condition on, or more about, what was just
   asked, naming nothing the previous question does not): asked in the previous
   question's frame (the previous question, then this one; the words just asked weigh
   most in choosing the answer).
5. "那单位的主要负责人要罚多少?", "那行业标准属于哪一类?" (opening with 那 / 那么, not
   那些 / 那个): asked in the previous question's frame like rule 4, though it names
   words of its own; the answer holds a word it adds when a close sentence does
   (qa.answer.answer_unit). Added at stop 24 on dev4 (x008, x029).
6. "批下来以后，证书多久能拿到?", "食品加工企业也一样吗?" (pointing back: 以后 / 之后,
   也一样 / 同样; no place of its own): asked in the previous question's frame like rule
   4, though it names words of its own. Added at stop 26 on dev3 (s042) and dev7 (h061).
7. "计量这块具体要建什么?" after "厦门打算怎么夯实四大质量基础?" (its own words, no
   document named): asked of the document the conversation is about, when the latest
   question naming a document named one, or else the previous question was answered
   from one, and that document uses every word asked that any document uses
   (``carried_document``, applied by the assistant). Added at stop 27 on dev13 (i069,
   l039); words no document uses ignored since stop 35 (dev20 w511).
8. "情节严重的还会怎样?", "造成损失的呢?" (a law's condition on the deed just asked about:
   情节严重, 造成…, 逾期…, 拒不…, then only a question part): asked in the previous
   question's frame like rule 4, though the condition is a noun of its own. Added at
   stop 30 on dev17 (h487).
9. "被查到了罚款怎么算?", "要是没去备案就直接做了，会怎么处理?", "平台要是不管也不报告，会受
   什么处罚?" (a sanction asked of the deed just asked about, naming no deed of its own:
   its words besides the previous question's are a penalty's (罚款) or a condition on
   that deed (要是…)): asked in the previous question's frame like rule 4. A penalty
   question alone has nothing to find its article by; the deed is the previous
   question's. Added at stop 37 on dev21's tuning half (a627, a642; a636 is completed
   too, but its previous question is answered from another law, and so is it).
A question that names its own topic and is not elliptic is otherwise left as it is.

Without a question before it, a question of shape 1 (a place and nothing else), of
shape 2 marked as a follow-up (那牵头部门是谁? / 责任单位呢?), or of shape 9 marked as one
(那罚款怎么算? / 那会怎么处理?: a penalty, and no deed), asks nothing yet:
``missing_context`` says so, and the assistant asks for the whole question rather than
answering a guess (厦门呢? alone used to get a random sentence of 厦门's document).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence

from qa.retrieve.places import place_aliases
from qa.retrieve.query import QuestionAnalysis, analyse
from qa.retrieve.topics import tagged_words, topic_terms
from qa.textnorm import detect_script, normalize_question, to_simplified, to_traditional
from qa.types import Document

_LEAD = re.compile(r"^(那么|那|还有|另外|再问一下|再问|请问)[，,、\s]*")
# Words that mark a question as continuing the one before (请问 does not).
_CONTINUES = re.compile(r"^(那么|那|还有|另外)|呢[?？!！。.\s]*$")
_TRAIL = re.compile(r"[?？!！。.\s]+$")
_THEN = re.compile(r"^(那么|那)(?![个些里儿样么])")
_ELLIPTIC_END = re.compile(r"(的情况|的呢|呢|怎么样|如何)$")
# Where the question part of a question starts: an interrogative, with the verbs and
# auxiliaries right before it (要达到多少家, 是几年, 由哪个部门负责).
_ASK = re.compile(
    # 为 of 行为/作为/认为 is not the verb before the question (欺诈行为要怎么赔偿).
    r"(?:(?:要|应|应当|需要|能|可以|将|会|是|(?<![行作认成因])为|由|在|有|达到|提高到|作出|完成)+)?"
    r"(?:多少|多久|多长|多大|多高|几|哪|什么|怎么|怎样|如何|是否|谁|何时|何|吗)"
)
_MAX_ELLIPTIC = 24
# What a question asks of its subject; a follow-up asking another one replaces it.
_ASPECT = re.compile(r"(部门|单位|目标|时间|期限|时限|期|标准|措施|要求|任务|金额|比例|数量|人员)$")
# Words that only point back at what was asked (那阿拉善盟的数字呢?): with a place, the
# follow-up is rule 1's.
_BACK_REFERENCE = re.compile(r"(具体的?)?(数字|数据|数值|情况)")
# Longer than this, a 呢 follow-up describes a new case rather than naming an item.
_LONG_ITEM = 12
# 按规定 / 依照要求: how, not what (never a new noun of a follow-up).
_BY_RULE = re.compile(r"(按|依|照|按照|依照)(规定|要求|标准|约定)")
# A follow-up stating a condition on what was just asked (rule 4), even ending in 呢.
_CONDITION_START = re.compile(r"^(要是|如果|假如|万一|若是)")
# Words pointing back at what the previous question asked (rule 6): "after that",
# "the same". (A demonstrative, 这个保修期, was tried and dropped at stop 25 and again
# at stop 26: the question it opens more often asks something new of the same thing.)
_POINTS_BACK = re.compile(r"以后|之后|也一样|一样吗|同样")
# A follow-up opening with a law's condition on the deed just asked about (情节严重的还会
# 怎样?, 造成损失的呢?, 逾期不改的话罚多少?): the same article's further sanction, though
# 情节严重 is a noun the previous question did not use (rule 8).
_LEGAL_CONDITION = re.compile(
    r"^(?:情节(?:特别)?(?:严重|较重|较轻|轻微|恶劣)|造成|逾期|拒不|屡次|多次|再次)"
    r"[^，,？?。]{0,12}?的(?:话)?"
)
_MAX_ASK_TAIL = 8
# A sanction asked (rule 9): a fine, a penalty, what befalls whoever did it.
_ASKS_SANCTION = re.compile(r"罚|处分|(怎么|怎样|如何|被)处理|后果|什么责任|追究")
# Nouns a sanction question uses of itself, not of a deed (罚款怎么算).
_SANCTION_NOUN = re.compile(r"罚款|罚金|处罚|处分|责任|法律责任|后果|金额")
# A condition anywhere before the question part (平台要是不管…): on the deed just asked.
_CONDITION_ANY = re.compile(r"要是|如果|假如|万一|若是|一旦")


def _strip(question: str) -> str:
    # In simplified script: the documents' places are matched, and a question in one
    # script completes one in the other (廈門呢? after 太原市…?).
    return _TRAIL.sub("", _LEAD.sub("", to_simplified(normalize_question(question))))


def _places(text: str, documents: Sequence[Document]) -> list[str]:
    """Place names of the documents mentioned in ``text``, longest alias first."""
    found: list[tuple[int, str]] = []
    for document in documents:
        for alias in sorted(place_aliases(document.region), key=len, reverse=True):
            at = text.find(alias)
            if alias and at >= 0:
                found.append((at, alias))
                break
    return [alias for _, alias in sorted(found)]


def _places_and_rest(core: str, documents: Sequence[Document]) -> tuple[list[str], str]:
    """The documents' places a question names, and what it says besides them, without
    its elliptic ending (那太原的呢 -> [太原], "")."""
    places = _places(core, documents)
    rest = core
    for place in places:
        rest = rest.replace(place, "", 1)
    rest = _ELLIPTIC_END.sub("", rest.strip("的，, ")).strip("的，, ")
    return places, "" if places and _BACK_REFERENCE.fullmatch(rest) else rest


def _split_ask(question: str) -> tuple[str, str]:
    """(subject, question part) of a question: 厦门森林覆盖率 | 要达到多少."""
    match = _ASK.search(question)
    if match is None or match.start() == 0:
        return question, ""
    return question[: match.start()].rstrip("，,的 "), question[match.start() :]


def _is_clause(subject: str) -> bool:
    """A subject with a verb of its own (经营者提供商品), not a noun phrase (阿拉善盟
    自治区级研发机构) that a new item can replace whole."""
    return any(flag == "v" for word, flag in tagged_words(subject) if len(word) >= 2)


def _ends_in_verb(words: str) -> bool:
    """单位要罚 (of 负有责任的单位要罚多少) is a predicate, not an attribute (覆盖率)."""
    tagged = tagged_words(words)
    return bool(tagged) and tagged[-1][1] == "v"


def _new_nouns(question: str, previous: str) -> list[str]:
    """Topic nouns of ``question`` that ``previous`` does not use."""
    return [
        word
        for word in topic_terms(question, [], nouns_only=True)
        if word not in previous and not _BY_RULE.fullmatch(word)
    ]


def _is_aspect(words: str) -> bool:
    """Words before the question part that name only an aspect (牵头部门, 责任单位)."""
    words = words.strip("的，, ")
    return not words or (len(words) <= 6 and bool(_ASPECT.search(words)))


def _frames(core: str, prior: str, elliptic: bool) -> bool:
    """Whether ``core`` continues the previous question (rule 4): it names nothing the
    previous question does not, and states a condition (要是既不召回也不提异议呢?) or
    asks a whole question of its own (负责的是哪个部门? 到哪一年? 没完成的会怎么处理?
    那要不要登记备案?). An item ending in 呢 (工程质量呢?) is rule 3's."""
    if _new_nouns(core, prior):
        return False
    return not elliptic or bool(_CONDITION_START.search(core))


def _asks_sanction_of(core: str, prior: str) -> bool:
    """Whether ``core`` asks the sanction for the previous question's deed (rule 9): it
    asks a penalty, and names nothing new but a penalty's words, or states a condition."""
    if not _ASKS_SANCTION.search(core):
        return False
    return bool(_CONDITION_ANY.search(core)) or _names_no_deed(core, prior)


def _names_no_deed(core: str, prior: str) -> bool:
    """Its nouns that ``prior`` does not use are a penalty's own (罚款怎么算), if any."""
    return all(_SANCTION_NOUN.fullmatch(word) for word in _new_nouns(core, prior))


def _moved(prior: str, old_places: Sequence[str], new_places: Sequence[str]) -> str:
    """The previous question asked of the follow-up's places instead of its own."""
    if not new_places:
        return prior
    if not old_places:
        return new_places[0] + prior
    for old, new in zip(old_places, new_places, strict=False):
        prior = prior.replace(old, new, 1)
    return prior


def _asks_only(tail: str) -> bool:
    """What follows a condition only asks (还会怎样, 罚多少, 呢), naming nothing of its
    own (，相关负责人会被拘留几天 names who: rule 7 then finds the document)."""
    return len(tail) <= _MAX_ASK_TAIL and not re.search(r"[，,、]", tail)


def last_question(history: Sequence[str]) -> str:
    """The last question of the conversation ("" when there is none)."""
    return next((h for h in reversed(history) if isinstance(h, str) and h.strip()), "")


def resolve_followup(question: str, history: Sequence[str], documents: Sequence[Document]) -> str:
    """The question to retrieve and answer for ``question`` after ``history``, in the
    script the follow-up was asked in."""
    resolved = _resolve(question, history, documents)
    if resolved == question or detect_script(question) != "traditional":
        return resolved
    return to_traditional(resolved)


def _resolve(question: str, history: Sequence[str], documents: Sequence[Document]) -> str:
    previous = last_question(history)
    if not previous:
        return question
    core = _strip(question)
    prior = _strip(previous)
    if not core or len(core) > _MAX_ELLIPTIC:
        return question
    new_places, rest = _places_and_rest(core, documents)
    old_places = _places(prior, documents)
    elliptic = bool(_ELLIPTIC_END.search(core)) or not rest
    subject, ask = _split_ask(prior)
    if new_places and not rest:  # rule 1: another place, same question
        if old_places:
            resolved = prior
            for old, new in zip(old_places, new_places, strict=False):
                resolved = resolved.replace(old, new, 1)
            return resolved + "?"
        return new_places[0] + prior + "?"
    place = "".join(new_places) or "".join(old_places)
    asked = _ASK.search(rest)
    if asked and not new_places and _is_aspect(rest[: asked.start()]):
        # rule 2: a new aspect of the same subject
        # The old aspect (the words after the subject's last 的) gives way to the new one.
        head, _, aspect = subject.rpartition("的")
        topic = head if head and _ASPECT.search(aspect) else subject
        return f"{topic}，{rest}?"
    condition = _LEGAL_CONDITION.match(core)
    if condition and not new_places and _asks_only(core[condition.end() :]):
        return f"{prior}？{core}?"  # rule 8: the law's condition on the deed just asked
    if elliptic and len(rest) > _LONG_ITEM:  # a new case in the previous question's frame
        return f"{_moved(prior, old_places, new_places)}？{core}?"
    if not new_places and _frames(core, prior, elliptic):
        return f"{prior}？{core}?"  # rule 4: a condition on, or more about, what was asked
    if not new_places and _asks_sanction_of(core, prior):
        return f"{prior}？{core}?"  # rule 9: the penalty for the deed just asked about
    if elliptic:  # rule 3: a new item in the same frame
        attribute = subject.rsplit("的", 1)[1] if "的" in subject else ""
        attribute = attribute if 0 < len(attribute) <= 8 and not _ends_in_verb(attribute) else ""
        head = subject.rsplit("的", 1)[0] if attribute else ""
        if attribute and not new_places and _is_aspect(rest):
            # 三包有效期呢? after 家用汽车的包修期是多久: another aspect of the same thing.
            return f"{head}的{rest}{ask or '是什么'}?"
        if attribute and not new_places and len(rest) > 2 and rest[-2:] == attribute[-2:]:
            # 全面推进阶段呢? after 东莞创建示范城市的规划筹备阶段是什么时间: an item of the
            # attribute's own kind (…阶段) takes its place, of the same subject.
            return f"{head}的{rest}{ask or '是什么'}?"
        if attribute and head in old_places and not new_places:
            # 建成区绿化覆盖率呢? after 厦门的森林覆盖率目标是多少: the place stays, the
            # new indicator takes the old one's place, before its aspect (目标).
            old_aspect = _ASPECT.search(attribute)
            tail = old_aspect.group(0) if old_aspect and old_aspect.start() > 0 else ""
            tail = "" if rest.endswith(tail) else tail
            return f"{head}的{rest}{tail}{ask or '是什么'}?"
        if not attribute and _is_clause(subject):
            # 经营者提供商品有欺诈行为: the item (服务) replaces one word of a clause,
            # which one is not known; the previous question frames the new one (moved to
            # the new place: 福建省级的呢? after 厦门的监督抽查合格率目标是多少?).
            return f"{_moved(prior, old_places, new_places)}？{core}?"
        item = rest if not place or rest.startswith(place) else place + rest
        joined = f"{item}的{attribute}" if attribute and attribute not in item else item
        if not attribute:
            # 工程质量呢? after 东莞服务质量目标由哪个部门…: the item takes the old one's
            # place before its aspect (目标), as with 的 above.
            kept = _ASPECT.search(subject)
            if kept and kept.start() > 0 and not joined.endswith(kept.group(0)):
                joined += kept.group(0)
        return f"{joined}{ask or '是什么'}?"
    if _POINTS_BACK.search(core) and not new_places:
        # 过了这个年限… / 批下来以后… / 食品加工企业也一样吗?: it points at what was just
        # asked, though it names words of its own (rule 6, rule 4's frame).
        return f"{prior}？{core}?"
    if _THEN.match(to_simplified(normalize_question(question))) and not new_places:
        # 那单位的主要负责人要罚多少? / 那要不要去哪里登记备个案?: 那 says the question
        # goes on from the last one, though it names words of its own (rule 4's frame).
        return f"{prior}？{core}?"
    return question


def missing_context(question: str, documents: Sequence[Document]) -> str:
    """Why ``question``, asked with no question before it, cannot be answered: it only
    continues a previous question (厦门呢?, 那牵头部门是谁?). "" when it stands alone."""
    core = _strip(question)
    if not core or len(core) > _MAX_ELLIPTIC:
        return ""
    places, rest = _places_and_rest(core, documents)
    asked = _ASK.search(rest)
    asked_text = normalize_question(question)
    only_place = bool(places) and not rest
    only_aspect = (
        not places
        and asked is not None
        and bool(rest[: asked.start()].strip("的，, "))
        and _is_aspect(rest[: asked.start()])
        and bool(_CONTINUES.search(asked_text))
    )
    # 那罚款怎么算?: a penalty for no deed named (rule 9's shape, marked as a follow-up).
    only_sanction = (
        not places
        and bool(_CONTINUES.search(asked_text))
        and bool(_ASKS_SANCTION.search(rest))
        and _names_no_deed(rest, "")
    )
    if only_sanction:
        example = "经营者不明码标价会被罚多少?"
        if detect_script(question) == "traditional":
            example = to_traditional(example)
        return (
            f"“{asked_text}”问的是处罚，但没有说是什么行为，对话中也没有上一个问题。"
            f"请把行为说出来，例如：{example}"
        )
    if not only_place and not only_aspect:
        return ""
    example = f"{places[0]}的森林覆盖率目标是多少?" if places else f"质量强市工作的{rest}?"
    if detect_script(question) == "traditional":
        example = to_traditional(example)
    asked_text = normalize_question(question)
    if only_place:
        return (
            f"“{asked_text}”只说了地区，没有说要问什么，对话中也没有上一个问题可以接着问。"
            f"请把问题问完整，例如：{example}"
        )
    return (
        f"“{asked_text}”接着上一个问题，但对话中没有上一个问题。"
        f"请说明问的是哪项工作，例如：{example}"
    )


def carried_document(
    asked: QuestionAnalysis,
    history: Sequence[str],
    documents: Sequence[Document],
    document_forms: Mapping[str, str],
    answered_from: Callable[[], str] | None = None,
    *,
    corpus_form: str,
) -> str:
    """The document a follow-up naming none is asked of: the one the latest earlier
    question naming a document named, when it named exactly one, else the one the
    previous question was answered from (``answered_from``, called only then), when
    every word the follow-up asks about that some document uses is in it ("" otherwise).

    计量这块具体要建什么? after 厦门打算怎么夯实四大质量基础? asks 厦门's document, which
    writes 计量; 食品安全事故怎么报告? after a question on 产品质量法 asks another, which the
    words it asks about tell (食品安全事故 is not in 产品质量法).
    """
    if asked.doc_ids or asked.unknown_places or asked.unknown_documents or asked.across_documents:
        return ""
    earlier = (analyse(h, documents) for h in reversed(history[-5:]) if isinstance(h, str))
    named = next((a.doc_ids for a in earlier if a.doc_ids or a.unknown_places), ())
    if not named and answered_from is not None:
        named = tuple(d for d in (answered_from(),) if d)
    if len(named) != 1:
        return ""
    form = document_forms.get(named[0], "")
    if not form:
        return ""
    words = [t for t in asked.topic_nouns or asked.topic_terms if len(t) >= 2]
    lacking = [t for t in words if not any(a in form for a in asked.alternatives(t))]
    # Every word, not most: a word the document lacks more often marks another topic
    # than another wording (half the words carried no answer further on the splits).
    # But a word no document uses (证能, the tagger's cut of 批下来的证能用几年) marks no
    # other document's topic: it cannot say the conversation moved. (``corpus_form``, all
    # documents' text, is read only for the words the document lacks.)
    if any(a in corpus_form for t in lacking for a in asked.alternatives(t)):
        return ""
    return named[0]
