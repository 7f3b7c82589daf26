"""Stack files are read as the Pulumi CLI reads them (go-yaml v3) or refused: one case per place
where go-yaml v3 and a YAML 1.2 reader disagree, and the forms on which they agree."""

from pathlib import Path

import pytest

from fluxlit_secrets.engine.yamlfile import FileError, load_yaml

FILE = Path("Pulumi.dev.yaml")


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("k: 017", "octal"),  # go-yaml: 15 (YAML 1.1 octal); YAML 1.2: 17
        ("k: -0017", "octal"),
        ("k: 08", "octal"),  # go-yaml: the float 8.0 (not octal); YAML 1.2: the int 8
        ("k: 0_17", "octal"),
        ("k: [1, 017]", "octal"),
        ("k: {a: 017}", "octal"),
        ("k: !!omap [{a: 1}]", "!!omap"),  # go-yaml: a list of mappings; ruamel: one ordered mapping
        ("k: !!set {a: null}", "!!set"),
        ("k: !!binary aGk=", "!!binary"),  # go-yaml: text; ruamel: bytes
        ("k: ! 12", "tag !"),  # go-yaml: the text "12"; ruamel: the int 12
        ("k: !custom x", "!custom"),
        ("k: !!int 017", "!!int"),
        ("? [a]\n: 1", "mapping key"),
        ("? {a: 1}\n: 1", "mapping key"),
        ("k:\n  ? [a, b]\n  : 1", "mapping key"),
    ],
)
def test_a_form_the_pulumi_cli_reads_otherwise_is_refused_in_one_line(text: str, words: str) -> None:
    with pytest.raises(FileError) as caught:
        load_yaml(FILE, text)
    message = str(caught.value)
    assert words in message and "\n" not in message and "line" in message


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("k: 0", 0),
        ("k: 15", 15),
        ("k: 0o17", 15),  # both: YAML 1.2 octal
        ("k: 0x1F", 31),
        ("k: 1_000", 1000),  # both strip the underscores
        ("k: 1e3", 1000.0),
        ("k: '017'", "017"),
        ('k: "017"', "017"),
        ("k: !!str 017", "017"),
        ("k: yes", "yes"),  # YAML 1.1 booleans are text to both
        ("k: on", "on"),
        ("k: True", True),
        ("k: ~", None),
        ("k: {b: [1, {c: 2}]}", {"b": [1, {"c": 2}]}),
        ("? k\n: 1", 1),  # an explicit key that is plain text is fine
    ],
)
def test_forms_both_read_alike_are_read(text: str, value: object) -> None:
    loaded = load_yaml(FILE, text)
    assert loaded == {"k": value} and type(loaded["k"]) is type(value)
