"""Option table: unknown options and bad values stop the broker with a
message naming them; per_listener_settings true is refused; every option is
documented in mosquitto.conf."""
import os
import re

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..")


@pytest.mark.parametrize("options,message", [
    ({"no_such_option": "1"}, "unknown option plugin_opt_no_such_option"),
    ({"stats_debounce_ms": "fast"}, "option stats_debounce_ms: \"fast\" is not a whole number"),
    ({"stats_debounce_ms": "-1"}, "option stats_debounce_ms"),
    ({"max_control_payload": "99999999999999999999"}, "option max_control_payload"),
    ({"allow_anonymous": "maybe"}, "option allow_anonymous: \"maybe\" is not true or false"),
    ({"topic_prefix": "crypto/#"}, "option topic_prefix"),
])
def test_bad_options_stop_the_broker(broker_factory, options, message):
    b = broker_factory(options=options).start(wait=False)
    rc = b.wait_exit(10)
    assert rc != 0
    assert message in b.read_log()


def test_per_listener_settings_true_is_refused(broker_factory):
    b = broker_factory(per_listener_settings=True, plugin=False)
    b.extra_conf = "plugin %s\nallow_anonymous true" % os.environ.get(
        "NABZ_PLUGIN", os.path.join(ROOT, "build", "plugin", "nabz_plugin.so"))
    b.start(wait=False)
    rc = b.wait_exit(10)
    assert rc != 0
    assert "per_listener_settings must be false" in b.read_log()


def test_every_option_is_documented_in_mosquitto_conf():
    src = open(os.path.join(ROOT, "plugin", "config.c")).read()
    table = src[src.index("opt_table[] = {"):src.index("};", src.index("opt_table[] = {"))]
    names = re.findall(r'\{"([a-z_]+)", OPT_', table)
    assert len(names) >= 10
    conf = open(os.path.join(ROOT, "mosquitto.conf")).read()
    for name in names:
        assert re.search(r"^#?\s*plugin_opt_%s\b" % name, conf, re.M), name
        assert "# plugin_opt_%s:" % name in conf, name
    assert re.search(r"^allow_duplicate_messages true", conf, re.M)
    assert re.search(r"^per_listener_settings false", conf, re.M)
