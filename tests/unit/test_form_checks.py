"""A form's checks found apart: a sync batch judges the evidence text of each capture alone and the other answers
once for each way they are answered, and puts the errors together in the form's order."""

from datetime import date

from app import forms_contract
from app.evidence.contract import evidence_contract
from app.frameworks.service import all_profiles

DAYS = (date(2027, 3, 8), date(2027, 3, 9), date(2027, 3, 10))


def test_every_evidence_form_checks_its_text_alone_and_first():
    for profile in all_profiles().values():
        for also in ((), (date(2027, 3, 1),)):
            contract = evidence_contract(profile, DAYS, also)
            assert contract.fields[0].name == "text"
            assert forms_contract.alone(contract, "text")
    assert not forms_contract.alone(evidence_contract(next(iter(all_profiles().values())), DAYS), "aspect")


def test_the_errors_found_apart_are_the_errors_found_together():
    contract = evidence_contract(next(iter(all_profiles().values())), DAYS)
    for text in ("", "   ", "Seen at the hub", "x" * 10_001):
        for heading, aspect, judgement, strands, source_type, source_id, observed_on in [
                ("1", "", "", [], "", "", ""), ("", "timeliness", "strength", ["education"], "none", "", ""),
                ("9", "nope", "great", ["space"], "activity", "", "2027-03-09"),
                ("1", "timeliness", "strength", ["health"], "document", "", "1999-01-01")]:
            values = {"text": text, "heading": heading, "aspect": aspect, "judgement": judgement, "strands": strands,
                      "source_type": source_type, "source_id": source_id, "source_label": "",
                      "observed_on": observed_on}
            together = forms_contract.check(contract, values)
            apart = {**forms_contract.check(contract, values, fields=("text",)),
                     **forms_contract.check(contract, values, apart=("text",))}
            assert apart == together and list(apart) == list(together)
