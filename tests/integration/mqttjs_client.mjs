// MQTT.js (npm "mqtt", the library browsers use) over WebSocket, from Node:
// connect, subscribe, report what arrives. Used by test_ws_mqttjs.py.
//   node mqttjs_client.mjs <url> <protocolVersion> <topic> <count>
// Prints one JSON line: {"connected":true,"messages":[...]} or {"error":...}.
import mqtt from 'mqtt';

const [url, version, topic, count] = process.argv.slice(2);
const want = Number(count);
const messages = [];
const client = mqtt.connect(url, {
  protocolVersion: Number(version),
  clientId: `web-mqttjs-${version}-${process.pid}`,
  reconnectPeriod: 0,
  connectTimeout: 5000,
});
const finish = (result) => {
  console.log(JSON.stringify(result));
  client.end(true, () => process.exit(result.error ? 1 : 0));
};
setTimeout(() => finish({ error: 'timeout', messages }), 10000);
client.on('error', (err) => finish({ error: String(err) }));
client.on('connect', () => {
  client.subscribe(topic, { qos: 1 }, (err) => {
    if (err) return finish({ error: String(err) });
    console.log(JSON.stringify({ subscribed: true }));
  });
});
client.on('message', (t, payload) => {
  messages.push({ topic: t, payload: payload.toString() });
  if (messages.length >= want) finish({ connected: true, messages });
});
