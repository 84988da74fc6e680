"""The questionnaires' wording, loaded from questionnaires.toml (framework content as data)."""

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

# Every questionnaire there is; an inspection runs those its profile lists ([surveys] audiences).
AUDIENCES = ("young_person", "parent_carer", "practitioner")


@dataclass(frozen=True)
class Choice:
    code: str
    text: str


@dataclass(frozen=True)
class Question:
    code: str
    text: str
    paragraph: str
    options: tuple[Choice, ...]

    def label(self, code: str) -> str:
        return next((o.text for o in self.options if o.code == code), code)


@dataclass(frozen=True)
class Questionnaire:
    audience: str
    title: str
    short_title: str
    intro: str
    comment_label: str
    comment_hint: str
    comment_warning: str
    respondent_legend: str
    support_legend: str
    respondent_types: tuple[Choice, ...]
    questions: tuple[Question, ...]
    support: tuple[Choice, ...]

    def respondent_label(self, code: str) -> str:
        return next((c.text for c in self.respondent_types if c.code == code), code)

    def support_label(self, code: str) -> str:
        return next((c.text for c in self.support if c.code == code), code)


@cache
def questionnaires() -> dict[str, Questionnaire]:
    raw = tomllib.loads((Path(__file__).parent / "questionnaires.toml").read_text())
    out = {}
    for audience in AUDIENCES:
        q = raw[audience]
        out[audience] = Questionnaire(
            audience=audience, title=q["title"], short_title=q["short_title"], intro=q["intro"],
            comment_label=q["comment_label"], comment_hint=q["comment_hint"], comment_warning=q["comment_warning"],
            respondent_legend=q["respondent_legend"], support_legend=q["support_legend"],
            respondent_types=tuple(Choice(**c) for c in q["respondent_types"]),
            questions=tuple(Question(code=x["code"], text=x["text"], paragraph=x["paragraph"],
                                     options=tuple(Choice(code, text) for code, text in x["options"]))
                            for x in q["questions"]),
            support=tuple(Choice(**c) for c in q["support"]))
    return out
