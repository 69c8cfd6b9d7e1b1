"""The one reader of YAML data files: lines kept, YAML 1.2 booleans, schema errors in words."""

from __future__ import annotations

import pytest

from lantern.core.datafiles import (
    DataFileError,
    Problem,
    Yaml12Loader,
    load_yaml,
    schema_problems,
)

SCHEMA = {
    "type": "object",
    "required": ["name", "codes"],
    "additionalProperties": False,
    "properties": {
        "name": {"type": "string", "minLength": 1},
        "codes": {"type": "object", "additionalProperties": {"enum": ["a", "b"]}},
    },
}


def test_every_problem_names_its_line_and_field() -> None:
    loaded = load_yaml("name: 7\nname: x\nlevel: 2\ncodes:\n  N: c\n")
    problems = loaded.lines.duplicates + schema_problems(loaded.data, SCHEMA, loaded.lines)
    assert sorted(problems) == [
        Problem(2, "name", "'name' is given twice; give it once"),
        Problem(3, "level", "Unknown field 'level' (expected one of: codes, name)"),
        Problem(5, "codes.N", "Use one of: a, b"),
    ]


def test_missing_fields_are_reported_once_each_where_their_mapping_starts() -> None:
    loaded = load_yaml("# nothing yet\n{}\n")
    problems = schema_problems(loaded.data, SCHEMA, loaded.lines)
    assert [str(p) for p in problems] == [
        "line 2, name: Missing: add 'name'",
        "line 2, codes: Missing: add 'codes'",
    ]


def test_a_number_where_text_is_wanted_says_to_quote_it() -> None:
    loaded = load_yaml("name: 12\ncodes: {}\n")
    (problem,) = schema_problems(loaded.data, SCHEMA, loaded.lines)
    assert problem == Problem(1, "name", "Should be text (put it in quotes)")


def test_yaml_1_2_booleans_keep_codes_as_text() -> None:
    assert load_yaml("off: yes\n").data == {False: True}
    assert load_yaml("off: yes\nY: true\n", loader=Yaml12Loader).data == {"off": "yes", "Y": True}


def test_a_syntax_error_is_one_problem_at_its_line() -> None:
    with pytest.raises(DataFileError) as refused:
        load_yaml("name: x\ncodes: {a: b\n", source="rules.yaml")
    (problem,) = refused.value.problems
    assert problem.line == 3
    assert problem.message.startswith("Not valid YAML")
    assert str(refused.value).startswith("rules.yaml was refused (1 problem):")


def test_an_empty_file_has_no_data() -> None:
    assert load_yaml("").data is None
