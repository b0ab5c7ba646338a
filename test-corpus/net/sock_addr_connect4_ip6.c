/* cgroup/connect4 program that reads user_ip6. An IPv4 connect hook has no IPv6
 * destination; the kernel only permits user_ip6 for the bind6/connect6/
 * sendmsg6/recvmsg6/getpeername6/getsockname6 attach types. Rejected: context
 * field not available for the attach type. */
#include "corpus.h"

// @expect connect4_reads_ip6 reject: invalid bpf_context access off=8 size=4
SEC("cgroup/connect4")
int connect4_reads_ip6(struct bpf_sock_addr *ctx)
{
	return ctx->user_ip6[0] == 0 ? 1 : 0;
}

char LICENSE[] SEC("license") = "GPL";
