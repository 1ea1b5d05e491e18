"""Language consistency (DeepSeek-R1): how much of the chain of thought is in the target language.

codes.py (language codes, scripts, aliases) -> text.py (strip code and math, cut into script runs) ->
detect.py (pluggable language detectors, fastText lid.176 by default) -> ratio.py (label runs, count units)
-> scorer.py (the `language_consistency` scorer: target precedence, modes, regions).
"""
