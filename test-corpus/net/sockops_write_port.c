/* sockops program that rewrites skops->remote_port. Of struct bpf_sock_ops only
 * reply/replylong[] (and sk_txhash) are writable; the connection's addresses
 * and ports are read-only. Rejected: write to a read-only context field. */
#include "corpus.h"

// @expect rewrite_remote_port reject: invalid bpf_context access off=64 size=4
SEC("sockops")
int rewrite_remote_port(struct bpf_sock_ops *skops)
{
	skops->remote_port = bpf_htonl(8080);
	return 1;
}

char LICENSE[] SEC("license") = "GPL";
