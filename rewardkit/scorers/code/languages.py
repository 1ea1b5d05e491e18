"""Language names of the code scorer: fence tags, recipe values, open-r1's `verification_info.language` and
SandboxFusion's language names all map onto one of `LANGUAGES`; `auto` picks a sample's language from its tests'
declaration, else from the tag of its last fenced block in a known language.
"""

from __future__ import annotations

from rewardkit.extract import code_blocks

LANGUAGES = ("python", "c", "cpp", "java", "javascript", "go", "rust")
_ALIASES = {
    "py": "python", "python3": "python", "py3": "python",
    "c++": "cpp", "cxx": "cpp", "cc": "cpp", "c++17": "cpp", "cpp17": "cpp", "c++14": "cpp", "c++11": "cpp",
    "c++20": "cpp", "gnu++17": "cpp",
    "c11": "c", "c17": "c", "gnu17": "c",
    "java8": "java", "java11": "java", "java17": "java",
    "js": "javascript", "node": "javascript", "nodejs": "javascript", "node.js": "javascript",
    "golang": "go", "rs": "rust",
}


def normalize(name: object) -> str | None:
    """The language a name stands for (`c++` -> `cpp`, `nodejs` -> `javascript`), or None if unknown."""
    if not isinstance(name, str):
        return None
    key = name.strip().lower()
    key = _ALIASES.get(key, key)
    return key if key in LANGUAGES else None


def language_block(text: str, language: str) -> str | None:
    """The last fenced block whose tag names `language` (`c++17` for cpp, `golang` for go), else the last
    untagged block when no tagged one is in it."""
    blocks = code_blocks(text)
    found = [code for tag, code in blocks if normalize(tag) == language] or [code for tag, code in blocks if not tag]
    return found[-1] if found else None


def fence_language(text: str) -> str | None:
    """The language of the last fenced block whose tag names a known language."""
    for tag, _code in reversed(code_blocks(text)):
        found = normalize(tag)
        if found is not None:
            return found
    return None


def sample_language(configured: str, declared: str | None, text: str) -> str:
    """`configured` unless it is `auto`; then the tests' declared language, else the last tagged fence's, else
    Python."""
    if configured != "auto":
        return configured
    return declared or fence_language(text) or "python"
