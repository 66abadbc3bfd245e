"""Every value a rule puts into a shell command reaches the shell quoted (Snakemake's `:q`), so a raw_dir with a
space, a label with a quote or a title with a `$` is passed as one argument, never split or expanded."""

import re

from conftest import REPO

SHELL_BLOCK = re.compile(r"^    shell:\n((?:        .*\n)+)", re.MULTILINE)
FIELD = re.compile(r"(?<!\{)\{([^{}]+)\}(?!\})")
UNQUOTED_ALLOWED = {"threads"}  # an integer Snakemake itself sets


def shell_commands() -> dict[str, list[str]]:
    rules = sorted((REPO / "workflow/rules").glob("*.smk"))
    return {path.name: SHELL_BLOCK.findall(path.read_text()) for path in rules}


def test_every_field_of_every_shell_command_is_quoted():
    commands = shell_commands()
    assert sum(len(blocks) for blocks in commands.values()) >= 19, "the pattern still finds the rules' commands"
    unquoted = [(name, field) for name, blocks in commands.items() for block in blocks
                for field in FIELD.findall(block) if not field.endswith(":q") and field not in UNQUOTED_ALLOWED]
    assert not unquoted


def test_the_pattern_would_catch_an_unquoted_field():
    block = '        "python -m synthbench x --raw {input.raw} --out {output:q} --processes {threads}"\n'
    assert [field for field in FIELD.findall(block) if not field.endswith(":q")] == ["input.raw", "threads"]
