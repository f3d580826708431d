/*
 * How many file descriptors the configured limits need: the broker process
 * has one table for everything. Each WebSocket client takes 3 (the
 * browser's socket, the listener's link to the broker's unix socket, the
 * broker's end of it), each TCP client 1, and NABZ_FD_MARGIN covers the
 * rest (listening sockets, files, the plugin's own, connections not yet
 * counted). scripts/run.sh raises the broker's limit with the same sum.
 * Pure; any thread.
 */
#ifndef NABZ_FD_BUDGET_H
#define NABZ_FD_BUDGET_H

#include <stdint.h>

#include "config.h"

#define NABZ_FD_MARGIN 1024

/* 3 x ws_max_connections (when a WebSocket listener is configured) +
 * tcp_max_connections + NABZ_FD_MARGIN. */
uint64_t nabz_fd_budget__needed(const struct nabz_config *cfg);

#endif
