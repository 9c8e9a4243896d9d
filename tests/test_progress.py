"""The progress bar of long training loops (course_utils.widgets.Progress, issue 17)."""

from course_utils import widgets


def test_progress_bar_reports_through_a_callback_and_leaves_one_stable_line(monkeypatch):
    import IPython.display

    shown, updates = [], []

    class Handle:
        def update(self, obj, **kwargs):
            updates.append(obj)

    def fake_display(obj, **kwargs):
        shown.append((obj, kwargs))
        return Handle()

    monkeypatch.setattr(IPython.display, "display", fake_display)
    monkeypatch.setattr(widgets, "_in_kernel", lambda: True)
    with widgets.Progress(10, "training") as progress:
        bar = progress._bar
        report = progress.callback("ELBO", every=5)
        for step in range(10):
            report(step, -1234.4 + step)
            if step == 4:
                assert bar.value == 5 and bar.description == "training ELBO -1230"
    assert bar.value == 10 and bar.description == "training ELBO -1225"
    bundle, kwargs = shown[0]
    assert kwargs.get("raw") is True and kwargs.get("display_id") is True
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert bundle["text/plain"] == "training: a progress bar while the cell runs"
    assert updates == [{"text/plain": "training: 10 of 10 steps done"}]


def test_progress_without_a_kernel_writes_ten_lines_to_stderr(capsys):
    progress = widgets.Progress(20, "loop")
    for step in range(20):
        progress.callback()(step, 0.0)
    progress.close()
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.count("\n") == 10
    assert captured.err.splitlines()[-1] == "loop: 20/20"
