"""Sphinx configuration of the course's static site (``make site``, tools/build_site.py).

Sphinx reads the copy of ``notebooks/`` that tools/build_site.py prepares; the notebooks
are never executed here, their stored outputs are what the site shows. Everything a page
loads is written into the site: the book theme's own files and MathJax 3 from the
installed sphinx-mathjax-offline package, so the site reads with no network.
"""

project = "Latent-variable models and approximate Bayesian inference"
author = ""  # no byline in the footer; LICENSE names the holders
language = "en"
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
nb_code_prompt_show = "Show the worked solution's code"
nb_code_prompt_hide = "Hide the worked solution's code"

html_theme = "sphinx_book_theme"
html_title = project
html_show_sourcelink = False
html_copy_source = False
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
    "toc_title": "On this page",  # "Contents" is the course's first page
}

# Sphinx's gettext workflow (`-b gettext`, then sphinx-intl) for translated editions:
# catalogues go to tools/site/locale/<language>/LC_MESSAGES/, one per page.
locale_dirs = ["locale/"]
gettext_compact = False
gettext_location = False  # Sphinx reads a temporary copy: its paths would change every run
