"""Language codes: the languages rewardkit can judge, the scripts they are written in, and aliases.

Targets are ISO 639-1 codes (or the few ISO 639-3 codes fastText's lid.176 uses, such as `yue` or `ceb`).
`normalize` accepts the common spellings users and datasets write: BCP-47 tags (`zh-CN`, `zh-Hans`, `pt_BR`),
ISO 639-2/3 codes (`eng`, `zho`, `deu`), English names (`english`) and native names (`Deutsch`, `中文`).
"""

from __future__ import annotations

# Every label of fastText's lid.176 model (the default detector), i.e. the languages a target may name.
_LID176_LABELS = """
af als am an ar arz as ast av az azb ba bar bcl be bg bh bn bo bpy br bs bxr ca cbk ce ceb ckb co cs cv cy da de
diq dsb dty dv el eml en eo es et eu fa fi fr frr fy ga gd gl gn gom gu gv he hi hif hr hsb ht hu hy ia id ie ilo
io is it ja jbo jv ka kk km kn ko krc ku kv kw ky la lb lez li lmo lo lrc lt lv mai mg mhr min mk ml mn mr mrj ms
mt mwl my myv mzn nah nap nds ne new nl nn no oc or os pa pam pfl pl pms pnb ps pt qu rm ro ru rue sa sah sc scn
sco sd sh si sk sl so sq sr su sv sw ta te tg th tk tl tr tt tyv ug uk ur uz vec vep vi vls vo wa war wuu xal xmf
yi yo yue zh
"""
LID176 = frozenset(_LID176_LABELS.split())

# Scripts other than Latin, and the lid.176 languages written in them. A language listed nowhere is Latin-script.
SCRIPT_LANGUAGES: dict[str, tuple[str, ...]] = {
    "Han": ("zh", "yue", "wuu", "ja"),
    "Kana": ("ja",),
    "Hangul": ("ko",),
    "Cyrillic": ("ru", "uk", "be", "bg", "mk", "sr", "kk", "ky", "tg", "tt", "ba", "cv", "ce", "av", "kv", "krc",
                 "lez", "mhr", "mrj", "myv", "os", "sah", "tyv", "xal", "bxr", "mn", "rue"),
    "Arabic": ("ar", "arz", "fa", "ur", "ps", "ckb", "ug", "sd", "pnb", "mzn", "lrc", "azb"),
    "Devanagari": ("hi", "mr", "ne", "sa", "bh", "new", "mai", "dty", "gom"),
    "Bengali": ("bn", "as", "bpy"),
    "Hebrew": ("he", "yi"),
    "Georgian": ("ka", "xmf"),
    "Greek": ("el",), "Thai": ("th",), "Armenian": ("hy",), "Ethiopic": ("am",), "Tamil": ("ta",),
    "Telugu": ("te",), "Kannada": ("kn",), "Malayalam": ("ml",), "Gujarati": ("gu",), "Gurmukhi": ("pa",),
    "Oriya": ("or",), "Sinhala": ("si",), "Khmer": ("km",), "Lao": ("lo",), "Myanmar": ("my",),
    "Tibetan": ("bo",), "Thaana": ("dv",),
}
_ALSO_LATIN = frozenset({"sr"})  # Serbian is written in both Cyrillic and Latin
_NON_LATIN = {lang for langs in SCRIPT_LANGUAGES.values() for lang in langs}
LATIN_LANGUAGES = frozenset((LID176 - _NON_LATIN) | _ALSO_LATIN)
SCRIPT_LANGUAGES["Latin"] = tuple(sorted(LATIN_LANGUAGES))

# Languages the detector cannot tell apart reliably, or written standards of one language: a label anywhere in
# a group counts for a target in the same group.
_GROUPS = (("hr", "bs", "sr", "sh"), ("id", "ms"), ("no", "nn"), ("ar", "arz"), ("zh", "yue", "wuu"))
EQUIVALENT: dict[str, frozenset[str]] = {lang: frozenset(group) for group in _GROUPS for lang in group}

_NAMES = {
    "en": "eng english anglais inglés englisch 英语 英文 英語 영어 английский",
    "zh": "zho chi cmn chinese mandarin zh-cn zh-hans zh-sg zh-tw zh-hant zh-hk zh-mo simplified-chinese "
          "traditional-chinese 中文 汉语 漢語 简体中文 繁體中文 繁体中文 普通话 國語 华语",
    "yue": "cantonese 粵語 粤语 廣東話 广东话", "wuu": "shanghainese 吴语 吳語",
    "ja": "jpn japanese 日本語 日语", "ko": "kor korean 한국어 조선어 韩语",
    "ru": "rus russian русский", "fr": "fra fre french français francais", "es": "spa spanish castilian "
    "español espanol castellano", "de": "deu ger german deutsch", "pt": "por portuguese português portugues",
    "it": "ita italian italiano", "nl": "nld dut dutch flemish nederlands", "ar": "ara arabic العربية عربي",
    "hi": "hin hindi हिन्दी हिंदी", "bn": "ben bengali bangla বাংলা", "tr": "tur turkish türkçe turkce",
    "vi": "vie vietnamese tiếng-việt tieng-viet", "th": "tha thai ไทย", "pl": "pol polish polski",
    "uk": "ukr ukrainian українська", "cs": "ces cze czech čeština cestina", "sv": "swe swedish svenska",
    "fi": "fin finnish suomi", "da": "dan danish dansk", "no": "nor nob nb norwegian bokmål bokmal norsk",
    "nn": "nno nynorsk", "el": "ell gre greek ελληνικά", "he": "heb iw hebrew עברית", "yi": "yid ji yiddish",
    "id": "ind in indonesian bahasa-indonesia", "ms": "msa may zsm malay bahasa-melayu",
    "fa": "fas per persian farsi فارسی", "ur": "urd urdu اردو", "ro": "ron rum romanian română romana",
    "hu": "hun hungarian magyar", "ca": "cat catalan català", "bg": "bul bulgarian български",
    "hr": "hrv croatian hrvatski", "sr": "srp serbian српски srpski sr-latn sr-cyrl", "sk": "slk slo slovak",
    "sl": "slv slovenian slovene", "lt": "lit lithuanian", "lv": "lav latvian", "et": "est estonian",
    "ta": "tam tamil", "te": "tel telugu", "kn": "kan kannada", "ml": "mal malayalam", "mr": "mar marathi",
    "gu": "guj gujarati", "pa": "pan punjabi", "tl": "tgl fil tagalog filipino", "sw": "swa swahili",
    "eo": "epo esperanto", "la": "lat latin", "eu": "eus baq basque", "gl": "glg galician", "kk": "kaz kazakh",
    "uz": "uzb uzbek", "az": "aze azerbaijani", "ka": "kat geo georgian", "hy": "hye arm armenian",
    "is": "isl ice icelandic", "ga": "gle irish", "cy": "cym wel welsh", "af": "afr afrikaans",
    "sq": "sqi alb albanian", "mk": "mkd mac macedonian", "be": "bel belarusian", "mn": "mon mongolian",
    "ne": "nep nepali", "si": "sin sinhala", "km": "khm khmer", "lo": "lao", "my": "mya bur burmese",
    "am": "amh amharic", "jv": "jav jw javanese",
}
ALIASES: dict[str, str] = {alias: code for code, names in _NAMES.items() for alias in names.split()}


def normalize(code: str) -> str | None:
    """The lid.176 code for `code` (`zh-Hans` -> `zh`, `english` -> `en`, `Deutsch` -> `de`), None if unknown."""
    if not isinstance(code, str):
        return None
    key = "-".join(code.strip().casefold().replace("_", "-").split())
    if key in LID176:
        return key
    if key in ALIASES:
        return ALIASES[key]
    primary = key.split("-")[0]
    if primary != key:
        return primary if primary in LID176 else ALIASES.get(primary)
    return None


def scripts_of(lang: str) -> frozenset[str]:
    """Scripts `lang` is written in (Japanese: Han and Kana)."""
    return frozenset(script for script, langs in SCRIPT_LANGUAGES.items() if lang in langs)


def same_language(label: str, target: str) -> bool:
    """Whether a detected `label` counts as the `target` language (equal, or in the same group)."""
    return label == target or label in EQUIVALENT.get(target, ())
