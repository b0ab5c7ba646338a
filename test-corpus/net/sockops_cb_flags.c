/* sockops program that, for every established TCP connection, enables the RTT
 * and state-change callbacks with bpf_sock_ops_cb_flags_set and counts RTT
 * callbacks per local port in a hash map. Exercises BPF_PROG_TYPE_SOCK_OPS
 * (reading op, local_port, args; writing reply) with a [0, 1] return.
 * Accepted. */
#include "corpus.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, __u64);
} rtt_events SEC(".maps");

// @expect track_rtt accept
SEC("sockops")
int track_rtt(struct bpf_sock_ops *skops)
{
	__u32 port = skops->local_port;
	__u64 one = 1, *count;

	switch (skops->op) {
	case BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB:
	case BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB:
		bpf_sock_ops_cb_flags_set(skops, BPF_SOCK_OPS_RTT_CB_FLAG |
						 BPF_SOCK_OPS_STATE_CB_FLAG);
		break;
	case BPF_SOCK_OPS_RTT_CB:
		count = bpf_map_lookup_elem(&rtt_events, &port);
		if (count)
			__sync_fetch_and_add(count, 1);
		else
			bpf_map_update_elem(&rtt_events, &port, &one, BPF_NOEXIST);
		break;
	case BPF_SOCK_OPS_TIMEOUT_INIT:
		skops->reply = 200;
		break;
	}
	return 1;
}

char LICENSE[] SEC("license") = "GPL";
