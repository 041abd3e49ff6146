"""Every file name of the FAISS index folder, in one place.

index/manifest.json           the current build and what it was built from
index/builds/<build_id>/      one complete build:
    documents.jsonl           metadata and text of each document
    outlines.jsonl            each document's outline (sections with spans)
    chunks.jsonl              the citable chunks
    figures.jsonl             the figures
    vectors.faiss             the FAISS index (labels 0..n-1)
    vector_ids.tsv            chunk id and doc id of each FAISS label, in label order
    keyword/                  bm25s files, keyword_ids.tsv and document frequencies
    bigrams/                  the same, over character bigrams (qa.tokens.bigrams)
index/embed-cache/<model>/    vectors already computed (resume, incremental add)
index/.lock                   held by the one process allowed to write
"""

MANIFEST = "manifest.json"
BUILDS = "builds"
EMBED_CACHE = "embed-cache"
LOCK = ".lock"

DOCUMENTS = "documents.jsonl"
OUTLINES = "outlines.jsonl"
CHUNKS = "chunks.jsonl"
FIGURES = "figures.jsonl"
VECTORS = "vectors.faiss"
VECTOR_IDS = "vector_ids.tsv"
KEYWORD = "keyword"
BIGRAMS = "bigrams"
KEYWORD_IDS = "keyword_ids.tsv"
KEYWORD_DF = "document_frequency.json"
EMBED_KEYS = "keys.txt"
EMBED_VECTORS = "vectors.f32"
