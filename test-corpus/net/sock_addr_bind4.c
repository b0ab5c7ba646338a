/* cgroup/bind4 program that moves binds on port 80 to port 8080 and refuses
 * binds to 0.0.0.0:22. Exercises BPF_PROG_TYPE_CGROUP_SOCK_ADDR with attach
 * type BPF_CGROUP_INET4_BIND: user_ip4/user_port are readable and writable.
 * Accepted. */
#include "corpus.h"

// @expect remap_bind4 accept
SEC("cgroup/bind4")
int remap_bind4(struct bpf_sock_addr *ctx)
{
	if (ctx->user_port == bpf_htons(22) && ctx->user_ip4 == 0)
		return 0;
	if (ctx->user_port == bpf_htons(80))
		ctx->user_port = bpf_htons(8080);
	return 1;
}

char LICENSE[] SEC("license") = "GPL";
