/*
 * The wake link: one MQTT connection from service thread 0 to the
 * broker, used only to wake the broker's loop when a debounced stats
 * publish falls due.
 *
 * Why: 2.0.11 runs MOSQ_EVT_TICK once per pass of its main loop, and an
 * idle loop waits up to 100 ms in epoll_wait. A change that comes within
 * the debounce interval of the last publish would wait for that timeout
 * (measured: ~100 ms instead of < 1 ms). The broker thread asks, through
 * the seam, to be woken at the due time; this thread's timer then sends a
 * PINGREQ on the link, epoll returns, the tick publishes.
 *
 * The link logs in as NABZ_WAKE_USERNAME with a password made at each
 * start; the plugin accepts that pair as an internal service, which is
 * counted nowhere and listed nowhere. Thread 0 only.
 */
#include <stdio.h>
#include <unistd.h>

#include "client_ids.h"
#include "mqtt_packet.h"
#include "timeutil.h"
#include "ws_internal.h"

#define WAKE_RETRY_US (200 * LWS_US_PER_MS)

static void wake_dial(struct nabz_ws *ws);

static void wake_retry_cb(lws_sorted_usec_list_t *sul)
{
	struct nabz_ws *ws = lws_container_of(sul, struct nabz_ws, sul_wake_dial);

	wake_dial(ws);
}

static void wake_fire_cb(lws_sorted_usec_list_t *sul)
{
	struct nabz_ws *ws = lws_container_of(sul, struct nabz_ws, sul_wake_fire);

	if(ws->wake_link && ws->wake_ready){
		ws->wake_ping_due = true;
		lws_callback_on_writable(ws->wake_link);
	}
}

/* CONNECT: MQTT 3.1.1, clean session, keepalive 0 (the link is never
 * timed out), the wake account's username and password. */
static size_t build_connect(struct nabz_ws *ws, uint8_t *out, size_t cap)
{
	char client_id[48];

	snprintf(client_id, sizeof(client_id), NABZ_WAKE_CLIENT_ID_PREFIX "%d", (int)getpid());
	return nabz_mqtt__connect(out, cap, client_id, NABZ_WAKE_USERNAME, ws->seam->wake_password, 0);
}

static void wake_dial(struct nabz_ws *ws)
{
	if(atomic_load(&ws->stop)) return;
	ws->wake_link = nabz_ws__dial_broker(ws, "nabz-wake");
	if(ws->wake_link == NULL){
		/* The broker's listener appears after plugin init: normal at
		 * start, so retried quietly. */
		lws_sul_schedule(ws->context, 0, &ws->sul_wake_dial, wake_retry_cb, WAKE_RETRY_US);
		return;
	}
	ws->wake_ready = false;
	ws->wake_connect_sent = false;
	lws_callback_on_writable(ws->wake_link);
}

/* The broker thread asked for a wake-up (or a stop); pick up the time. */
static void on_cancelled(struct nabz_ws *ws)
{
	int64_t at, now;

	/* Only thread 0 keeps the wake link; the others' wake-ups are lws's. */
	if(ws->index != 0 || atomic_load(&ws->stop)) return;
	if(!ws->wake_started){
		ws->wake_started = true;
		wake_dial(ws);
	}
	at = atomic_exchange(&ws->seam->wake_at_ms, 0);
	if(at == 0) return;
	now = nabz_time__mono_ms();
	lws_sul_schedule(ws->context, 0, &ws->sul_wake_fire, wake_fire_cb,
			at > now ? (lws_usec_t)(at - now) * LWS_US_PER_MS : 1);
}

int nabz_ws__wake_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len)
{
	struct nabz_ws *ws = nabz_ws__from_wsi(wsi);
	uint8_t *buf = ws->scratch + LWS_PRE;
	size_t n;

	(void)user;
	switch(reason){
		case LWS_CALLBACK_EVENT_WAIT_CANCELLED:
			on_cancelled(ws);
			return 0;
		case LWS_CALLBACK_RAW_ADOPT:
			return 0;
		case LWS_CALLBACK_RAW_RX:
			/* CONNACK (accepted: 20 02 00 00), then PINGRESPs. */
			if(!ws->wake_ready && len >= 4 && ((const uint8_t *)in)[0] == 0x20){
				if(((const uint8_t *)in)[3] != 0){
					nabz_seam__log(ws->seam, MOSQ_LOG_ERR, "wake link refused by the broker (code %d)",
							((const uint8_t *)in)[3]);
					return -1;
				}
				ws->wake_ready = true;
			}
			return 0;
		case LWS_CALLBACK_RAW_WRITEABLE:
			if(!ws->wake_connect_sent){
				n = build_connect(ws, buf, NABZ_WS_CHUNK);
				if(n == 0 || lws_write(wsi, buf, n, LWS_WRITE_RAW) < (int)n) return -1;
				ws->wake_connect_sent = true;
			}else if(ws->wake_ping_due){
				buf[0] = 0xC0; /* PINGREQ */
				buf[1] = 0x00;
				if(lws_write(wsi, buf, 2, LWS_WRITE_RAW) < 2) return -1;
				ws->wake_ping_due = false;
				ws->wakes_sent++;
			}
			return 0;
		case LWS_CALLBACK_RAW_CLOSE:
			if(wsi == ws->wake_link){
				ws->wake_link = NULL;
				ws->wake_ready = false;
				if(!atomic_load(&ws->stop)){
					lws_sul_schedule(ws->context, 0, &ws->sul_wake_dial, wake_retry_cb, WAKE_RETRY_US);
				}
			}
			return 0;
		default:
			return 0;
	}
}
