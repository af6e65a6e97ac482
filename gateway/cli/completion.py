"""`istd completion bash`: a bash completion script, generated from the argument parser itself.

Written here rather than taken from a library: the parser is plain argparse, and walking it gives every
command, action, option and choice, so the script cannot drift from the commands it completes.
"""

from __future__ import annotations

import argparse
import shlex
from collections.abc import Iterator
from typing import Any

SHELLS = ("bash",)


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "completion", help="print the shell completion script",
        description="Print the bash completion script of istd. Load it in ~/.bashrc with "
                    "`source <(istd completion bash)`; zsh users run `autoload -U bashcompinit && "
                    "bashcompinit` before that line.")
    parser.add_argument("shell", choices=SHELLS)
    parser.set_defaults(handler=run)


def _children(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:  # argparse has no public accessor for its sub-parsers
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def _levels(parser: argparse.ArgumentParser, path: str = "") -> Iterator[tuple[str, argparse.ArgumentParser]]:
    """Every (path, parser): "" for `istd`, "users" for `istd users`, "users add" for `istd users add`."""
    yield path, parser
    for name, child in _children(parser).items():
        yield from _levels(child, f"{path} {name}".strip())


def _words(parser: argparse.ArgumentParser) -> list[str]:
    """Options, sub-commands and positional choices that may come next at this level."""
    words: list[str] = []
    for action in parser._actions:
        if action.option_strings:
            words += [o for o in action.option_strings if o.startswith("--")] or action.option_strings[:1]
        elif not isinstance(action, argparse._SubParsersAction) and action.choices:
            words += [str(choice) for choice in action.choices]
    return words + list(_children(parser))


def _takes_files(parser: argparse.ArgumentParser) -> bool:
    """Commands that take PATH...: complete file names there."""
    return any(not a.option_strings and a.dest == "paths" for a in parser._actions)


def _value_options(parser: argparse.ArgumentParser) -> Iterator[tuple[str, list[str]]]:
    """Options that take a value, with their choices (empty: complete file names)."""
    for action in parser._actions:
        if action.option_strings and action.nargs != 0:
            choices = [str(c) for c in action.choices] if action.choices else []
            for option in action.option_strings:
                yield option, choices


def bash_script(parser: argparse.ArgumentParser) -> str:
    levels = list(_levels(parser))
    words = "\n".join(f"        {shlex.quote(path)}) echo {shlex.quote(' '.join(_words(p)))} ;;"
                      for path, p in levels)
    subcommands = "\n".join(f"        {shlex.quote(path)}) echo {shlex.quote(' '.join(_children(p)))} ;;"
                            for path, p in levels if _children(p))
    values = "\n".join(
        f"        {shlex.quote(path + '|' + option)}) echo {shlex.quote(' '.join(choices) or '-f')} ;;"
        for path, p in levels for option, choices in _value_options(p))
    files = "|".join(shlex.quote(path) for path, p in levels if _takes_files(p)) or "''"
    return f"""# bash completion for istd; load with: source <(istd completion bash)
_istd_words() {{
    case "$1" in
{words}
    esac
}}
_istd_subcommands() {{
    case "$1" in
{subcommands}
    esac
}}
_istd_values() {{
    case "$1" in
{values}
    esac
}}
_istd_files() {{
    case "$1" in
        {files}) return 0 ;;
    esac
    return 1
}}
_istd() {{
    local cur=${{COMP_WORDS[COMP_CWORD]}} prev=${{COMP_WORDS[COMP_CWORD-1]}} path="" word i values
    for ((i = 1; i < COMP_CWORD; i++)); do
        word=${{COMP_WORDS[i]}}
        if [[ " $(_istd_subcommands "$path") " == *" $word "* ]]; then
            path="${{path:+$path }}$word"
        fi
    done
    values=$(_istd_values "$path|$prev")
    if [[ -n $values ]]; then
        if [[ $values == -f ]]; then
            COMPREPLY=($(compgen -f -- "$cur"))
        else
            COMPREPLY=($(compgen -W "$values" -- "$cur"))
        fi
    elif [[ $cur == -* || -n $(_istd_subcommands "$path") ]]; then
        COMPREPLY=($(compgen -W "$(_istd_words "$path")" -- "$cur"))
    elif _istd_files "$path"; then
        COMPREPLY=($(compgen -W "$(_istd_words "$path")" -- "$cur") $(compgen -f -- "$cur"))
    else
        COMPREPLY=($(compgen -W "$(_istd_words "$path")" -- "$cur"))
    fi
}}
complete -o filenames -F _istd istd
"""


def run(args: argparse.Namespace) -> int:
    root: argparse.ArgumentParser = args.root_parser  # set by gateway.cli.main.build_parser
    print(bash_script(root), end="")
    return 0
