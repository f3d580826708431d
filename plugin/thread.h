/* The plugin's own threads (the listener's service threads, the state
 * writer) start the same way: with every signal blocked, since signals are
 * the broker's (mosquitto's handlers must run on its thread, which blocks
 * SIGTERM only around its epoll_wait), and named for top -H and perf. */
#ifndef NABZ_THREAD_H
#define NABZ_THREAD_H

#include <pthread.h>

/* Starts fn(arg) on a new thread named name (at most 15 characters).
 * Returns 0, or pthread_create's error number. */
int nabz_thread__start(pthread_t *thread, void *(*fn)(void *), void *arg, const char *name);

#endif
