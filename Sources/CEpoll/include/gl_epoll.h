// epoll(7) and eventfd(2) for GuardlineTransport. The Glibc module does not
// export <sys/epoll.h> or <sys/eventfd.h>, and `struct epoll_event` is packed
// on x86-64, which Swift cannot import field by field: these wrappers pass
// only a 64-bit token per descriptor.
#ifndef GL_EPOLL_H
#define GL_EPOLL_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// A close-on-exec epoll set; -1 with errno set on failure.
int gl_epoll_create(void);
/// Adds `fd` watched for input with `token` as its event data; 0 or -1 (errno).
int gl_epoll_add(int epfd, int fd, uint64_t token);
/// Removes `fd`; 0 or -1 (errno).
int gl_epoll_remove(int epfd, int fd);
/// Waits for events (retrying EINTR) and stores up to `capacity` tokens (at
/// most 64 per call; the rest come with the next call); returns how many, or
/// -1 (errno).
int gl_epoll_wait(int epfd, uint64_t *tokens, int capacity, int timeout_ms);
/// A close-on-exec, non-blocking eventfd; -1 with errno set on failure.
int gl_eventfd_create(void);

#ifdef __cplusplus
}
#endif

#endif
