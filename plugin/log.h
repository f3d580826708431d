/* Logging through the broker's log, every line prefixed "nabz: ".
 * Broker thread only: mosquitto_log_printf is not thread safe. */
#ifndef NABZ_LOG_H
#define NABZ_LOG_H

#include <mosquitto.h>
#include <mosquitto_broker.h>

#define nabz_log(level, ...) mosquitto_log_printf((level), "nabz: " __VA_ARGS__)
#define nabz_log_err(...) nabz_log(MOSQ_LOG_ERR, __VA_ARGS__)
#define nabz_log_warn(...) nabz_log(MOSQ_LOG_WARNING, __VA_ARGS__)
#define nabz_log_notice(...) nabz_log(MOSQ_LOG_NOTICE, __VA_ARGS__)
#define nabz_log_info(...) nabz_log(MOSQ_LOG_INFO, __VA_ARGS__)

#endif
