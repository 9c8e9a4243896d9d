"""Sphinx configuration of the course's static site (``make site``, tools/build_site.py).

Sphinx reads the copy of ``notebooks/`` that tools/build_site.py prepares; the notebooks
are never executed here, their stored outputs are what the site shows. Everything a page
loads is written into the site: the book theme's own files and MathJax 3 from the
installed sphinx-mathjax-offline package, so the site reads with no network.

The same configuration builds the English site and the Japanese one (``_site/ja/``):
tools/build_site.py names the language in the environment variable COURSE_SITE_LANGUAGE.
Sphinx and the theme translate their own labels; the course's own are in ``TEXTS``.
"""

import os
import sys

# The course's own strings, and where the other language's site is from this one's root.
TEXTS = {
    "en": {
        "project": "Latent-variable models and approximate Bayesian inference",
        "show_code": "Show the worked solution's code",
        "hide_code": "Hide the worked solution's code",
        "toc_title": "On this page",  # "Contents" is the course's first page
        "other_edition": {"language": "ja", "label": "日本語", "root": "ja/"},
    },
    "ja": {
        "project": "潜在変数モデルと近似ベイズ推論",
        "show_code": "解答例のコードを表示",
        "hide_code": "解答例のコードを隠す",
        "toc_title": "このページの内容",  # 「目次」 is the course's first page
        "other_edition": {"language": "en", "label": "English", "root": "../"},
    },
}
language = os.environ.get("COURSE_SITE_LANGUAGE", "en")
text = TEXTS[language]

project = text["project"]
author = ""  # no byline in the footer; LICENSE names the holders
root_doc = "index"  # notebooks/contents.md, renamed by tools/build_site.py

extensions = ["myst_nb", "sphinx-mathjax-offline"]

# Notebooks: stored outputs only. An Explore cell stores a widget view next to a line of
# text and HTML that says the controls need a kernel; the site shows that line and loads
# no widget JavaScript (which myst-nb would otherwise take from a CDN).
nb_execution_mode = "off"
nb_ipywidgets_js = {}
nb_mime_priority_overrides = [("html", "application/vnd.jupyter.widget-view+json", None)]
myst_enable_extensions = ["dollarmath", "amsmath"]
# Only worked solutions have their code hidden (tools/build_site.py tags them hide-input).
nb_code_prompt_show = text["show_code"]
nb_code_prompt_hide = text["hide_code"]

html_theme = "sphinx_book_theme"
html_title = project
html_show_sourcelink = False
html_copy_source = False
# A link to the same page in the other language at the top of every page
# (_templates/language-switch.html), font stacks with Japanese fonts (_static/course.css),
# and on the Japanese site, queries split into Japanese words (_static/japanese-search.js).
templates_path = ["_templates"]
html_static_path = ["_static"]
html_css_files = ["course.css"]
html_context = {"other_edition": text["other_edition"]}
if language == "ja":  # before Sphinx's searchtools.js (priority 500), which then uses its splitQuery
    html_js_files = [("japanese-search.js", {"priority": 400})]
    # The glossary's terms are indexed whole, besides Sphinx's words (japanese_search.py).
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    html_search_options = {"type": "japanese_search.GlossarySplitter"}
html_theme_options = {
    # Nothing that points at or loads from a web service: no repository, issue, edit or
    # launch buttons, no analytics, no source download.
    "use_download_button": False,
    "use_repository_button": False,
    "use_issues_button": False,
    "use_edit_page_button": False,
    "use_source_button": False,
    "launch_buttons": {},
    "home_page_in_toc": True,
    "show_navbar_depth": 1,
    "show_toc_level": 2,
    "toc_title": text["toc_title"],
    "article_header_end": ["language-switch.html", "article-header-buttons.html"],
}
