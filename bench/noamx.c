/*
 * LD_PRELOAD shim for bench/q8.sh: refuses a process's request for AMX tile state
 * (arch_prctl(ARCH_REQ_XCOMP_PERM, XFEATURE_XTILEDATA), which Linux requires before a program may
 * use AMX), so llama.cpp on a CPU with AMX runs the int8 kernels it has for every other AVX-512 CPU.
 * ggml asks through libc's syscall(); the refusal is printed once to standard error.
 *
 *   cc -shared -fPIC -O2 -o /tmp/libnoamx.so bench/noamx.c -ldl
 *   LD_PRELOAD=/tmp/libnoamx.so node bench/peer_llamacpp.mjs ...
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/syscall.h>

#define ARCH_REQ_XCOMP_PERM 0x1023

long syscall(long number, ...) {
    va_list ap;
    va_start(ap, number);
    long a[6];
    for (int i = 0; i < 6; i++) a[i] = va_arg(ap, long);
    va_end(ap);
    if (number == SYS_arch_prctl && a[0] == ARCH_REQ_XCOMP_PERM) {
        fprintf(stderr, "noamx: refused AMX permission\n");
        errno = EPERM;
        return -1;
    }
    static long (*real)(long, ...);
    if (!real) real = (long (*)(long, ...)) dlsym(RTLD_NEXT, "syscall");
    return real(number, a[0], a[1], a[2], a[3], a[4], a[5]);
}
