#include "chat_publish.h"

#include <string.h>

#include <mosquitto.h>
#include <mosquitto_broker.h>

#include "chat.h"
#include "log.h"
#include "nabz.h"

void nabz_chat_publish__flush(struct nabz *nabz)
{
	struct nabz_chat_out *o = nabz_chat__take_out(&nabz->chat);

	while(o){
		struct nabz_chat_out *next = o->next;
		/* QoS 1: a chat line lost on a flaky link is a gap in the talk. */
		int rc = mosquitto_broker_publish_copy(NULL, o->topic, (int)strlen(o->payload), o->payload,
				1, o->retain, NULL);

		if(rc != MOSQ_ERR_SUCCESS){
			nabz_log_err("cannot publish %s: %s", o->topic, mosquitto_strerror(rc));
		}
		nabz_chat__out_free(o);
		o = next;
	}
}
