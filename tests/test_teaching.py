"""The lessons as a lecturer and a reader without Python use them: structure, slides,
the student edition (tools/student_edition.py) and the static site (tools/build_site.py)."""

import html.parser
import importlib.util
import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
SLIDE_TYPES = {"slide", "subslide", "fragment", "skip", "notes", "-"}


def load_tool(name):
    spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def read(path):
    return nbformat.read(path, as_version=4)


def test_readme_lists_exactly_the_lessons_that_exist():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    listed = re.findall(r"\]\(notebooks/(\d\d_\w+\.ipynb)\)", readme)
    assert listed == [path.name for path in NOTEBOOKS]
    assert len(listed) == 7


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_lesson_links_to_its_neighbours_and_the_contents_at_both_ends(path):
    cells = read(path).cells
    index = NOTEBOOKS.index(path)
    expected = ["../README.md#lessons"]
    if index > 0:
        expected.append(NOTEBOOKS[index - 1].name)
    if index + 1 < len(NOTEBOOKS):
        expected.append(NOTEBOOKS[index + 1].name)
    for cell in (cells[0], cells[-1]):
        assert cell.cell_type == "markdown"
        for target in expected:
            assert f"]({target})" in cell.source, f"{path.name}: {target} not linked in {cell.source[:80]!r}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_lesson_has_slide_metadata_chosen_per_cell(path):
    types = [cell.metadata.get("slideshow", {}).get("slide_type") for cell in read(path).cells]
    assert None not in types, f"{path.name}: cell {types.index(None)} has no slideshow.slide_type"
    assert set(types) <= SLIDE_TYPES
    assert types[0] == "slide" and types.count("slide") >= 3
    assert "-" in types or "subslide" in types or "fragment" in types


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_solutions_are_tagged_and_start_collapsed(path):
    solutions = [c for c in read(path).cells if "solution" in c.metadata.get("tags", [])]
    assert solutions, f"{path.name} has no cell tagged 'solution'"
    for cell in solutions:
        if cell.cell_type == "code":
            assert cell.metadata.get("jupyter", {}).get("source_hidden") is True
        else:
            assert "<details>" in cell.source and "<summary>" in cell.source


@pytest.fixture(scope="module")
def student_edition(tmp_path_factory):
    output = tmp_path_factory.mktemp("student")
    load_tool("student_edition").write_student_edition(output)
    return output


def test_student_edition_has_every_lesson_and_no_solution(student_edition):
    assert sorted(p.name for p in student_edition.glob("*.ipynb")) == [p.name for p in NOTEBOOKS]
    for path in student_edition.glob("*.ipynb"):
        original, student = read(ROOT / "notebooks" / path.name), read(path)
        for cell in student.cells:
            assert "solution" not in cell.metadata.get("tags", [])
            assert "<summary>Solution" not in cell.source
        removed = len(original.cells) - len(student.cells)
        assert removed >= 1
        exercises = [c for c in student.cells if c.cell_type == "markdown" and "Exercise" in c.source]
        assert exercises, f"{path.name}: the exercise prompts must stay"


@pytest.mark.parametrize("name", [p.name for p in NOTEBOOKS])
def test_student_edition_still_executes(student_edition, name):
    from nbclient import NotebookClient

    notebook = read(student_edition / name)
    resources = {"metadata": {"path": str(student_edition)}}
    NotebookClient(notebook, timeout=120, kernel_name="python3", resources=resources).execute()
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            assert output.output_type != "error"


class LinkCollector(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.links, self.images = [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        if tag == "img" and attrs.get("src"):
            self.images.append(attrs["src"])


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    output = tmp_path_factory.mktemp("site")
    load_tool("build_site").build_site(output)
    return output


def test_site_has_a_page_per_lesson_an_index_and_the_glossary(site):
    for path in NOTEBOOKS:
        assert (site / f"{path.stem}.html").is_file()
    assert (site / "index.html").is_file() and (site / "glossary.html").is_file()


def test_every_link_of_the_site_resolves_and_figures_are_embedded(site):
    pages = sorted(site.glob("*.html"))
    for page in pages:
        collector = LinkCollector()
        collector.feed(page.read_text(encoding="utf-8"))
        for href in collector.links:
            if re.match(r"^(https?:|mailto:|#)", href):
                continue
            target = href.split("#")[0]
            assert (site / target).is_file(), f"{page.name} links to missing {href}"
        for src in collector.images:
            assert src.startswith("data:image/"), f"{page.name} has a non-embedded image {src[:60]}"
        if page.stem[:2].isdigit():
            assert collector.images, f"{page.name} shows no figure"
            assert "index.html" in collector.links


def test_site_navigation_chains_the_lessons(site):
    for index, path in enumerate(NOTEBOOKS):
        text = (site / f"{path.stem}.html").read_text(encoding="utf-8")
        nav = re.search(r'<nav class="course-nav">(.*?)</nav>', text).group(1)
        if index > 0:
            assert f'href="{NOTEBOOKS[index - 1].stem}.html"' in nav
        if index + 1 < len(NOTEBOOKS):
            assert f'href="{NOTEBOOKS[index + 1].stem}.html"' in nav

