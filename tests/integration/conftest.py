import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fake_apis import FakeApis  # noqa: E402
from nabz_broker import Broker, Watcher  # noqa: E402


@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    setattr(item, "rep_" + rep.when, rep)


@pytest.fixture
def broker_factory(request):
    """Starts brokers on demand; stops them at the end, prints their log when
    the test failed, and fails the test on any sanitizer report."""
    started = []

    def make(**kwargs):
        b = Broker(**kwargs)
        started.append(b)
        return b

    yield make
    problems = []
    for b in started:
        try:
            b.stop()
        except RuntimeError as e:
            problems.append(str(e))
        reports = b.sanitizer_reports()
        failed = getattr(request.node, "rep_call", None)
        if reports or (failed is not None and failed.failed):
            sys.stderr.write("\n----- broker log (%s) -----\n%s\n" % (b.dir, b.read_log()))
        if reports:
            problems.append("sanitizer reports in broker log:\n" + "\n".join(reports))
    if problems:
        pytest.fail("\n".join(problems))


@pytest.fixture
def broker(broker_factory):
    return broker_factory().start()


@pytest.fixture
def watcher(broker):
    w = Watcher(broker)
    yield w
    w.close()


@pytest.fixture
def fake():
    """The public APIs the bridge reads, faked on 127.0.0.1."""
    f = FakeApis()
    yield f
    f.close()
