/* Shared includes and small helpers for the bpfcheck test corpus.
 *
 * Every corpus program includes this header. It pulls in the kernel uapi
 * headers (from linux-libc-dev) and libbpf's BPF-side headers, and defines the
 * few things those headers do not: the target architecture for bpf_tracing.h,
 * the legacy `struct bpf_map_def`, and short macros used across the corpus.
 * It deliberately does not use a generated vmlinux.h: programs that need kernel
 * types declare small local mirrors with preserve_access_index (see
 * corpus_kernel.h), so the build never depends on the machine's BTF.
 */
#ifndef BPFCHECK_CORPUS_H
#define BPFCHECK_CORPUS_H

#ifndef __TARGET_ARCH_x86
#define __TARGET_ARCH_x86
#endif

#include <linux/types.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <linux/pkt_cls.h>
#include <linux/ptrace.h>
#include <linux/perf_event.h>
#include <linux/bpf_perf_event.h>

#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

/* The pre-BTF map definition that lived in SEC("maps"). libbpf 1.x dropped it
 * from bpf_helpers.h (and refuses to load such objects), but old objects in
 * the wild still carry it, so bpfcheck's frontend must understand it. */
struct bpf_map_def {
	unsigned int type;
	unsigned int key_size;
	unsigned int value_size;
	unsigned int max_entries;
	unsigned int map_flags;
};

/* Socket-layer constants that the uapi headers available to BPF do not
 * export (they live in libc's <sys/socket.h>, which cannot be used here). */
#define CORPUS_AF_INET 2
#define CORPUS_AF_INET6 10
#define CORPUS_SOCK_STREAM 1
#define CORPUS_SOCK_DGRAM 2

/* A byte-sized view of a network-order IPv4 address a.b.c.d. */
#define CORPUS_IPV4(a, b, c, d) \
	bpf_htonl(((__u32)(a) << 24) | ((__u32)(b) << 16) | ((__u32)(c) << 8) | (__u32)(d))

#endif /* BPFCHECK_CORPUS_H */
