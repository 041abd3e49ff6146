"""Answer evidence: every sentence of the passages scored against the question.

Pure functions over passages, figures and the question analysis. Evidence is always
the documents' own words: whole sentences, or for very long sentences the run of
clauses that carries the answer. Which of them an answer shows, and joined with what,
is qa.answer.answer_unit's.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from itertools import pairwise

from qa.answer.evidence_weights import EVIDENCE_WEIGHTS, SIMILARITY, weighted
from qa.retrieve.definitions import ARTICLE_LABEL, defines, definition_subject
from qa.retrieve.query import QuestionAnalysis
from qa.retrieve.rule_items import rule_intro_of
from qa.textnorm import search_form, split_sentences
from qa.types import Chunk, CitedFigure, Figure, Passage

MAX_SENTENCE_CHARS = 150
CLAUSE_END = re.compile(r"[，,：:]")
_LIST_COMMA = re.compile(r"、")
_NUMBER = re.compile(r"\d")
# Above the length penalty of any window (0.001 a character), below any question word.
FIGURE_WINDOW_BONUS = 0.5
# In search form (simplified, NFKC). A sentence naming who leads or answers for a task.
DEPARTMENT_CUE = re.compile(
    r"牵头|负责(?!人)|责任单位|主管|会同|设在|配合落实|监督管理工作|职责"
    # A law names the body one reports, applies or complains to (向所在地县级人民政府
    # 卫生行政部门报告). Not 由…部门: nearly every penalty says who imposes it.
    r"|向[^，,。；;]{2,30}(?:部门|机构|机关)(?:报告|申请|备案|投诉|举报|提出|提交)"
    # … or whose approval is needed (应当经国家出入境检验检疫部门注册, 经…部门审查批准).
    # (经 of 经营者 / 经济 / 经常 is no 经…批准: 经营者擅自改变…部门核准的经营范围.)
    r"|经(?!营|济|常)[^，,。；;]{2,30}(?:部门|机构|机关)(?:审查|批准|注册|审核|核准|许可|认定|同意)"
    # … or the body that supervises (县级以上地方人民政府市场监督管理部门依照本法…，对农产品
    # 进入批发、零售市场…进行监督检查): a law says who is in charge by giving it the duty.
    r"|(?:部门|机构|机关)[^。；;]{0,80}(?:监督检查|监督管理)"
)
# A sentence that defines or enumerates (什么是X / X包括哪些).
DEFINITION_CUE = re.compile(r"是指|所称|指的是|包括|分为|统称|含义|范围")
# What answers "may I / must they": a permission, a prohibition, an obligation, and the
# release from one (要不要办证: 仅销售预包装食品的，不需要取得许可).
RULE_CUE = re.compile(
    r"不得|禁止|应当|可以|不适用|适用|有权|无权|必须|不能|不准|免于|免予|不需要|无需|无须|不必"
)
# The cover line of a 公文 names the document it issues; it answers nothing itself,
# except a 文号 question when it states the document number.
_COVER_LINE = re.compile(
    # Its document number may open the line (并政办发〔2014〕50号《…关于印发…的通知》).
    r"(?:[^〔\[]{0,12}[〔\[]\d{4}[〕\]]\d+号)?"
    r"[^〔\[]{0,30}关于(?:印发|转发|下发|发布)[^〔\[]{2,120}的?(?:通知|决定)》?"
)
# The salutation of a 公文 (主送机关: 各县(市、区)人民政府,各开发区管委会,…:) names
# whom it is sent to; it answers nothing.
_SALUTATION = re.compile(r"各[^。；;]{2,120}[:：]")
# The transmittal sentence of a 印发 notice (《…》已经市人民政府同意，现印发给你们，请认真贯彻执行):
# it names the document it sends and answers no question of the document's content.
_TRANSMITTAL = re.compile(
    r"(?:[^。]{0,80}(?:已经|业经|已|经)[^。]{0,20}同意[,，]?现|现将[^。]{2,80})"
    r"(?:印发|转发|下发|发)给你们[^。]{0,40}。?"
)
# What would make the transmittal sentence the answer: who approved or sent the document.
_ASKS_ISSUANCE = re.compile(r"同意|批准|印发|转发|下发|发给|谁发|执行")
# A law article's label opening its text (第十七条 ).

# The weight of the words just asked in a follow-up completed from the conversation
# (v2 dev strict 0.837 -> 0.843, eval/qa.jsonl unchanged: it has no follow-ups).
FOLLOWUP_FOCUS = 2.0
# A sentence imposing a penalty (违反本法规定…处…罚款): it answers what befalls whoever
# breaks a rule, not what the rule is, though it repeats the rule's words. Narrower than
# qa.answer.stated.PENALTY_STATED, whose 责令, 公示, 通报, 撤销 also occur in duties.
PENALTY_IMPOSED = re.compile(
    r"违反本(?:法|条例|规定|办法|细则)|罚款|罚金|吊销|没收违法所得|追究刑事责任"
)
# Wider than the question analysis's asks_penalty on purpose: a question merely touching
# consequences (承担什么责任, 情节严重的…拘留几天, 怎么处理) keeps penalty sentences unpenalised.
_ASKS_CONSEQUENCE = re.compile(r"罚|处理|处分|后果|责任|吊销|没收|拘留|情节|违反|违法|会怎|制裁|惩")
# An item of a list opening its sentence: （十一）…
_ITEM_START = re.compile(r"^\s*[（(][一二三四五六七八九十\d]{1,3}[）)]")
DOC_NUMBER = re.compile(r"〔\d{4}〕\d+号|\[\d{4}\]\d+号")


@dataclass(frozen=True)
class Evidence:
    """One candidate answer sentence with the facts used to score it."""

    passage_rank: int
    doc_id: str
    span: tuple[int, int]  # in the document
    text: str
    score: float
    features: tuple[float, ...] = ()  # aligned with evidence_weights.FEATURES


def asked_words(analysis: QuestionAnalysis) -> tuple[str, ...]:
    """The question's words that say what it asks about. 包括/分为/是指 in a definition
    question say how it asks: the cue bonus rewards them, the subject decides
    (国家标准分为… is not 标准包括…). All words when nothing else is left."""
    if not analysis.asks_definition:
        return analysis.content_tokens
    kept = tuple(t for t in analysis.content_tokens if not DEFINITION_CUE.fullmatch(t))
    return kept or analysis.content_tokens


# A negation and the verb it negates: 没委托, 未经登记, 不用赔 (an auxiliary after the
# negation is skipped), but not the A不A of a yes/no question (能不能, 有没有).
_NEGATED = re.compile(r"(?:没有|没|未经|未|不用|不必|不需要|不需|不|无须|无需)([\u4e00-\u9fff])")
_A_NOT_A = re.compile(r"([\u4e00-\u9fff])(?:不|没)\1")
# What may not be done, asked (哪些药不能交给别的药厂代工生产?) and stated (…不得委托生产):
# the rule's own verb is seldom the asker's, its prohibition is. Not 不能 in a sentence,
# which as often says what cannot happen (仍不能正常使用); nor 不准的 (不准的量具: not
# accurate).
_PROHIBITION_ASKED = re.compile(r"不(?:能|可以|得|许|允许)|不准(?![的确])|禁止")
_PROHIBITION_STATED = re.compile(r"不得|禁止|严禁|不准|不允许")
_MAY_ONE = re.compile(r"能不能|可不可以|能否|可否|允不允许|允许|(?:能|可以)[^?？，,]{0,20}吗")
_ASKS_HOW = re.compile(r"怎么|怎样|如何|什么")


def negated_verbs(question_form: str) -> tuple[str, ...]:
    """The first character of each verb the question negates (没委托 → 委)."""
    form = _A_NOT_A.sub("", question_form)
    return tuple(dict.fromkeys(m.group(1) for m in _NEGATED.finditer(form)))


def negates(form: str, verbs: Sequence[str]) -> bool:
    """The sentence negates one of ``verbs`` too (未委托的, 不承担赔偿责任, 未经登记)."""
    return any(
        re.search(rf"(?:未经|未|没有|没|不|无|非)[\u4e00-\u9fff]{{0,3}}{re.escape(v)}", form)
        for v in verbs
    )


def _holds(form: str, words: Sequence[str]) -> bool:
    return any(w in form for w in words)


def _bigrams(form: str) -> set[str]:
    return {form[i : i + 2] for i in range(len(form) - 1)}


def clause_window(
    text: str,
    weights: Mapping[str, float],
    limit: int = MAX_SENTENCE_CHARS,
    wants_figure: bool = False,
) -> tuple[int, int]:
    """The best run of clauses (offsets in ``text``) of at most ``limit`` characters.
    With ``wants_figure``, of the runs holding the same question words, one stating a
    number (提升空气质量… 达标率达到65%以上, not 提升空气质量 alone)."""
    if len(text) <= limit:
        return 0, len(text)
    bounds = sorted({0, *(m.end() for m in CLAUSE_END.finditer(text)), len(text)})
    # 、 joins the items of one list (质量强市、质量强镇、…四层工作格局): a window starts or
    # ends there only inside a clause too long to show whole.
    items = [m.end() for m in _LIST_COMMA.finditer(text)]
    bounds = sorted(
        {
            *bounds,
            *(at for a, b in pairwise(bounds) if b - a > limit for at in items if a < at < b),
        }
    )
    best, best_score = (0, min(limit, len(text))), -1.0
    for i in range(len(bounds) - 1):
        for j in range(i + 1, len(bounds)):
            if bounds[j] - bounds[i] > limit:
                break
            form = search_form(text[bounds[i] : bounds[j]])
            score = sum(w for t, w in weights.items() if t in form) - 0.001 * (
                bounds[j] - bounds[i]
            )
            if wants_figure and _NUMBER.search(form):
                score += FIGURE_WINDOW_BONUS
            if score > best_score:
                best, best_score = (bounds[i], bounds[j]), score
    start, end = best
    # A window that stops inside a sentence ends at its clause, not on a dangling comma.
    while end > start and text[end - 1] in "，,、：:":
        end -= 1
    return start, end


def in_article(chunk: Chunk) -> bool:
    """The passage is a law article or one of its items (第十七条 in its section numbers)."""
    return any(ARTICLE_LABEL.match(number) for number in chunk.section_numbers)


def is_heading(sentence_form: str, chunk: Chunk, start: int) -> bool:
    """The sentence is the section's own heading line (e.g. `(八)落实企业主体责任。`)."""
    if start != chunk.span[0] or not chunk.section_path:
        return False
    label = search_form(chunk.section_path[-1]).rstrip("。.")
    form = sentence_form.rstrip("。.;；:：")
    return bool(form) and (
        form == label
        or label.startswith(form)
        or (form.startswith(label) and len(form) <= len(label) + 2)
    )


def is_preamble_line(sentence_form: str, title_form: str, question_form: str = "") -> bool:
    """A 公文's cover line, salutation, title line or transmittal sentence: it names the
    document or whom it is sent to, and answers nothing (but a 文号 question, when it
    states the number, and a question of who approved or sent it, the transmittal)."""
    return bool(
        _COVER_LINE.fullmatch(sentence_form)
        or _SALUTATION.fullmatch(sentence_form)
        or sentence_form.rstrip("。") == title_form
        or (
            _TRANSMITTAL.fullmatch(sentence_form) is not None
            and not _ASKS_ISSUANCE.search(question_form)
        )
    )


def score_evidence(
    analysis: QuestionAnalysis,
    passages: Sequence[Passage],
    figures_by_rank: Mapping[int, Sequence[Figure]],
    idf: Mapping[str, float],
    evidence_weights: Mapping[str, float] = EVIDENCE_WEIGHTS,
) -> list[Evidence]:
    """All sentences of the passages, scored against the question, best first.

    A sentence scores for the question words it holds, and less for those only its
    passage or heading holds (the year of a target is often stated once, a sentence
    earlier). Headings alone never answer; what the question asks for (a figure, a
    department, a document number) favours sentences that state one.
    """

    # In a completed follow-up the words just asked say which sentence answers; the
    # conversation's words only frame it.
    def focus(t: str) -> float:
        return FOLLOWUP_FOCUS if t in analysis.asked_tokens else 1.0

    # An everyday word (商家) weighs as the documents' term for it (经营者) would, and a
    # sentence holding that term holds the word.
    alternatives = {t: analysis.alternatives(t) for t in asked_words(analysis)}
    weights = {
        t: max(max(idf.get(a, 0.0), 0.05) * len(a) for a in alternatives[t]) * focus(t)
        for t in alternatives
    }
    topic_weights = {t: len(t) * focus(t) for t in analysis.topic_terms}
    total = sum(weights.values()) or 1.0
    topic_total = sum(topic_weights.values()) or 1.0
    q_bigrams = _bigrams("".join(analysis.content_tokens))
    question_form = search_form(analysis.text)
    subject = definition_subject(question_form) if analysis.asks_definition else ""
    top_score = max((p.score for p in passages), default=0.0)
    negated = negated_verbs(question_form)
    prohibits = bool(_PROHIBITION_ASKED.search(_A_NOT_A.sub("", question_form)))
    # May one do it (能不能, 可以…吗, 允许…吗): a prohibition answers it outright. Not whether
    # one must (要不要办证: 不需要取得许可 answers) nor how (法律允许它怎么办?).
    # Narrower than the analysis's asks_permission (要不要, 是不是, 适用), which the
    # wider rule cue serves: a prohibition does not answer whether one must.
    permission = bool(_MAY_ONE.search(question_form)) and not _ASKS_HOW.search(question_form)
    prohibition_answers = (prohibits and bool(negated)) or permission
    asks_no_penalty = not (
        analysis.asks_penalty or analysis.asks_money or _ASKS_CONSEQUENCE.search(question_form)
    )
    out: list[Evidence] = []
    for passage in passages:
        chunk = passage.chunk
        title_form = search_form(passage.doc_title)
        context_form = search_form(" ".join(chunk.section_path) + chunk.text)
        in_context = {t for t in weights if _holds(context_form, alternatives[t])}
        figure_spans = [f.span for f in figures_by_rank.get(passage.rank, ())]
        # In a law article a clause after ；continues its sentence, whose first clause says
        # whom it is about (消费者有权就产品质量问题，…查询；向…部门申诉): its words count as the
        # clause's own. Not in policy documents, whose clauses after ；are measures of their own.
        article = in_article(chunk)
        lead, lead_form, continues = set[str](), "", False
        # An item of a list its article's opening puts under a rule (禁止生产经营下列食品…：
        # with （十一）无标签的预包装食品…；) says what it says under that rule: the
        # opening's words and its may or may not are the item's own.
        ruled = rule_intro_of(chunk, passages)
        rule_form = search_form(ruled[1]) if ruled is not None else ""
        rule_words = {t for t in weights if rule_form and _holds(rule_form, alternatives[t])}
        for start, end in split_sentences(chunk.text, offset=chunk.span[0]):
            text = chunk.text[start - chunk.span[0] : end - chunk.span[0]]
            carried, carried_form = (lead, lead_form) if continues else (set(), "")
            under_rule = bool(rule_form) and bool(_ITEM_START.match(text))
            if article and not continues:  # this sentence opens one: its first clause
                lead_form = search_form(text)
                lead = {t for t in weights if _holds(lead_form, alternatives[t])}
            continues = article and text.rstrip().endswith((";", "；"))
            lo, hi = clause_window(text, weights, wants_figure=analysis.wants_figure)
            start, end, text = start + lo, start + hi, text[lo:hi]
            form = search_form(text)
            if len(form) < 2 or form.startswith("#"):
                continue  # a Markdown title line names the document, it answers nothing
            if under_rule:
                carried, carried_form = carried | rule_words, carried_form + rule_form
            ruled_form = form + rule_form if under_rule else form
            held = {t for t in weights if _holds(form, alternatives[t])} | carried
            states_asked_number = analysis.asks_doc_number and bool(DOC_NUMBER.search(form))
            # An item chunked on its own is labelled by its own text; under a rule it is
            # that rule's case, not a heading.
            heading = not under_rule and (
                is_heading(form, chunk, start - lo)
                or (is_preamble_line(form, title_form, question_form) and not states_asked_number)
            )
            department = analysis.asks_department and bool(DEPARTMENT_CUE.search(form))
            doc_number = not analysis.asks_department and states_asked_number
            figure = (
                not analysis.asks_department
                and not analysis.asks_doc_number
                and analysis.wants_figure
                and any(start <= fs and fe <= end for fs, fe in figure_spans)
            )
            # X，指… defines without a cue word of its own.
            defines_asked = analysis.asks_definition and defines(form, subject)
            definition_cue = defines_asked or (
                analysis.asks_definition and bool(DEFINITION_CUE.search(form))
            )
            features = (
                # Summed in the question's word order, not a set's: the order of a float
                # sum changes its last bits, and equal sentences must tie the same way in
                # every process (PYTHONHASHSEED).
                sum(w for t, w in weights.items() if t in held) / total,
                sum(w for t, w in weights.items() if t in in_context and t not in held) / total,
                len(q_bigrams & _bigrams(form)) / len(q_bigrams) if q_bigrams else 0.0,
                1.0 / passage.rank,
                passage.score / top_score if top_score > 0 else 0.0,
                sum(w for t, w in topic_weights.items() if t in form + carried_form) / topic_total,
                float(definition_cue),
                float(defines_asked),
                float(analysis.asks_permission and bool(RULE_CUE.search(ruled_form))),
                float(analysis.asks_list and form.endswith((":", "："))),
                float(department),
                float(doc_number),
                float(figure),
                float(heading),
                float(
                    not heading
                    and len(form) < 12
                    and not (analysis.asks_doc_number and DOC_NUMBER.search(form))
                ),
                float(
                    (bool(negated) and negates(form, negated))
                    or (prohibition_answers and bool(_PROHIBITION_STATED.search(ruled_form)))
                ),
                float(asks_no_penalty and bool(PENALTY_IMPOSED.search(form))),
                0.0,
            )
            score = weighted(features, evidence_weights)
            out.append(Evidence(passage.rank, chunk.doc_id, (start, end), text, score, features))
    out.sort(key=lambda e: (-e.score, e.passage_rank, e.span))
    return out


def with_similarity(
    evidence: Sequence[Evidence],
    similarity: Mapping[tuple[int, int], float],
    evidence_weights: Mapping[str, float] = EVIDENCE_WEIGHTS,
) -> list[Evidence]:
    """Evidence re-scored with the embedded model's similarity of each sentence to the
    question (cosines scaled to 0..1 among the sentences that have one), best first.
    Sentences without a similarity (those of lower passages) score as the least similar."""
    if not similarity:
        return list(evidence)
    low, high = min(similarity.values()), max(similarity.values())
    spread = (high - low) or 1.0
    out = []
    for e in evidence:
        if e.span not in similarity or not e.features:
            out.append(e)
            continue
        features = list(e.features)
        features[SIMILARITY] = (similarity[e.span] - low) / spread
        out.append(replace(e, features=tuple(features), score=weighted(features, evidence_weights)))
    out.sort(key=lambda e: (-e.score, e.passage_rank, e.span))
    return out


def states(evidence: Evidence, cited: CitedFigure) -> bool:
    """The answering sentence states this figure (same passage, figure inside it)."""
    return (
        evidence.passage_rank == cited.passage_rank
        and evidence.span[0] <= cited.figure.span[0]
        and cited.figure.span[1] <= evidence.span[1]
    )
