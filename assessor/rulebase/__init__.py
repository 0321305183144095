"""The rule base: rule files (YAML) -> validated rules -> an engine run.

``rules`` loads and lints rule files; ``durable_engine`` is the only module that
imports durable-rules; ``reference`` is a plain-Python evaluator of the same
rules used to cross-check it; ``session`` drives either engine through one
assessment.
"""
