"""Data files: YAML checked against a JSON Schema, every problem named by its line and field.

Vocabularies, screening instruments, mapping profiles and rule files are data, not code
(docs/architecture.md). Each is read the same way:

1. :func:`load_yaml` parses the text once with a safe loader, keeps the line of every key
   and value (:class:`Lines`) and notes keys given twice (which PyYAML would silently
   overwrite). A syntax error becomes a :class:`Problem` at its line.
2. :func:`schema_problems` validates against the file's JSON Schema and says each error in
   words, at the line of the field it is about (``themes[0].indicators[1].weights``).
3. The owning app adds the checks a schema cannot make (unique codes, references that
   resolve), using :meth:`Lines.line` for where they are, and raises its subclass of
   :class:`DataFileError` with every problem found, so one run lists them all.

:class:`Yaml12Loader` reads only ``true``/``false`` as booleans: YAML 1.1 (PyYAML's default)
reads ``yes``/``no``/``on``/``off``/``Y``/``N`` as booleans, so a code ``N`` would become
``false``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

import jsonschema
import yaml

Path_ = tuple[str | int, ...]


@dataclass(frozen=True, order=True)
class Problem:
    """One problem with a data file: where (line from 1, field) and what."""

    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}" if self.line else "the file"
        return f"{where}, {self.field or '(top level)'}: {self.message}"


class DataFileError(ValueError):
    """The file was refused; ``problems`` lists every one found (nothing was loaded)."""

    what: ClassVar[str] = "The file"

    def __init__(self, problems: Sequence[Problem], *, source: str = "") -> None:
        self.problems = sorted(problems, key=lambda p: (p.line or 0, p.field, p.message))
        self.source = source
        listed = "\n".join(f"  - {p}" for p in self.problems)
        count = f"{len(self.problems)} problem{'s' if len(self.problems) != 1 else ''}"
        super().__init__(f"{source or self.what} was refused ({count}):\n{listed}")


def field_name(path: Iterable[str | int]) -> str:
    """A JSON path as a reader writes it: ``themes[0].indicators[1].code``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


@dataclass
class Lines:
    """Where each key and value is in the YAML (lines from 1), by JSON path."""

    keys: dict[Path_, int] = field(default_factory=dict)
    values: dict[Path_, int] = field(default_factory=dict)
    duplicates: list[Problem] = field(default_factory=list)

    def walk(self, node: yaml.Node, path: Path_ = ()) -> None:
        self.values.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            seen: set[str] = set()
            for key_node, value_node in node.value:
                key = str(key_node.value)
                child = (*path, key)
                if key in seen:
                    self.duplicates.append(
                        Problem(
                            key_node.start_mark.line + 1,
                            field_name(child),
                            f"'{key}' is given twice; give it once",
                        )
                    )
                seen.add(key)
                self.keys[child] = key_node.start_mark.line + 1
                self.walk(value_node, child)
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                self.walk(item, (*path, index))

    def line(self, path: Path_) -> int | None:
        """The line naming ``path`` (its key, else its value), or the nearest enclosing one."""
        probe = tuple(path)
        while True:
            found = self.keys.get(probe) or self.values.get(probe)
            if found is not None:
                return found
            if not probe:
                return None
            probe = probe[:-1]


class Yaml12Loader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2 booleans: only ``true`` and ``false`` are booleans."""


Yaml12Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
Yaml12Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


@dataclass(frozen=True)
class Loaded:
    """A parsed file: its data (``None`` when the file holds no document) and its lines."""

    data: Any
    lines: Lines


def load_yaml(
    text: str,
    *,
    source: str = "",
    error: type[DataFileError] = DataFileError,
    loader: type[yaml.SafeLoader] = yaml.SafeLoader,
) -> Loaded:
    """Parse ``text`` once, keeping lines; a syntax error raises ``error`` at its line."""
    reader = loader(text)
    try:
        node = reader.get_single_node()
        data = reader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = Problem(line, "", f"Not valid YAML: {exc.problem or exc}")
        raise error([problem], source=source) from exc
    except yaml.YAMLError as exc:
        raise error([Problem(None, "", f"Not valid YAML: {exc}")], source=source) from exc
    finally:
        reader.dispose()
    lines = Lines()
    if node is not None:
        lines.walk(node)
    return Loaded(data=data, lines=lines)


# --- schema errors, in words ---------------------------------------------------------

_KINDS = {
    "string": "text",
    "array": "a list",
    "object": "a mapping of names to values",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "null": "empty",
}

Describe = Callable[[jsonschema.ValidationError], "str | None"]


def describe(error: jsonschema.ValidationError) -> str:
    """A schema error in words a person who edits the file can act on."""
    validator = error.validator
    if validator == "enum":
        options: list[Any] = list(error.validator_value)  # type: ignore[arg-type]
        return "Use one of: " + ", ".join(str(v) for v in options)
    if validator == "type":
        value = error.validator_value
        kinds: list[Any] = value if isinstance(value, list) else [value]
        words = "Should be " + " or ".join(_KINDS.get(str(k), str(k)) for k in kinds)
        quoted = kinds == ["string"] and isinstance(error.instance, int | float | bool)
        return words + " (put it in quotes)" if quoted else words
    if validator in {"minLength", "minItems"} and error.validator_value == 1:
        return "Must not be empty"
    return str(error.message)


def schema_problems(
    data: Any,
    schema: Mapping[str, Any],
    lines: Lines,
    *,
    words: Describe | None = None,
) -> list[Problem]:
    """Every schema error in ``data`` as a :class:`Problem` at its line.

    A missing field is reported where its mapping starts, an unknown one at its own line
    with the fields expected there. ``words`` may say an error in the file's own terms
    (a hint for a pattern, say); returning ``None`` keeps :func:`describe`'s words.
    """
    validator = jsonschema.Draft202012Validator(schema)
    problems: list[Problem] = []
    for error in validator.iter_errors(data):
        path: Path_ = tuple(error.absolute_path)
        if error.validator == "required" and isinstance(error.instance, dict):
            required: list[str] = list(error.validator_value)
            problems += [
                Problem(lines.line(path) or 1, field_name((*path, name)), f"Missing: add '{name}'")
                for name in required
                if name not in error.instance
            ]
        elif error.validator == "additionalProperties" and isinstance(error.instance, dict):
            known = sorted(error.schema.get("properties", {}))
            hint = f" (expected one of: {', '.join(known)})" if known else ""
            problems += [
                Problem(
                    lines.line((*path, str(name))),
                    field_name((*path, str(name))),
                    f"Unknown field '{name}'{hint}",
                )
                for name in sorted(error.instance, key=str)
                if name not in known
            ]
        else:
            said = words(error) if words is not None else None
            problems.append(Problem(lines.line(path), field_name(path), said or describe(error)))
    # jsonschema reports each missing field of a mapping as its own error
    return list(dict.fromkeys(problems))
