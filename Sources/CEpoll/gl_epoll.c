#include "gl_epoll.h"

#include <errno.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>

int gl_epoll_create(void) { return epoll_create1(EPOLL_CLOEXEC); }

int gl_epoll_add(int epfd, int fd, uint64_t token) {
    struct epoll_event event = {0};
    event.events = EPOLLIN;
    event.data.u64 = token;
    return epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &event);
}

int gl_epoll_remove(int epfd, int fd) {
    struct epoll_event event = {0};  // ignored, but kernels before 2.6.9 required it
    return epoll_ctl(epfd, EPOLL_CTL_DEL, fd, &event);
}

int gl_epoll_wait(int epfd, uint64_t *tokens, int capacity, int timeout_ms) {
    struct epoll_event events[64];
    if (capacity > 64) capacity = 64;
    int n;
    do {
        n = epoll_wait(epfd, events, capacity, timeout_ms);
    } while (n < 0 && errno == EINTR);
    for (int i = 0; i < n; i++) tokens[i] = events[i].data.u64;
    return n;
}

int gl_eventfd_create(void) { return eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK); }
