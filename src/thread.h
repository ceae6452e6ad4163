/*
 * thread.h: the helper threads' common start.
 */
#ifndef THREAD_H
#define THREAD_H

#include <pthread.h>

/*
 * Start fn(arg) on a new thread with every signal blocked in it, so that
 * the handlers run in the thread that reads the input (which counts on
 * that to be woken).  Returns 1 when the thread runs, 0 when none could
 * be started (the caller then does the work itself).
 */
int	 thread_start(pthread_t *t, void *(*fn)(void *), void *arg);

#endif /* THREAD_H */
