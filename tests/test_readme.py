"""The code the README shows must work exactly as written."""
import re
from pathlib import Path

README = Path(__file__).resolve().parent.parent / 'README.rst'


def python_blocks() -> list[str]:
    """The ``.. code-block:: python`` blocks of the README, dedented."""
    text = README.read_text(encoding='utf-8')
    blocks = re.findall(r'\.\. code-block:: python\n\n((?:   .*\n|\n)+)', text)
    return ['\n'.join(line[3:] for line in block.splitlines()) for block in blocks]


def test_readme_has_a_library_example() -> None:
    assert python_blocks()


def test_readme_python_examples_run(capsys: object) -> None:
    for block in python_blocks():
        exec(compile(block, str(README), 'exec'), {})
