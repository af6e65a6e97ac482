"""Namespace-free XPaths of elements (`/Bericht/Client/StartProducten/StartProduct[2]`) and a line index.

Convention, the same as libxml2's error paths: a step gets a 1-based position `[n]` only when its
parent has more than one child element of that name. So a message with one StartProduct yields
`.../StartProducten/StartProduct` and one with two yields `.../StartProduct[1]` and `[2]`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from typing import Any, cast

from lxml import etree

_STEP = re.compile(r"^(?:(?P<prefix>[^:\[\]]+):)?(?P<name>[^:\[\]]+)(?:\[(?P<pos>\d+)\])?$")
_CACHED_STEP = 200  # characters: longer steps (only odd documents have them) are parsed every time
Step = tuple[str | None, str, int, str]  # prefix, local name, position, `{*}name` for lxml


def local_name(tag: str) -> str:
    """`{namespace}Name` -> `Name`."""
    return tag[tag.rfind("}") + 1:]


def line(element: etree._Element) -> int | None:
    """The source line of an element (lxml's stubs do not type `sourceline`)."""
    return cast(int | None, element.sourceline)


def log_entries(log: object) -> list[Any]:
    """The entries of an lxml error log (`_LogEntry`: line, column, message, path, level)."""
    return list(cast(Iterable[Any], log))


def element_children(element: etree._Element) -> list[etree._Element]:
    """The child elements (comments and processing instructions are skipped)."""
    return [child for child in element if isinstance(child.tag, str)]


def xpath_of(element: etree._Element) -> str:
    """Our XPath of one element of a parsed document."""
    steps: list[str] = []
    node: etree._Element | None = element
    while node is not None:
        name = local_name(node.tag)
        parent = node.getparent()
        if parent is not None:
            same = _same_name(parent, name)
            if len(same) > 1:
                name = f"{name}[{same.index(node) + 1}]"
        steps.append(name)
        node = parent
    return "/" + "/".join(reversed(steps))


def _same_name(parent: etree._Element, name: str) -> list[etree._Element]:
    """The child elements called `name` in any or no namespace; lxml matches `{*}name` in C."""
    return list(parent.iterchildren(f"{{*}}{name}"))


ChildMemo = dict[tuple[etree._Element, str], list[etree._Element]]  # (parent, name) -> those children


def line_at(root: etree._Element, xpath: str, memo: ChildMemo | None = None) -> int | None:
    """Source line of the element at `xpath`, or of its deepest existing ancestor; None if neither.

    A step written `X[1]` also finds an only child `X`, so callers may index repeating classes always.
    Only the steps of `xpath` are walked: a rejected message has a finding or two, and indexing every
    element for those cost more than the rest of its processing. A document with thousands of
    findings (`Client[1]` ... `Client[9000]`) passes one `memo` for all of them, so each parent's
    children are listed once instead of once per finding (quadratic in the document's size).
    """
    found: int | None = None
    element: etree._Element | None = None
    for step in (step for step in xpath.split("/") if step):
        bare = step[:-3] if step.endswith("[1]") else step
        if element is None:  # the root's step is its bare name
            name = local_name(root.tag)
            element = root if name in (step, bare) else None
        else:
            child = _keyed_child(element, step, memo)
            element = child if child is not None or bare == step else _keyed_child(element, bare, memo)
        if element is None:
            break
        found = line(element) or 0
    return found


_KEY = re.compile(r"([^\[\]]+)(?:\[([1-9][0-9]*)\])?")


def _keyed_child(element: etree._Element, step: str, memo: ChildMemo | None = None) -> etree._Element | None:
    """The child `step` names: `Name` when it is the only one, `Name[n]` when it repeats."""
    key = _KEY.fullmatch(step)
    if key is None:
        return None
    name, n = key.group(1), key.group(2)
    same = None if memo is None else memo.get((element, name))
    if same is None:
        same = [child for child in element_children(element) if local_name(child.tag) == name]
        if memo is not None:
            memo[element, name] = same
    if n is None:
        return same[0] if len(same) == 1 else None
    return same[int(n) - 1] if 1 < len(same) >= int(n) else None


def resolve_libxml2_path(root: etree._Element, path: str) -> etree._Element | None:
    """The element a libxml2 error path (`/p:Bericht/p:Client/*[2]`) points at, or None."""
    found = _walk_libxml2_path(root, path)
    return None if found is None else found[0]


Found = tuple[etree._Element, str]  # an element and our step for it
StepMemo = dict[tuple[etree._Element, str], Found | None]


def xpath_of_libxml2_path(root: etree._Element, path: str, memo: StepMemo | None = None) -> str | None:
    """Our XPath of the element a libxml2 error path points at, or None: `xpath_of(resolve_libxml2_path())`
    in one walk down instead of a walk down and one up. The paths of one document's errors share their
    first steps: pass them one `memo` and each step is resolved once."""
    found = _walk_libxml2_path(root, path, memo)
    return None if found is None else found[1]


def _walk_libxml2_path(root: etree._Element, path: str, memo: StepMemo | None = None) -> Found | None:
    steps = path.strip("/").split("/")
    if not steps or not _step_matches(root, steps[0]):
        return None
    element = root
    ours = ["", local_name(root.tag)]
    for step in steps[1:]:
        if memo is None:
            found = _child_for_step(element, step)
        elif (element, step) in memo:
            found = memo[element, step]
        else:  # the memo holds the elements, so their proxies (its keys) stay the same objects
            found = memo[element, step] = _child_for_step(element, step)
        if found is None:
            return None
        element, ours_step = found
        ours.append(ours_step)
    return element, "/".join(ours)


def _parsed_step(step: str) -> Step | None:
    """A step of a libxml2 error path taken apart, or None if it is not one."""
    return _known_step(step) if len(step) <= _CACHED_STEP else _parse_step(step)


def _parse_step(step: str) -> Step | None:
    match = _STEP.match(step)
    if match is None:
        return None
    return match["prefix"], match["name"], int(match["pos"] or 1), f"{{*}}{match['name']}"


# The steps of a message type's error paths recur in every invalid document of that type.
_known_step = functools.lru_cache(maxsize=4096)(_parse_step)


def _child_for_step(element: etree._Element, step: str) -> Found | None:
    """The child a libxml2 step selects (position among same name and prefix, `*`: among all), and our
    step for it (position among the same local name, only when there is more than one)."""
    parsed = _parsed_step(step)
    if parsed is None:
        return None
    prefix, name, position, any_namespace = parsed
    if name == "*":
        candidates = element_children(element)
        if prefix is not None:
            candidates = [child for child in candidates if (child.prefix or None) == prefix]
        if not 0 < position <= len(candidates):
            return None
        found = candidates[position - 1]
        name = local_name(found.tag)
        same = _same_name(element, name)
    else:  # the local name is matched in C first; the prefix only on those
        same = list(element.iterchildren(any_namespace))
        candidates = [child for child in same if (child.prefix or None) == prefix]
        if not 0 < position <= len(candidates):
            return None
        found = candidates[position - 1]
    return found, name if len(same) == 1 else f"{name}[{same.index(found) + 1}]"


def _step_matches(element: etree._Element, step: str) -> bool:
    parsed = _parsed_step(step)
    if parsed is None:
        return False
    prefix, name, _, _ = parsed
    if name == "*":
        return True
    return local_name(element.tag) == name and (element.prefix or None) == prefix
