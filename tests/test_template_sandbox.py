"""A template someone shares must not reach beyond the handout.

Each hostile template runs in a fresh ``handout`` process under an audit hook
(``sys.addaudithook``) that logs every file opened, every file removed or renamed
and every process started. A case passes when the build stops with exit code 1
and one located ``error:`` line (template and line), prints no traceback, opens
no file outside the template, content and cache folders and writes none, starts
no process, leaves the previous PDF byte-identical, and all of it within the
timeout.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import ROOT

TIMEOUT = 60  # seconds; a template's own budget is 5
SECRET = "SECRET-d41d8cd98f"

AUDITED = r"""
import os, sys
log = open(os.environ["AUDIT_LOG"], "w", buffering=1)
WATCH = ("subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.fork", "os.forkpty",
         "os.remove", "os.unlink", "os.rename", "os.rmdir", "os.truncate", "os.chmod", "os.chown",
         "os.symlink", "os.link", "shutil.rmtree", "shutil.copyfile", "ctypes.dlopen", "socket.connect",
         "pickle.find_class", "exec", "compile", "urllib.Request")
def hook(event, args):
    if event == "open":
        path, mode, flags = args
        log.write(f"open\t{path}\t{mode}\t{flags}\n")
    elif event in WATCH:
        log.write(f"{event}\t{str(args)[:300]!r}\n")
sys.addaudithook(hook)
from handout.cli import main
sys.argv = ["handout", *sys.argv[1:]]
main()
"""


@dataclass
class Run:
    code: int
    err: str
    seconds: float
    events: list[list[str]]


def run_audited(args: list[str], tmp: Path, timeout: float = TIMEOUT) -> Run:
    log = tmp / "audit.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith("HANDOUT_")}
    env.update({"AUDIT_LOG": str(log), "HANDOUT_CACHE_DIR": str(tmp / "cache"), "HOME": str(tmp / "home"),
                "PYTHONDONTWRITEBYTECODE": "1"})
    start = time.monotonic()
    proc = subprocess.run([sys.executable, "-c", AUDITED, *args], cwd=tmp / "work", env=env,
                          capture_output=True, text=True, timeout=timeout)
    seconds = time.monotonic() - start
    events = [line.split("\t") for line in log.read_text(encoding="utf-8").splitlines()]
    return Run(proc.returncode, proc.stdout + proc.stderr, seconds, events)


def _writes(mode: str | None, flags: str) -> bool:
    if mode and mode != "None":
        return any(c in mode for c in "wax+")
    return bool(int(flags) & (os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC))


def assert_contained(run: Run, tmp: Path, may_write: tuple[Path, ...] = ()) -> None:
    """Nothing outside the project, the Python installation and *tmp* was opened; nothing run."""
    readable = (str(ROOT), sys.prefix, sys.base_prefix, str(tmp), "/dev/urandom", "/etc/localtime", "/usr/share/zoneinfo")
    for event in run.events:
        kind = event[0]
        if kind == "open":
            path, mode, flags = event[1], event[2], event[3]
            if path.isdigit():
                continue  # an already open descriptor
            full = os.path.abspath(os.path.join(tmp / "work", path))
            assert "secret" not in full, f"opened the secret file: {event}"
            assert full.startswith(readable), f"opened a file outside: {event}"
            if _writes(mode, flags):
                assert any(full.startswith(str(p)) for p in may_write), f"wrote a file: {event}"
        elif kind in ("exec", "compile"):
            continue  # Jinja2 compiles templates to Python; what they may do is the sandbox's business
        elif kind in ("os.rename", "os.remove", "os.unlink") and any(str(p) in event[1] for p in may_write):
            assert "secret" not in event[1], event
        else:
            raise AssertionError(f"{kind} happened: {event}")


@pytest.fixture(scope="module")
def previous_pdf(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    tmp = tmp_path_factory.mktemp("previous")
    for sub in ("work", "home"):
        (tmp / sub).mkdir()
    run = run_audited(["guide", "piriformis", "-o", "previous.pdf"], tmp)
    assert run.code == 0, run.err
    return (tmp / "work" / "previous.pdf").read_bytes()


@pytest.fixture
def place(tmp_path: Path, previous_pdf: bytes) -> Path:
    """tmp/work (the working folder, holding yesterday's PDF), tmp/templates, and a secret beside them."""
    for sub in ("work", "home", "templates"):
        (tmp_path / sub).mkdir()
    (tmp_path / "work" / "out.pdf").write_bytes(previous_pdf)
    (tmp_path / "secret.txt").write_text(SECRET, encoding="utf-8")
    return tmp_path


def guide_template(body: str) -> str:
    """A guide template whose line 3 is *body*."""
    return "{#- hostile -#}\n<document><title>{{ topic.title }}</title>\n" + body + "\n</document>\n"


@dataclass
class Case:
    id: str
    body: str  # line 3 of guide.xml.j2
    pattern: str  # what the error line says after "guide.xml.j2:3: "
    file: str = "guide.xml.j2"
    line: int = 3


S = str  # the secret's path, put in by the test
CASES = [
    # ---- walking to Python internals ----
    Case("class-mro-subclasses", "{{ topic.__class__.__mro__[1].__subclasses__() }}", r"'__class__' of topic is not available"),
    Case("str-mro", "{{ ''.__class__.mro() }}", r"'__class__' of str is not available"),
    Case("markup-class-init-globals", "{{ topic.title.__class__.__init__.__globals__ }}", r"'__class__' of Markup"),
    Case("cycler-globals-popen", "{{ cycler.__init__.__globals__.os.popen('touch PWNED').read() }}", r"'__init__' of type is not available"),
    Case("joiner-globals", "{{ joiner.__init__.__globals__['os'].system('touch PWNED') }}", r"'__init__' of type"),
    Case("namespace-globals", "{{ namespace.__init__.__globals__ }}", r"'__init__' of type"),
    Case("lipsum-globals", "{{ lipsum.__globals__['os'].popen('touch PWNED').read() }}", r"'lipsum' is undefined"),
    Case("self-context", "{{ self._TemplateReference__context.environment.loader }}", r"'_TemplateReference__context' of TemplateReference"),
    Case("loop-internals", "{% for x in [1] %}{{ loop._iterator }}{% endfor %}", r"'_iterator' of LoopContext"),
    Case("macro-globals", "{% macro m() %}{% endmacro %}{{ m._func.__globals__ }}", r"'_func' of Macro"),
    Case("method-self", "{{ topic.section.__self__.path.read_text() }}", r"<section\(\)> has no attribute '__self__'"),
    Case("dict-global-fromkeys", "{{ dict.fromkeys(['a']) }}", r"'fromkeys' of type is not available"),
    # ---- the paths the model holds ----
    Case("topic-path-read", "{{ topic.path.read_text() }}", r"topic has no attribute 'path'"),
    Case("topic-path-parent-write", "{{ topic.path.parent.joinpath('x.md').write_text('pwned') }}", r"topic has no attribute 'path'"),
    Case("brand-logo", "{{ brand.logo.read_bytes() }}", r"brand has no attribute 'logo'"),
    Case("brand-path-unlink", "{{ brand.path.unlink() }}", r"brand has no attribute 'path'"),
    Case("brand-fonts", "{{ brand.fonts.regular.open().read() }}", r"has no attribute 'regular'|fontfiles has no attribute 'regular'"),
    Case("item-path", "{{ topic['path'] }}", r"topic has no attribute 'path'"),
    # ---- filters that look attributes up ----
    Case("attr-filter-path", "{{ (topic|attr('path')).read_text() }}", r"topic has no attribute 'path'"),
    Case("attr-filter-class", "{{ topic.title|attr('__class__') }}", r"'__class__' of Markup is not available"),
    Case("map-attribute", "{{ topic.sources|map(attribute='__class__')|list }}", r"'__class__' of source is not available"),
    Case("map-attribute-path", "{{ [topic]|map(attribute='path')|join }}", r"topic has no attribute 'path'"),
    Case("sort-attribute", "{{ topic.sources|sort(attribute='__class__.__init__')|list }}", r"'__class__' of source is not available"),
    # ---- formatting ----
    Case("str-format-attribute", "{{ '{0.__class__.__init__.__globals__}'.format(topic) }}", r"'format' of str is not available"),
    Case("str-format-map", "{{ '{x.path}'.format_map({'x': topic}) }}", r"'format_map' of str is not available"),
    Case("format-filter-width", "{{ '%1000000000d'|format(1) }}", r"width or precision .* 1,000,000,000"),
    Case("percent-width", "{{ '%1000000000d' % 1 }}", r"width or precision .* 1,000,000,000"),
    Case("percent-star-width", "{{ '%*d' % (1000000000, 1) }}", r"'\*' widths are not allowed"),
    Case("percent-mapping-repeat", "{{ ('%(a)s' * 100000) % {'a': 'x' * 100000} }}", r"% formatting would make"),
    # ---- size: every way to grow a text or a list ----
    Case("center-width", "{{ 'x'|center(1000000000) }}", r"\|center would make 1,000,000,000"),
    Case("str-center-method", "{{ 'x'.center(1000000000) }}", r"'center' of str is not available"),
    Case("ljust-method", "{{ 'x'.ljust(1000000000) }}", r"'ljust' of str is not available"),
    Case("repeat-string", "{{ 'x' * 1000000000 }}", r"'\*' would make 1,000,000,000 characters"),
    Case("repeat-list", "{{ [1] * 1000000000 }}", r"'\*' would make 1,000,000,000 items"),
    Case("concat-doubling", "{% set ns = namespace(s='xxxxxxxx') %}{% for i in range(64) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}", r"'~' would make"),
    Case("plus-doubling", "{% set ns = namespace(s='xxxxxxxx') %}{% for i in range(64) %}{% set ns.s = ns.s + ns.s %}{% endfor %}", r"'\+' would make"),
    Case("join-huge-list", "{{ (['x' * 100000] * 100000)|join }}", r"\|join would make"),
    Case("indent-width", "{{ ('a\\n' * 1000)|indent(1000000) }}", r"\|indent would make"),
    Case("wordwrap-wrapstring", "{{ ('word ' * 100000)|wordwrap(1, wrapstring='x' * 1000) }}", r"\|wordwrap would make"),
    Case("replace-empty", "{{ ('x' * 100000)|replace('', 'y' * 1000) }}", r"\|replace would make"),
    Case("truncate-list-text", "{{ ([['x' * 100000] * 1000] * 100)|truncate(10) }}", r"\|truncate would make"),
    Case("print-huge-list", "{{ ['x' * 100000] * 10000 }}", r"printing this value would make"),
    Case("batch-fill", "{{ [1]|batch(1000000000, 'x')|list }}", r"\|batch would make 1,000,000,000 items"),
    Case("slice-count", "{{ [1]|slice(1000000000)|list }}", r"\|slice would make 1,000,000,000 items"),
    Case("sum-lists", "{{ ([[1] * 1000] * 1000)|sum(start=[]) }}", r"\|sum adds numbers only"),
    Case("power", "{{ (2 ** 64) ** 1000 }}", r"'\*\*' would make .* bits"),
    Case("int-squaring", "{% set ns = namespace(n=3) %}{% for i in range(40) %}{% set ns.n = ns.n * ns.n %}{% endfor %}", r"'\*' would make .* bits"),
    Case("range-too-big", "{% for i in range(10 ** 12) %}{% endfor %}", r"(?i)range too big"),
    # ---- time: loops and calls that print nothing ----
    Case("nested-range-loops", "{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}", r"more than 1,000,000 steps"),
    Case("loop-filter-test", "{% for a in range(100000) %}{% for b in range(100000) if b < 0 %}{% endfor %}{% endfor %}", r"more than 1,000,000 steps"),
    Case("recursive-loop", "{% for a in [1] * 100000 recursive %}{{ loop(range(100000)) if loop.depth == 1 else '' }}{% endfor %}", r"more than (1,000,000 steps|5 seconds)"),
    Case("exponential-macro", "{% macro f(n) %}{% if n %}{{ f(n - 1) }}{{ f(n - 1) }}{% endif %}{% endmacro %}{{ f(60) }}", r"more than (1,000,000 steps|5 seconds)"),
    Case("self-include", "{% include 'guide.xml.j2' %}{% include 'guide.xml.j2' %}", r"calls itself|more than (1,000,000 steps|5 seconds)"),
    Case("loop-macro-prints-nothing", "{% macro f() %}{% for i in range(100000) %}{% endfor %}{% endmacro %}{% for i in range(100000) %}{{ f() }}{% endfor %}", r"more than 1,000,000 steps"),
    # ---- what comes out ----
    Case("lone-surrogate", "<p>{{ '\\ud800' }}</p>", r"lone surrogate"),
]


def test_the_suite_is_big_enough() -> None:
    assert len(CASES) >= 40
    assert len({c.id for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_hostile_template(case: Case, place: Path, previous_pdf: bytes) -> None:
    templates = place / "templates"
    (templates / case.file).write_text(guide_template(case.body.replace("SECRET_PATH", str(place / "secret.txt"))), encoding="utf-8")
    run = run_audited(["guide", "piriformis", "--templates", str(templates), "-o", "out.pdf", "--force"], place)
    assert run.code == 1, f"exit {run.code}:\n{run.err}"
    assert "Traceback" not in run.err and "unexpected" not in run.err, run.err
    lines = run.err.strip().splitlines()
    assert len(lines) == 1, run.err
    assert re.match(rf"error: {re.escape(str(templates / case.file))}:{case.line}: ", lines[0]), run.err
    assert re.search(case.pattern, lines[0]), f"{case.pattern!r} not in {lines[0]!r}"
    assert SECRET not in run.err
    assert (place / "work" / "out.pdf").read_bytes() == previous_pdf
    assert sorted(p.name for p in (place / "work").iterdir()) == ["out.pdf"]
    assert not list(place.rglob("PWNED"))
    assert_contained(run, place, may_write=(place / "cache",))
    assert run.seconds < 30, f"took {run.seconds:.1f} s"


# -- template files that are not plain text files ------------------------------------


@dataclass
class FileCase:
    id: str
    make: str  # what to put at templates/guide.xml.j2
    pattern: str


def _make(how: str, place: Path) -> None:
    target = place / "templates" / "guide.xml.j2"
    if how == "fifo":
        os.mkfifo(target)
    elif how == "folder":
        target.mkdir()
    elif how == "latin-1":
        target.write_bytes(guide_template("<p>caf\xe9</p>").encode("latin-1"))
    elif how == "link-outside":
        target.symlink_to(place / "secret.txt")
    elif how == "link-device":
        target.symlink_to("/dev/zero")
    elif how == "too-large":
        target.write_text(guide_template("<p>x</p>" + "{# filler #}" * 30000), encoding="utf-8")
    elif how == "include-parent":
        target.write_text(guide_template("{% include '../secret.txt' %}"), encoding="utf-8")
    elif how == "include-absolute":
        target.write_text(guide_template("{% include '" + str(place / "secret.txt") + "' %}"), encoding="utf-8")
    elif how == "include-link-outside":
        (place / "templates" / "part.xml.j2").symlink_to(place / "secret.txt")
        target.write_text(guide_template("{% include 'part.xml.j2' %}"), encoding="utf-8")
    elif how == "include-fifo":
        os.mkfifo(place / "templates" / "part.xml.j2")
        target.write_text(guide_template("{% include 'part.xml.j2' %}"), encoding="utf-8")
    else:
        raise AssertionError(how)


G = r"templates/guide\.xml\.j2"
FILE_CASES = [
    FileCase("fifo", "fifo", rf"{G}: is a named pipe, not a file"),
    FileCase("folder", "folder", rf"{G}: is a folder, not a file"),
    FileCase("latin-1", "latin-1", rf"{G}:3: is not UTF-8 text"),
    FileCase("link-outside", "link-outside", rf"{G}: is a link to a file outside its templates folder"),
    FileCase("link-device", "link-device", rf"{G}: is a link to a file outside its templates folder"),
    FileCase("too-large", "too-large", rf"{G}: is larger than 256 KB"),
    FileCase("include-parent", "include-parent", rf"{G}:3: template '\.\./secret\.txt' not found"),
    FileCase("include-absolute", "include-absolute", rf"{G}:3: template '.*secret\.txt' not found"),
    FileCase("include-link-outside", "include-link-outside", r"templates/part\.xml\.j2: is a link to a file outside"),
    FileCase("include-fifo", "include-fifo", r"templates/part\.xml\.j2: is a named pipe, not a file"),
]


@pytest.mark.parametrize("case", FILE_CASES, ids=[c.id for c in FILE_CASES])
def test_template_file_that_is_not_plain_text(case: FileCase, place: Path, previous_pdf: bytes) -> None:
    _make(case.make, place)
    run = run_audited(["guide", "piriformis", "--templates", str(place / "templates"), "-o", "out.pdf", "--force"], place)
    assert run.code == 1, run.err
    assert "Traceback" not in run.err and "unexpected" not in run.err, run.err
    assert len(run.err.strip().splitlines()) == 1, run.err
    assert re.search(r"^error: " + case.pattern, run.err.replace(str(place) + "/", "")), run.err
    assert SECRET not in run.err
    assert (place / "work" / "out.pdf").read_bytes() == previous_pdf
    assert_contained(run, place, may_write=(place / "cache",))


def test_check_reports_a_template_that_is_a_pipe(place: Path) -> None:
    _make("fifo", place)
    (place / "templates" / "card.xml.j2").write_text("{{ oops }\n", encoding="utf-8")
    run = run_audited(["check", "--templates", str(place / "templates")], place)
    assert run.code == 1, run.err
    assert "guide.xml.j2: is a named pipe, not a file" in run.err
    assert "card.xml.j2:1: template syntax error" in run.err
    assert "Traceback" not in run.err


# -- every object a template receives -------------------------------------------------


def _reachable(root: dict[str, object]) -> list[tuple[str, object]]:
    """(template expression, value) for everything a template can reach from *root*."""
    from types import MappingProxyType

    from handout.merge.view import Method, Record

    seen: set[int] = set()
    out: list[tuple[str, object]] = []
    todo = list(root.items())
    while todo:
        expr, value = todo.pop()
        if id(value) in seen:
            continue
        seen.add(id(value))
        out.append((expr, value))
        if isinstance(value, Record):
            todo += [(f"{expr}.{k}", v) for k, v in value._fields.items()]
        elif isinstance(value, tuple):
            todo += [(f"{expr}[{i}]", v) for i, v in enumerate(value)]
        elif isinstance(value, MappingProxyType):
            todo += [(f"{expr}[{k!r}]", v) for k, v in value.items()]
        elif isinstance(value, Method):
            try:
                todo.append((f"{expr}()", value()))
            except TypeError:  # it needs an argument
                todo.append((f"{expr}('symptoms')", value("symptoms")))
    return out


DANGEROUS = ("path", "logo", "read_text", "read_bytes", "write_text", "write_bytes", "open", "unlink",
             "rename", "mkdir", "iterdir", "glob", "parent", "resolve", "format", "format_map", "mro", "center",
             "ljust", "rjust", "zfill", "join", "replace", "encode", "expandtabs", "translate", "strftime",
             "fromkeys", "copy", "update", "pop", "append", "extend", "clear", "setdefault")


def test_every_object_a_template_receives_is_plain_and_closed(tmp_path: Path) -> None:
    """Walk everything a guide and a card template receive; try every attribute on each."""
    import datetime as dt
    from types import MappingProxyType

    from markupsafe import Markup

    from handout.build import Request, load_inputs
    from handout.merge.sandbox import allowed
    from handout.merge.templates import environment, template_dirs
    from handout.merge.view import Method, Record, to_view
    from handout.model import Brand, FontFiles

    inputs = load_inputs(Request("card", "piriformis", routine="tennis-ball-lying"))
    fonts = FontFiles(tmp_path / "r.ttf", tmp_path / "b.ttf", tmp_path / "i.ttf", tmp_path / "bi.ttf")
    brand = Brand(name="Clinic", path=tmp_path / "brand.toml", logo=tmp_path / "logo.png", fonts=fonts)
    root = {"topic": to_view(inputs.topic), "brand": to_view(brand), "routine": to_view(inputs.routine)}
    found = _reachable(root)
    assert len(found) > 100  # the walk itself works: a topic has many parts
    plain = (Record, Method, str, int, float, dt.date, tuple, MappingProxyType, type(None))
    for expr, value in found:
        assert isinstance(value, plain), f"{expr} is a {type(value).__name__}"
    kinds = {value._kind for _, value in found if isinstance(value, Record)}
    assert {"topic", "section", "block", "routine", "dose", "source", "brand"} <= kinds

    env = environment(template_dirs(None))
    by_type: dict[object, tuple[str, object]] = {}
    for expr, value in found:
        by_type.setdefault(value._kind if isinstance(value, Record) else type(value), (expr, value))
    assert Markup in by_type and str in by_type and Method in by_type
    for expr, value in by_type.values():
        for name in {*dir(value), *DANGEROUS}:
            got = env.getattr(value, name)
            if allowed(value, name):
                assert name not in DANGEROUS or isinstance(value, Record) and name in ("copy",), f"{expr}.{name}"
                assert not isinstance(got, jinja2_undefined()), f"{expr}.{name} is allowed but undefined"
            else:
                assert isinstance(got, jinja2_undefined()), f"a template can read {expr}.{name}: {got!r}"


def jinja2_undefined() -> type:
    import jinja2

    return jinja2.Undefined


def test_the_documented_variables_still_work(tmp_path: Path) -> None:
    """What templates/README.md promises, through a real template: the allow-list is not too tight."""
    from handout.build import Request, load_inputs
    from handout.merge.templates import render

    (tmp_path / "card.xml.j2").write_text(
        "<document><p>{{ topic.id }}|{{ topic.title }}|{{ topic.reviewed | longdate }}|{{ topic.language }}"
        "|{{ topic.sources[0].title }}|{{ topic.sections | length }}|{{ topic.section('symptoms').title }}"
        "|{{ topic.routines | length }}|{{ routine.id }}|{{ routine.dose.hold }}|{{ routine.dose.hold_seconds[1] }}"
        "|{% for label, value in routine.dose.items() %}{{ label }}={{ value }};{% endfor %}"
        "|{{ brand.name }}|{{ brand.contact | join(', ') }}|{{ client }}|{{ topic.title.upper() }}"
        "|{{ topic.sections | map(attribute='id') | join(',') }}|{{ '%s-%03d' % ('n', 7) }}|{{ 'ab' ~ 'cd' }}"
        "|{% for s in topic.sections %}{{ loop.index }}{% if not loop.last %},{% endif %}{% endfor %}"
        "|{% set ns = namespace(n=0) %}{% for r in topic.routines %}{% set ns.n = ns.n + 1 %}{% endfor %}{{ ns.n }}"
        "</p></document>\n", encoding="utf-8")
    inputs = load_inputs(Request("card", "piriformis", routine="tennis-ball-lying"))
    out = render("card", (tmp_path,), topic=inputs.topic, brand=inputs.brand, routine=inputs.routine, client="Tom & <Jerry>", note=None)
    fields = out.removeprefix("<document><p>").split("</p>")[0].split("|")
    assert fields[0] == "piriformis"
    assert fields[2] == inputs.topic.reviewed.strftime("%B ") + f"{inputs.topic.reviewed.day}, {inputs.topic.reviewed.year}"
    assert fields[6] == "Common symptoms"
    assert fields[8] == "tennis-ball-lying"
    assert fields[10] == str(inputs.routine.dose.hold_seconds[1])
    assert fields[11].startswith("Hold=")
    assert fields[14] == "Tom &amp; &lt;Jerry&gt;"
    assert fields[15] == str(inputs.topic.title).upper()
    assert fields[16] == ",".join(s.id for s in inputs.topic.sections)
    assert fields[17:19] == ["n-007", "abcd"]
    assert fields[19] == ",".join(str(i) for i in range(1, len(inputs.topic.sections) + 1))
    assert fields[20] == str(len(inputs.topic.routines))


# -- the cache -------------------------------------------------------------------------


def _pickle_bomb(marker: Path) -> bytes:
    import pickle

    class Bomb:
        def __reduce__(self) -> tuple[object, tuple[str]]:
            return (os.system, (f"touch {marker}",))

    return pickle.dumps(Bomb())


def test_a_poisoned_cache_entry_runs_nothing_and_builds_right(place: Path) -> None:
    """A cache entry planted by someone else is never run: the build is the same as without it."""
    clean = run_audited(["guide", "piriformis", "-o", "clean.pdf"], place)
    assert clean.code == 0, clean.err
    expected = (place / "work" / "clean.pdf").read_bytes()
    (entry,) = (place / "cache").glob("topic-*.json")
    good = entry.read_text(encoding="utf-8")
    marker = place / "PWNED"
    poisons: dict[str, bytes | None] = {
        "pickle": _pickle_bomb(marker),
        "unknown-record": good.replace('"t": "Topic"', '"t": "Popen"').encode(),
        "wrong-type": good.replace('"language": "en"', '"language": 7').encode(),
        "extra-field": good.replace('"language": "en"', '"language": "en", "path2": "x"').encode(),
        "edited-format": good.replace('"format": ', '"format": 99, "x": ').encode(),
        "truncated": good[: len(good) // 2].encode(),
        "deep": b"[" * 100_000 + b"]" * 100_000,
        "not-utf8": b"\xff\xfe" + good.encode("utf-16-le"),
        "fifo": None,
    }
    assert '"language": "en"' in good and '"t": "Topic"' in good  # the edits above do change something
    for name, poison in poisons.items():
        entry.unlink()
        if poison is None:
            os.mkfifo(entry)
        else:
            entry.write_bytes(poison)
        entry.with_suffix(".pickle").write_bytes(_pickle_bomb(marker))  # where older versions kept it
        for args in (["list"], ["guide", "piriformis", "-o", "again.pdf", "--force"]):
            run = run_audited(args, place)
            assert run.code == 0, f"{name}: {run.err}"
            assert not marker.exists(), f"{name}: the planted entry ran"
            assert not [e for e in run.events if e[0] == "pickle.find_class"], name
        assert (place / "work" / "again.pdf").read_bytes() == expected, f"{name}: a different PDF"
        assert entry.read_text(encoding="utf-8") == good, f"{name}: the entry was not rebuilt"
