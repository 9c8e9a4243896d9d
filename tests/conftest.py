"""Shared pytest hooks for the course's tests."""

import pytest

# Folders of screenshots taken by tests/test_browser.py, listed at the end of the run.
SCREENSHOT_DIRS = pytest.StashKey[list]()


def pytest_configure(config):
    config.stash[SCREENSHOT_DIRS] = []


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    for folder in config.stash.get(SCREENSHOT_DIRS, []):
        terminalreporter.write_line(f"browser test screenshots (one per notebook): {folder}")
