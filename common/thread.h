/* Helper threads (the plugin's listener threads and state writer, the
 * bridge's stream thread) start the same way: with every signal blocked,
 * since signals belong to the process's main loop (mosquitto's, which
 * blocks SIGTERM only around its epoll_wait; the programs' loop.c, whose
 * handler wakes its curl loop), and named for top -H and perf. */
#ifndef NABZ_THREAD_H
#define NABZ_THREAD_H

#include <pthread.h>

/* Starts fn(arg) on a new thread named name (at most 15 characters).
 * Returns 0, or pthread_create's error number. */
int nabz_thread__start(pthread_t *thread, void *(*fn)(void *), void *arg, const char *name);

#endif
