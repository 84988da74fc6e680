"""The letter's readable diff between versions."""


def test_a_letter_diff_shows_an_edited_line_word_by_word_and_a_rewritten_one_whole():
    from app.letters.editing import diff

    edited = diff("- Plans are issued late.\n- Parents feel heard.",
                  "- Plans are often issued late.\n- Parents feel heard.")
    assert [(p.kind, p.text) for p in edited] == [("same", "- Plans are "), ("added", "often "),
                                                  ("same", "issued late.\n- Parents feel heard.")]
    rewritten = diff("- Plans are issued late.", "- Leaders know the area well.")
    assert [(p.kind, p.text) for p in rewritten] == [("removed", "- Plans are issued late."),
                                                     ("added", "- Leaders know the area well.")]


def test_a_line_appended_after_the_last_one_leaves_that_one_unchanged():
    from app.letters.editing import diff

    appended = diff("- Plans are issued late.", "- Plans are issued late.\n- Parents feel heard.")
    assert [(p.kind, p.text) for p in appended] == [("same", "- Plans are issued late.\n"),
                                                    ("added", "- Parents feel heard.")]
    assert [(p.kind, p.text) for p in diff("- Same.\n", "- Same.\n")] == [("same", "- Same.\n")]
