"""The lessons as a lecturer and a reader without Python use them: structure, slides,
the student edition (tools/student_edition.py) and the static site (tools/build_site.py;
tests/test_site.py opens it in a browser)."""

import ast
import html.parser
import json
import re
from pathlib import Path

import nbformat
import pytest
from conftest import load_module

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
SLIDE_TYPES = {"slide", "subslide", "fragment", "skip", "notes", "-"}


def load_tool(name):
    return load_module(name, ROOT / "tools" / f"{name}.py")


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
    expected = ["contents.md"]
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


def test_fit_slides_breaks_where_either_language_would_run_over_and_keeps_the_authors_breaks():
    fit_slides = load_tool("fit_slides")
    kinds = ["slide", "-", "-", "subslide", "-", "-", "skip"]
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(f"cell {i}") for i in range(7)])
    for i, (cell, kind) in enumerate(zip(notebook.cells, kinds)):
        cell.id, cell.metadata["slideshow"] = f"c{i}", {"slide_type": kind}
    english = {f"c{i}": 200.0 for i in range(7)}
    japanese = {**english, "c1": 350.0}  # the Japanese of cell 1 is longer
    # English alone: 600 px fit a 700 px slide; with the Japanese, cell 2 would end at 750 px.
    assert fit_slides.fitted_slide_types(notebook, [english], 700)[0] == kinds
    both, too_tall = fit_slides.fitted_slide_types(notebook, [english, japanese], 700)
    assert both == ["slide", "-", "subslide", "subslide", "-", "-", "skip"] and too_tall == []
    _, too_tall = fit_slides.fitted_slide_types(notebook, [english, {**japanese, "c5": 800.0}], 700)
    assert [note.split()[1] for note in too_tall] == ["c5"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_lesson_file_stays_under_3_mb(path):
    assert path.stat().st_size < 3_000_000, f"{path.name}: {path.stat().st_size / 1e6:.2f} MB"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_explore_cells_store_a_human_line_not_a_widget_repr(path):
    """Where no kernel runs (site, student edition, viewers) the stored text is what shows."""
    explore_cells = [c for c in read(path).cells if c.cell_type == "code" and "widgets.explore(" in c.source]
    for cell in explore_cells:
        texts = [o.get("data", {}).get("text/plain", "") for o in cell.outputs]
        assert not any("children=" in text for text in texts), f"{path.name}: a widget repr is stored"
        assert any("need a running kernel" in text for text in texts), f"{path.name}: no line for the controls"


def tags(cell) -> list[str]:
    return cell.metadata.get("tags", [])


def exercises(notebook) -> list[tuple[int, object, list]]:
    """(number, prompt cell, the cells after it up to the next prompt or heading) per exercise."""
    found = []
    for cell in notebook.cells:
        if "exercise" in tags(cell):
            number = re.match(r"\*\*(\d+)\.\*\*", cell.source)
            assert number, f"an exercise prompt must start with **N.**: {cell.source[:60]!r}"
            found.append((int(number.group(1)), cell, []))
        elif found and cell.cell_type == "markdown" and re.match(r"#+ ", cell.source):
            break
        elif found:
            found[-1][2].append(cell)
    return found


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_exercise_has_its_answer_cell_check_and_collapsed_solution(path):
    """Issue 14: prompt; for code, an answer cell with `...`, a check, a worked solution whose
    source and output start collapsed and whose first line gives nothing away; a collapsed
    written answer for a conceptual question."""
    notebook = read(path)
    found = exercises(notebook)
    assert found, f"{path.name}: no cell tagged 'exercise'"
    assert [number for number, _, _ in found] == list(range(1, len(found) + 1))
    lesson = path.name[:2]
    coding = 0
    for number, _, cells in found:
        where = f"{path.name}, exercise {number}"
        assert cells, f"{where}: nothing follows the prompt"
        for cell in cells:
            assert {"answer", "check", "solution"} & set(tags(cell)), f"{where}: untagged cell {cell.source[:60]!r}"
        solutions = [c for c in cells if "solution" in tags(c)]
        assert solutions, f"{where}: no worked solution or answer"
        for cell in solutions:
            if cell.cell_type == "code":
                hidden = cell.metadata.get("jupyter", {})
                assert hidden.get("source_hidden") is True and hidden.get("outputs_hidden") is True, where
                # JupyterLab saves a cell with hidden outputs as "collapsed": stored so, opening
                # and saving a lesson without running it leaves the file unchanged.
                assert cell.metadata.get("collapsed") is True, f"{where}: solution not stored as collapsed"
                first_line = cell.source.splitlines()[0]
                assert first_line.startswith("# Worked solution"), f"{where}: first line {first_line!r}"
            else:
                assert "<details>" in cell.source and "<summary>" in cell.source, where
        if any(c.cell_type == "code" for c in cells):
            coding += 1
            answer, check = cells[0], cells[1]
            assert "answer" in tags(answer) and answer.cell_type == "code", f"{where}: first comes the answer cell"
            assert "..." in answer.source, f"{where}: the answer cell needs `...` where the work goes"
            assert "check" in tags(check) and check.cell_type == "code", f"{where}: then the check cell"
            assert check.source.strip().startswith(f"check.exercise_{number}("), f"{where}: {check.source!r}"
            code_solutions = [c for c in solutions if c.cell_type == "code"]
            assert code_solutions, f"{where}: a coding exercise needs a worked solution in code"
            assert f"assert check.exercise_{number}(" in code_solutions[-1].source, (
                f"{where}: the worked solution must pass its own check"
            )
    assert coding >= 1, f"{path.name}: no exercise with an answer cell"
    imports = "".join(c.source for c in notebook.cells if c.cell_type == "code")
    assert f"from course_utils.checks import lesson{lesson} as check" in imports


@pytest.fixture(scope="module")
def student_edition(tmp_path_factory):
    output = tmp_path_factory.mktemp("student")
    load_tool("student_edition").write_student_edition(output)
    return output


EDITIONS = ("", "ja")  # the English lessons, and the Japanese ones in ja/


@pytest.mark.parametrize("edition", EDITIONS)
def test_student_edition_has_every_lesson_and_no_solution(student_edition, edition):
    folder = student_edition / edition
    assert sorted(p.name for p in folder.glob("*.ipynb")) == [p.name for p in NOTEBOOKS]
    for path in folder.glob("*.ipynb"):
        original, student = read(ROOT / "notebooks" / edition / path.name), read(path)
        for cell in student.cells:
            assert "solution" not in tags(cell)
            assert "Worked solution" not in cell.source
        removed = len(original.cells) - len(student.cells)
        assert removed >= 1
        for kind in ("exercise", "answer", "check"):
            kept = [c for c in student.cells if kind in tags(c)]
            assert kept == [c for c in original.cells if kind in tags(c)], f"{path.name}: the {kind} cells must stay"
    assert (folder / "contents.md").is_file() and (folder / "glossary.md").is_file()


@pytest.mark.parametrize("edition", EDITIONS)
def test_student_edition_does_not_speak_of_solutions_it_lacks_or_to_the_teacher(student_edition, edition):
    folder = student_edition / edition
    texts = [(folder / "contents.md").read_text(encoding="utf-8")]
    for path in folder.glob("*.ipynb"):
        texts += [cell.source for cell in read(path).cells if cell.cell_type == "markdown"]
    for text in texts:
        assert "<!-- solutions -->" not in text and "<!-- teachers -->" not in text
        assert "worked solution" not in text.lower() and "teaching from the course" not in text.lower()
        assert "解答例" not in text  # "worked solution" in the Japanese edition
    full = (ROOT / "notebooks" / "contents.md").read_text(encoding="utf-8")
    assert "<!-- solutions -->" in full and "<!-- teachers -->" in full  # the full edition keeps them


def _names(source: str) -> tuple[set[str], set[str]]:
    """(names a code cell binds, names it reads), ignoring IPython's % and ! lines."""
    tree = ast.parse("\n".join(line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))))
    bound, read_ = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (bound if isinstance(node.ctx, ast.Store) else read_).add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            bound.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            bound.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
    return bound, read_


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_no_cell_of_the_student_edition_needs_a_name_only_a_worked_solution_defines(path):
    """The student edition drops the solution cells: a later cell that reads a name only a
    solution binds would fail there. (The Japanese lessons have the same code cells.)"""
    available, from_solutions, needing = set(), set(), []
    for cell in read(path).cells:
        if cell.cell_type != "code":
            continue
        bound, read_ = _names(cell.source)
        if "solution" in tags(cell):
            from_solutions |= bound - available
            continue
        if missing := (read_ - bound - available) & from_solutions:
            needing.append(f"cell {cell.id} reads {sorted(missing)}")
        available |= bound
    assert needing == []


MARKDOWN_LINK = re.compile(r"\]\(([^)\s]+)\)")
HTML_LINK = re.compile(r'(?:href|src)="([^"]+)"')


def broken_links(folder: Path) -> list[str]:
    """Relative links in the Markdown of every notebook and .md file of ``folder`` and of its
    Japanese edition ``folder/ja`` whose target is not a file inside ``folder``, the only
    folder JupyterLab serves (web
    addresses and in-page anchors are not followed)."""
    broken = []
    pages = [path for edition in EDITIONS for pattern in ("*.ipynb", "*.md") for path in sorted((folder / edition).glob(pattern))]
    for path in pages:
        if path.suffix == ".ipynb":
            texts = [cell.source for cell in read(path).cells if cell.cell_type == "markdown"]
        else:
            texts = [path.read_text(encoding="utf-8")]
        for text in texts:
            for target in MARKDOWN_LINK.findall(text) + HTML_LINK.findall(text):
                if re.match(r"^([a-z]+:|#)", target):
                    continue
                resolved = (path.parent / target.split("#")[0]).resolve()
                if not resolved.is_relative_to(folder.resolve()) or not resolved.exists():
                    broken.append(f"{path.relative_to(folder).as_posix()} -> {target}")
    return broken


def test_every_relative_link_of_the_lessons_contents_and_glossary_resolves():
    assert broken_links(ROOT / "notebooks") == []


def test_every_relative_link_of_the_student_edition_resolves(student_edition):
    assert broken_links(student_edition) == []


def test_contents_page_lists_every_lesson_the_glossary_and_how_to_do_the_exercises():
    contents = (ROOT / "notebooks" / "contents.md").read_text(encoding="utf-8")
    listed = re.findall(r"\]\((\d\d_\w+\.ipynb)\)", contents)
    assert listed == [path.name for path in NOTEBOOKS]
    assert "](glossary.md)" in contents
    for word in ("answer cell", "check cell", "worked solution"):
        assert word in contents


def test_make_lab_serves_the_notebooks_opens_the_contents_and_runs_as_root():
    from course_utils import lab

    recipe = re.search(r"^lab:.*\n\t(.*)$", (ROOT / "Makefile").read_text(encoding="utf-8"), re.MULTILINE)
    assert recipe.group(1) == "$(BIN)/python -m course_utils.lab --folder notebooks $(LAB_ARGS)"
    folder, extra = lab.parse_args(["--folder", str(ROOT / "notebooks"), "--no-browser"])
    command = lab.lab_command(extra, as_root=True, notebook_dir=folder)
    assert f"--ServerApp.root_dir={ROOT / 'notebooks'}" in command
    assert "--LabApp.default_url=/lab/tree/contents.md" in command
    assert "--allow-root" in command and command[-1] == "--no-browser"
    assert "--allow-root" not in lab.lab_command([], as_root=False, notebook_dir=folder)
    settings = json.loads((lab.SETTINGS / "overrides.json").read_text(encoding="utf-8"))
    assert settings["@jupyterlab/apputils-extension:notification"]["fetchNews"] == "false"
    assert settings["@jupyterlab/docmanager-extension:plugin"]["defaultViewers"]["markdown"] == "Markdown Preview"


def test_make_lab_folder_can_be_overridden_and_must_hold_the_contents(tmp_path, monkeypatch, capsys):
    from course_utils import lab

    (tmp_path / "contents.md").write_text("# Contents\n", encoding="utf-8")
    # LAB_ARGS come after the Makefile's --folder notebooks: the later one wins.
    folder, extra = lab.parse_args(["--folder", "notebooks", "--folder", str(tmp_path), "--port=9999"])
    assert folder == tmp_path.resolve() and extra == ["--port=9999"]
    monkeypatch.chdir(tmp_path)  # the student edition: run from its folder, no --folder
    assert lab.parse_args([]) == (tmp_path.resolve(), [])
    with pytest.raises(SystemExit):
        lab.parse_args(["--folder", str(tmp_path / "elsewhere")])
    assert "--folder must hold the course's contents.md" in capsys.readouterr().err


class LinkCollector(html.parser.HTMLParser):
    """Every address a page links to or loads (a, link, script, img), and its level-1 heading."""

    def __init__(self):
        super().__init__()
        self.links, self.loads, self.images = [], [], []
        self.heading, self._in_heading = "", False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        if tag == "link" and attrs.get("href"):
            self.loads.append(attrs["href"])
        if tag in {"script", "img"} and attrs.get("src"):
            self.loads.append(attrs["src"])
        if tag == "img" and attrs.get("src"):
            self.images.append(attrs["src"])
        self._in_heading = self._in_heading or (tag == "h1" and not self.heading)

    def handle_endtag(self, tag):
        self._in_heading = self._in_heading and tag != "h1"

    def handle_data(self, data):
        if self._in_heading:
            self.heading += data


def collected(page: Path) -> LinkCollector:
    collector = LinkCollector()
    collector.feed(page.read_text(encoding="utf-8"))
    return collector


def site_titles() -> dict[str, str]:
    """The one form of each lesson's title, "04 · Gaussian mixtures and EM", from the contents table."""
    contents = (ROOT / "notebooks" / "contents.md").read_text(encoding="utf-8")
    return load_tool("build_site").lesson_titles(contents)


def test_site_has_a_page_per_lesson_an_index_and_the_glossary(site):
    for path in NOTEBOOKS:
        assert (site / f"{path.stem}.html").is_file()
    assert (site / "index.html").is_file() and (site / "glossary.html").is_file()
    assert list(site.parent.iterdir()) == [site], "the build wrote beside its output folder"


def test_every_link_of_the_site_resolves_and_nothing_is_loaded_from_the_web(site):
    pages = sorted(site.glob("*.html")) + sorted(site.glob("ja/*.html"))
    assert len(pages) == 2 * len(sorted(site.glob("*.html"))), "the Japanese site lacks pages"
    for page in pages:
        collector = collected(page)
        for address in collector.links + collector.loads:
            if re.match(r"^(https?:|mailto:)", address) and address in collector.links:
                continue  # a link the reader may follow, not something the page loads
            if address.startswith("data:"):
                continue  # embedded in the page
            assert not re.match(r"^([a-z]+:)?//", address), f"{page.name} loads {address} from the web"
            target = address.split("#")[0].split("?")[0]
            assert not target or (page.parent / target).is_file(), f"{page.name} links to missing {address}"
        if page.stem[:2].isdigit():
            assert collector.images, f"{page.name} shows no figure"
            assert "index.html" in collector.links
    mathjax = site / "_static" / "mathjax" / "tex-chtml.js"
    assert mathjax.is_file(), "MathJax is not copied into the site"
    lesson = (site / f"{NOTEBOOKS[0].stem}.html").read_text(encoding="utf-8")
    assert 'src="_static/mathjax/tex-chtml.js' in lesson


def test_site_collapses_worked_solution_code_and_keeps_every_answer(site):
    for path in NOTEBOOKS:
        text = (site / f"{path.stem}.html").read_text(encoding="utf-8")
        notebook = read(path)
        code = [c for c in notebook.cells if c.cell_type == "code" and "solution" in tags(c)]
        # myst-nb puts a cell tagged hide-input inside a closed <details> with this class.
        collapsed = re.findall(r'<details class="[^"]*\bhide above-input">(.*?)</details>', text, re.DOTALL)
        assert len(collapsed) == len(code), f"{path.stem}.html: {len(collapsed)} collapsed cells for {len(code)}"
        for cell, shown in zip(code, collapsed):
            first = html.escape(cell.source.splitlines()[0], quote=False).split("#", 1)[1].strip()
            assert first in re.sub(r"<[^>]+>", "", shown), f"{path.stem}.html: {first!r} is not collapsed"
        assert "<details open" not in text
        assert text.count("<summary>Output of the worked solution") == len(code)
        written = sum("<summary>Answer</summary>" in cell.source for cell in notebook.cells
                      if cell.cell_type == "markdown")
        assert text.count("<summary>Answer</summary>") == written, f"{path.stem}.html lost a written answer"


def test_site_shows_the_explore_line_and_loads_no_widget_code(site):
    for path in NOTEBOOKS:
        text = (site / f"{path.stem}.html").read_text(encoding="utf-8")
        explore = sum(1 for c in read(path).cells if c.cell_type == "code" and "widgets.explore(" in c.source)
        assert text.count("need a running kernel") >= explore
        assert "application/vnd.jupyter.widget" not in text, f"{path.stem}.html keeps widget state or views"
        assert "require.js" not in text and "@jupyter-widgets" not in text


def test_site_titles_each_lesson_in_one_form_and_chains_the_lessons(site):
    titles = site_titles()
    index = collected(site / "index.html")
    assert index.heading.strip().rstrip("#").strip() == "Contents"
    assert len(titles) == len(NOTEBOOKS)
    for number, path in enumerate(NOTEBOOKS):
        title = titles[path.stem]
        assert re.fullmatch(r"\d\d · \S.*", title), title
        text = (site / f"{path.stem}.html").read_text(encoding="utf-8")
        assert collected(site / f"{path.stem}.html").heading.strip().rstrip("#").strip() == title
        assert f"<title>{html.escape(title, quote=False)} &#8212;" in text
        assert f'href="{path.stem}.html">{html.escape(title, quote=False)}</a>' in (site / "index.html").read_text(
            encoding="utf-8"), f"the contents page does not list {title!r}"
        assert f"{path.stem}.html" in index.links
        footer = re.search(r'<div class="prev-next-area">(.*?)</div>\s*</footer>', text, re.DOTALL).group(1)
        previous = NOTEBOOKS[number - 1].stem if number else "index"
        following = NOTEBOOKS[number + 1].stem if number + 1 < len(NOTEBOOKS) else "glossary"
        assert re.search(rf'class="left-prev"\s+href="{previous}\.html"', footer), f"{path.stem}: previous"
        assert re.search(rf'class="right-next"\s+href="{following}\.html"', footer), f"{path.stem}: next"
        for other, other_title in titles.items():
            # Links between lessons and the navigation use the same form.
            for shown in re.findall(rf'href="{other}\.html(?:#[^"]*)?"[^>]*>(?:\s*<[^>]+>)*\s*([^<]+)', text):
                if re.match(r"\d\d\b", shown.strip()):
                    assert shown.strip() == other_title, f"{path.stem}.html names {other} {shown.strip()!r}"


def test_japanese_site_is_titled_and_labelled_in_japanese(site):
    """The Japanese site (ja/) takes its lesson titles from the Japanese contents table, and
    the course's own labels (tools/site/conf.py) and the theme's are in Japanese."""
    japanese = site / "ja"
    contents = (ROOT / "notebooks" / "ja" / "contents.md").read_text(encoding="utf-8")
    titles = load_tool("build_site").lesson_titles(contents)
    assert sorted(titles) == [path.stem for path in NOTEBOOKS]
    index = (japanese / "index.html").read_text(encoding="utf-8")
    assert collected(japanese / "index.html").heading.strip().rstrip("#").strip() == "目次"
    for path in NOTEBOOKS:
        page = japanese / f"{path.stem}.html"
        text = page.read_text(encoding="utf-8")
        assert '<html lang="ja"' in text, f"ja/{page.name} is not marked as Japanese"
        assert collected(page).heading.strip().rstrip("#").strip() == titles[path.stem]
        assert f'href="{path.stem}.html">{html.escape(titles[path.stem], quote=False)}</a>' in index
        solutions = sum(1 for c in read(path).cells if c.cell_type == "code" and "solution" in tags(c))
        assert text.count("解答例のコードを表示") == solutions, f"ja/{page.name}: the solution toggles' label"
        assert "このページの内容" in text and "On this page" not in text
        assert "前へ" in text and "次へ" in text  # the theme's previous/next labels
    # Sphinx's Japanese search, whose index holds the Japanese words of the pages.
    assert "LANGUAGE: 'ja'" in (japanese / "_static" / "documentation_options.js").read_text(encoding="utf-8")
    search_index = (japanese / "searchindex.js").read_text(encoding="utf-8")
    terms = json.loads(search_index[search_index.index("(") + 1:search_index.rindex(")")])["terms"]
    assert any(re.search(r"[ぁ-んァ-ヶ一-龠]", term) for term in terms), "no Japanese word in the search index"


def glossary_rows() -> list[tuple[str, str]]:
    """(term, lesson of first use) for every row of the glossary's table."""
    return [(english, lesson) for english, _, lesson, _ in load_tool("translations").glossary_rows()]


def normalized(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[-‐–]", " ", text.lower()))


def term_variants(term: str) -> list[str]:
    """The forms a glossary term may take in a lesson: each side of " / ", without any words in
    parentheses ("normal (Gaussian) distribution" is found as "normal distribution")."""
    variants = [re.sub(r"\s*\(.*?\)", "", part) for part in term.split(" / ")]
    return [normalized(variant).strip() for variant in variants if variant.strip()]


def lesson_prose(path) -> str:
    """A lesson's Markdown without its navigation lines (which name the neighbouring lessons)."""
    cells = [cell for cell in read(path).cells if cell.cell_type == "markdown"]
    texts = [re.sub(r"^\[Contents\].*$", "", cell.source, flags=re.MULTILINE) for cell in cells]
    return normalized(" ".join(texts))


def variant_pattern(variant: str):
    """Each word as written, or inflected: a word of 8 letters or more by its first 7
    ("estimation" also matches "estimate"), a shorter one with an optional plural."""
    words = [
        re.escape(word[:7]) + r"\w*" if len(word) >= 8 and word.isalpha() else re.escape(word) + "(?:s|es)?"
        for word in variant.split()
    ]
    return re.compile(r"(?<!\w)" + " ".join(words) + r"(?!\w)")


def test_glossary_terms_are_used_first_in_the_lesson_it_names():
    """Issue 15: every glossary term appears in a lesson, first in the lesson the glossary names."""
    prose = {path.name[:2]: lesson_prose(path) for path in NOTEBOOKS}
    wrong = []
    for term, first in glossary_rows():
        patterns = [variant_pattern(variant) for variant in term_variants(term)]
        using = [lesson for lesson, text in prose.items() if any(p.search(text) for p in patterns)]
        if not using or using[0] != first:
            wrong.append(f"{term}: listed {first}, used in {using or 'no lesson'}")
    assert not wrong, "glossary entries that do not match the lessons:\n" + "\n".join(wrong)
