/* sockops program that inserts every newly established IPv4 TCP socket into a
 * sockhash keyed by its 4-tuple, so that an sk_msg program can redirect between
 * them. bpf_sock_hash_update takes the sock_ops context as the socket argument.
 * Exercises BPF_MAP_TYPE_SOCKHASH from the sockops side. Accepted. */
#include "corpus.h"

struct flow_key {
	__u32 sip, dip;
	__u32 sport, dport;
};

struct {
	__uint(type, BPF_MAP_TYPE_SOCKHASH);
	__uint(max_entries, 4096);
	__type(key, struct flow_key);
	__type(value, __u64);
} established SEC(".maps");

// @expect add_to_sockhash accept
SEC("sockops")
int add_to_sockhash(struct bpf_sock_ops *skops)
{
	struct flow_key key = {};

	if (skops->family != CORPUS_AF_INET)
		return 1;
	if (skops->op != BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB &&
	    skops->op != BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB)
		return 1;
	key.sip = skops->local_ip4;
	key.dip = skops->remote_ip4;
	key.sport = skops->local_port;
	key.dport = bpf_ntohl(skops->remote_port);
	bpf_sock_hash_update(skops, &established, &key, BPF_ANY);
	return 1;
}

char LICENSE[] SEC("license") = "GPL";
