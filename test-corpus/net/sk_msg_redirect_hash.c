/* sk_msg program attached to a sockhash that redirects every message to the
 * socket of the reverse flow (looked up by swapped 4-tuple) with
 * bpf_msg_redirect_hash. The key is built on the stack from readable sk_msg_md
 * fields. Exercises BPF_MAP_TYPE_SOCKHASH as a redirect target. Accepted. */
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
} peers SEC(".maps");

// @expect redirect_to_peer accept
SEC("sk_msg")
int redirect_to_peer(struct sk_msg_md *msg)
{
	struct flow_key key = {};

	if (msg->family != CORPUS_AF_INET)
		return SK_PASS;
	key.sip = msg->remote_ip4;
	key.dip = msg->local_ip4;
	key.sport = bpf_ntohl(msg->remote_port);
	key.dport = msg->local_port;
	return bpf_msg_redirect_hash(msg, &peers, &key, BPF_F_INGRESS);
}

char LICENSE[] SEC("license") = "GPL";
