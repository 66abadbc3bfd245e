"""Every snakemake command the README shows runs as written: each is dry-run (`-n`) from the repository root,
with outputs in a temporary folder where the paper config's download folders exist (empty).

Placeholders are filled the way a reader would: `N` cores -> 1, `[target]` -> nothing, `my.yaml` -> an
override file. Commands that build the report (`--report`) or lint are run by other tests; `--unlock` is run
as written (it changes nothing but the lock; the kill test in test_workflow_demo.py uses it for real). Where
conda is not installed (this project's CI), `--sdm conda` and `--use-conda` are left out, since Snakemake then stops at
`conda info` before planning anything; the rest of the command, argument order included, is checked all the
same.
"""

import re
import shlex
import shutil

import pytest

from conftest import REPO, empty_downloads, run_snakemake

INLINE = re.compile(r"`(snakemake [^`]+)`")
PLACEHOLDERS = {"N": "1"}


def readme_commands() -> list[str]:
    text = (REPO / "README.md").read_text()
    commands = [match for match in INLINE.findall(text)]
    for block in re.findall(r"```bash\n(.*?)```", text, flags=re.S):
        commands += [line.split("  #")[0].strip() for line in block.splitlines() if line.startswith("snakemake ")]
    return sorted({command.replace(" [target]", "") for command in commands})


RUNNABLE = [command for command in readme_commands() if "--report" not in command and "--lint" not in command]


def test_the_readme_shows_the_commands_this_test_runs():
    assert len(RUNNABLE) >= 10
    assert "snakemake demo_data --cores 2 --configfile config/demo.yaml" in RUNNABLE
    assert any(command.startswith("snakemake chest_samples --profile profiles/slurm") for command in RUNNABLE)


@pytest.mark.e2e
@pytest.mark.parametrize("command", RUNNABLE)
def test_readme_command_dry_runs(command, tmp_path):
    empty_downloads(tmp_path)  # where config/config.yaml expects the downloads
    (tmp_path / "my.yaml").write_text("seeds: [0, 1]\n")
    words = [PLACEHOLDERS.get(word, word) for word in shlex.split(command)[1:]]
    words = [str(tmp_path / "my.yaml") if word == "my.yaml" else word for word in words]
    if shutil.which("conda") is None:
        if "--sdm" in words:
            at = words.index("--sdm")
            del words[at:at + 2]
        words = [word for word in words if word != "--use-conda"]
    unlock = "--unlock" in words
    result = run_snakemake(tmp_path, *words, *([] if unlock else ["-n"]), check=False, cwd=REPO)
    assert result.returncode == 0, f"{command}\n{result.stdout[-2000:]}\n{result.stderr[-3000:]}"
    printed = result.stdout + result.stderr
    expected = ["Unlocked working directory"] if unlock else ["dry-run", "Nothing to be done"]
    assert any(text in printed for text in expected)
