/* LD_PRELOAD shim for profiling under valgrind 3.19 (Debian 12) only; never used in a timed run.
 *
 * libdispatch parks the main thread of an async Swift program in sigsuspend() with a mask that
 * lives in read-only memory. valgrind 3.19's rt_sigsuspend wrapper writes to the mask it is given,
 * so it dies with an internal SIGSEGV. This passes a writable copy instead. */
#define _GNU_SOURCE
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

int sigsuspend(const sigset_t *mask) {
    sigset_t copy = *mask;
    return (int)syscall(SYS_rt_sigsuspend, &copy, (size_t)(_NSIG / 8));
}
