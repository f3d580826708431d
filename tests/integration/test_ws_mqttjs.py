"""MQTT.js, the library in every nabz page, over the WebSocket listener
(MQTT 3.1.1 and 5), run in Node."""
import json
import os
import subprocess

import pytest

from nabz_broker import Watcher, stop_client

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))


@pytest.mark.parametrize("version", [4, 5])
def test_mqttjs_receives_over_websocket(broker_factory, version):
    b = broker_factory(accounts={"nabz-bridge": "pw"},
                       options={"publishers": "nabz-bridge", "services": "nabz-bridge"}).start()
    w = Watcher(b)
    proc = subprocess.Popen(["node", os.path.join(HERE, "mqttjs_client.mjs"),
                             "ws://127.0.0.1:%d/mqtt" % b.ws_port, str(version), "crypto/market", "3"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    line = proc.stdout.readline()
    assert json.loads(line) == {"subscribed": True}, (line, proc.stderr.read() if proc.poll() is not None else "")
    data = w.wait_for(lambda d: d["active_connections"] == 2 and d["groups"]["market"] == 1)
    assert data["client_types"] == {"api": 1, "browser": 1}
    pub = b.client(client_id="nabz-bridge", username="nabz-bridge", password="pw")
    sent = [json.dumps({"type": "market_update", "data": {"n": i}}) for i in range(3)]
    for s in sent:
        pub.publish("crypto/market", s, qos=1)
    out, err = proc.communicate(timeout=15)
    result = json.loads(out.strip().splitlines()[-1])
    assert "error" not in result, (result, err)
    assert [m["payload"] for m in result["messages"]] == sent
    stop_client(pub)
    w.wait_for(lambda d: d["active_connections"] == 1)
    w.close()
