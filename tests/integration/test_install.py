"""`make install DESTDIR=...`: the binary, one aimx-APPLET symlink per applet that runs that
applet, and a man page per applet in its section, each rendering with man(1) without warnings."""

import os
import re
import subprocess

import pytest

from conftest import APPLETS, REPO_ROOT, run

# The section of each applet's page: 8 for root's tools, 1 for users' commands.
SECTION = {"config": 8, "dkim-keygen": 8, "doctor": 8, "hooks": 1, "ingest": 8, "logs": 1,
           "mailboxes": 1, "mcp": 1, "portcheck": 8, "send": 1, "serve": 8, "setup": 8,
           "uninstall": 8, "version": 1}


@pytest.fixture(scope="module")
def dest(tmp_path_factory):
    root = tmp_path_factory.mktemp("install")
    # -o aimx: install the binary under test as built; never rebuild it here
    r = subprocess.run(["make", "-s", "-o", "aimx", "install", f"DESTDIR={root}",
                        "PREFIX=/usr"], cwd=REPO_ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return root


def test_binary_and_symlinks(dest):
    bindir = dest / "usr/bin"
    st = os.stat(bindir / "aimx")
    assert st.st_mode & 0o777 == 0o755
    with open(bindir / "aimx", "rb") as f, open(REPO_ROOT / "aimx", "rb") as g:
        assert f.read() == g.read()
    for applet in APPLETS:
        link = bindir / f"aimx-{applet}"
        assert os.readlink(link) == "aimx"  # relative: the tree can move
    r = run([bindir / "aimx-portcheck", "--help"])
    assert r.returncode == 0 and r.stdout.startswith("usage: aimx portcheck")


def test_every_applet_has_a_page(dest):
    assert sorted(SECTION) == sorted(APPLETS)
    mandir = dest / "usr/share/man"
    for applet, section in SECTION.items():
        page = mandir / f"man{section}" / f"aimx-{applet}.{section}"
        assert page.is_file(), page
        assert os.stat(page).st_mode & 0o777 == 0o644
        text = page.read_text()
        assert f".TH AIMX-{applet.upper()} {section} " in text
        assert "aimx\\-" + applet.replace("-", "\\-") + " \\- " in text
    assert (mandir / "man1/aimx.1").is_file()
    assert (mandir / "man5/aimx.toml.5").is_file()


def test_pages_render_without_warnings(dest):
    mandir = dest / "usr/share/man"
    pages = sorted(p for p in mandir.rglob("*.[158]"))
    assert len(pages) == len(APPLETS) + 2
    for page in pages:
        w = subprocess.run(["groff", "-man", "-ww", "-z", str(page)], capture_output=True,
                           text=True)
        assert w.returncode == 0 and w.stderr == "", f"{page}: {w.stderr}"
        r = subprocess.run(["man", "-l", str(page)], capture_output=True, text=True,
                           env=dict(os.environ, MANWIDTH="80", MAN_KEEP_FORMATTING="0"))
        assert r.returncode == 0, r.stderr
        plain = re.sub(r".\x08", "", r.stdout)  # drop the overstrike bold and underline
        assert re.search(r"^NAME\n", plain, re.M), page
        assert re.search(r"^SEE ALSO\n", plain, re.M), page


def test_aimx1_lists_every_page(dest):
    text = (REPO_ROOT / "man/aimx.1").read_text()
    see_also = text[text.index(".SH SEE ALSO"):]
    for applet, section in SECTION.items():
        assert f".BR aimx\\-{applet.replace('-', chr(92) + '-')} ({section})" in see_also
